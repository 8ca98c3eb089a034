import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import backend, networks
from keras_gan.networks import residual
from keras_gan.networks.layers import SelectLeakyReLU


def test_maxout_takes_the_max_over_pieces_and_serializes(tmp_path):
    layer = networks.Maxout(3, pieces=2)
    inputs = np.array([[1.0, -2.0]], dtype="float32")
    outputs = layer(inputs)
    kernel, bias = layer.dense.get_weights()
    affine = (inputs @ kernel + bias).reshape(1, 3, 2)
    np.testing.assert_allclose(outputs, affine.max(-1), rtol=1e-6)

    model = keras.Sequential([keras.Input((2,)), layer])
    model.save(tmp_path / "maxout.keras")
    loaded = keras.models.load_model(tmp_path / "maxout.keras")
    assert loaded.layers[0].get_config()["pieces"] == 2
    np.testing.assert_allclose(loaded(inputs), outputs)


def test_select_leaky_relu_is_keras_leaky_relu_and_serializes(tmp_path):
    # Zeros and subnormals too: TensorFlow's LeakyReluGrad takes x > 0 there.
    x = np.random.default_rng(0).normal(size=(2, 64)).astype("float32")
    x[0, :4] = [0.0, -0.0, 1e-40, -1e-40]
    select, keras_layer = SelectLeakyReLU(0.2), keras.layers.LeakyReLU(0.2)
    weights = tf.constant(np.linspace(-1, 1, x.size, dtype="float32").reshape(2, 64))

    def values_and_gradients(layer):
        inputs = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            outputs = layer(inputs)
            loss = tf.reduce_sum(outputs * weights)
        return outputs.numpy(), tape.gradient(loss, inputs).numpy()

    for got, expected in zip(
        values_and_gradients(select), values_and_gradients(keras_layer), strict=True
    ):
        np.testing.assert_array_equal(got.view("int32"), expected.view("int32"))
    model = keras.Sequential([keras.Input((64,)), select])
    model.save(tmp_path / "select.keras")
    loaded = keras.models.load_model(tmp_path / "select.keras").layers[0]
    assert type(loaded) is SelectLeakyReLU and loaded.negative_slope == 0.2


def test_the_dcgan_discriminator_has_the_weights_it_had_with_keras_leaky_relu():
    discriminator = networks.dcgan_discriminator((8, 8, 1), width=4)
    activations = [type(layer) for layer in discriminator.layers]
    assert activations.count(SelectLeakyReLU) == 2
    assert keras.layers.LeakyReLU not in activations
    assert [tuple(w.shape) for w in discriminator.weights] == [
        (4, 4, 1, 4), (4,), (4, 4, 4, 8), (8,), (32, 1), (1,)
    ]  # fmt: skip


def test_paper_networks_match_the_paper():
    generator = networks.paper_mnist_generator()
    discriminator = networks.paper_mnist_discriminator()
    assert generator.input_shape == (None, 100)
    assert generator.output_shape == (None, 28, 28, 1)
    dense_units = [
        layer.units
        for layer in generator.layers
        if isinstance(layer, keras.layers.Dense)
    ]
    assert dense_units == [1200, 1200, 784]
    maxouts = [
        layer for layer in discriminator.layers if isinstance(layer, networks.Maxout)
    ]
    assert [(layer.units, layer.pieces) for layer in maxouts] == [(240, 5), (240, 5)]
    dropouts = [
        layer.rate
        for layer in discriminator.layers
        if isinstance(layer, keras.layers.Dropout)
    ]
    assert dropouts == [0.2, 0.5, 0.5]
    assert discriminator.output_shape == (None, 1)
    assert networks.output_range(generator) == (0.0, 1.0)


@pytest.mark.parametrize("network", ["dcgan", "residual"])
@pytest.mark.parametrize("shape", [(8, 8, 1), (28, 28, 1), (32, 32, 3)])
def test_square_networks_fit_square_images(network, shape):
    make_generator, make_discriminator = networks.NETWORKS[network]
    generator = make_generator(10, shape, width=4)
    discriminator = make_discriminator(shape, width=4)
    images = generator(np.zeros((2, 10), "float32"))
    assert images.shape == (2, *shape)
    assert discriminator(images).shape == (2, 1)
    assert networks.output_range(generator) == (-1.0, 1.0)


def test_residual_networks_have_no_normalisation_and_two_blocks_each():
    generator = networks.residual_generator(10, (28, 28, 1), width=4)
    discriminator = networks.residual_discriminator((28, 28, 1), width=4)
    for model in (generator, discriminator):
        kinds = {type(layer).__name__ for layer in model.layers}
        assert not kinds & {"BatchNormalization", "LayerNormalization", "Dropout"}
        assert sum(isinstance(layer, keras.layers.Add) for layer in model.layers) == 2


def test_every_residual_block_starts_as_the_identity():
    """Fix-up style: the branch's last convolution starts at zero."""
    inputs = keras.Input((7, 7, 6))
    block = keras.Model(inputs, residual.residual_block(inputs))
    x = np.random.default_rng(0).normal(size=(3, 7, 7, 6)).astype("float32")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(block(x)), x)
    last = [layer for layer in block.layers if isinstance(layer, keras.layers.Conv2D)]
    assert not np.any(keras.ops.convert_to_numpy(last[-1].kernel))
    assert np.any(keras.ops.convert_to_numpy(last[0].kernel))


def test_residual_networks_save_and_load(tmp_path):
    generator = networks.residual_generator(10, (8, 8, 1), width=4, num_classes=3)
    path = tmp_path / "g.keras"
    generator.save(path)
    loaded = keras.saving.load_model(path)
    inputs = [np.ones((2, 10), "float32"), np.array([0, 2], "int32")]
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(inputs)),
        keras.ops.convert_to_numpy(generator(inputs)),
    )


def test_bad_shapes_and_unknown_ranges_are_named():
    with pytest.raises(
        ValueError, match=r"image_shape.*Received: image_shape=\(30, 30, 1\)"
    ):
        networks.dcgan_generator(10, (30, 30, 1))
    linear = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    with pytest.raises(ValueError, match="pixel range"):
        networks.output_range(linear)


def test_paper_networks_start_from_the_papers_small_uniform_weights():
    generator = networks.paper_mnist_generator()
    discriminator = networks.paper_mnist_discriminator()
    for model, limit in ((generator, 0.05), (discriminator, 0.005)):
        kernels = [w.numpy() for w in model.weights if len(w.shape) == 2]
        assert len(kernels) == 3
        for kernel in kernels:
            assert np.abs(kernel).max() <= limit
            assert np.abs(kernel).max() > 0.9 * limit  # uniform, not smaller


def test_init_output_bias_starts_the_generator_at_the_mean_image():
    rng = np.random.default_rng(0)
    # Digit-like data: a bright centre on a black background.
    images = np.zeros((200, 28, 28, 1), "float32")
    images[:, 8:20, 8:20] = rng.uniform(0.5, 1.0, (200, 12, 12, 1))
    generator = networks.paper_mnist_generator()
    before = generator.predict(rng.normal(size=(256, 100)), verbose=0)
    assert abs(before[:, :4, :4].mean() - 0.5) < 0.1  # uniform grey at first
    networks.init_output_bias(generator, images)
    after = generator.predict(rng.normal(size=(256, 100)), verbose=0)
    np.testing.assert_allclose(after.mean(axis=0), images.mean(axis=0), atol=0.08)
    assert after[:, :4, :4].max() < 0.01  # a black background


def test_init_output_bias_rejects_bad_input():
    generator = networks.paper_mnist_generator()
    with pytest.raises(ValueError, match=r"784 values each.*\(10, 8, 8, 1\)"):
        networks.init_output_bias(generator, np.zeros((10, 8, 8, 1)))
    with pytest.raises(ValueError, match=r"\[0, 1\].*\[255, 255\]"):
        networks.init_output_bias(generator, np.full((2, 28, 28, 1), 255.0))
    with pytest.raises(ValueError, match="sigmoid"):
        networks.init_output_bias(networks.dcgan_generator(), np.zeros((2, 28, 28, 1)))


def _spectral_layers(model):
    return [
        layer
        for layer in model._flatten_layers()
        if isinstance(layer, keras.layers.SpectralNormalization)
    ]


def _top_singular_value(kernel):
    kernel = keras.ops.convert_to_numpy(kernel)
    return np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]


SPECTRAL_BUILDERS = {
    "dcgan": lambda sn: networks.dcgan_discriminator(
        (8, 8, 1), width=4, spectral_norm=sn
    ),
    "paper": lambda sn: networks.paper_mnist_discriminator((8, 8, 1), spectral_norm=sn),
}


@pytest.mark.parametrize("name", sorted(SPECTRAL_BUILDERS))
def test_spectral_norm_wraps_the_discriminators_weight_layers(name):
    assert _spectral_layers(SPECTRAL_BUILDERS[name](False)) == []
    wrapped = _spectral_layers(SPECTRAL_BUILDERS[name](True))
    inner = sorted(type(layer.layer).__name__ for layer in wrapped)
    expected = {"dcgan": ["Conv2D", "Conv2D", "Dense"], "paper": ["Dense"] * 3}
    assert inner == expected[name]
    # The logit layer keeps its name and float32 computation.
    logits = SPECTRAL_BUILDERS[name](True).get_layer("logits")
    assert isinstance(logits, keras.layers.SpectralNormalization)
    assert logits.compute_dtype == "float32"


@pytest.mark.parametrize("name", sorted(SPECTRAL_BUILDERS))
def test_spectral_norm_trains_and_normalises_the_kernels(name):
    discriminator = SPECTRAL_BUILDERS[name](True)
    optimizer = keras.optimizers.SGD(0.01)
    variables = discriminator.trainable_variables
    images = np.random.default_rng(0).uniform(-1, 1, (4, 8, 8, 1)).astype("float32")
    vectors = [layer.vector_u for layer in _spectral_layers(discriminator)]

    @tf.function
    def train_step(images):
        def loss_fn():
            return keras.ops.mean(discriminator(images, training=True)), ()

        _, _, gradients = backend.compute_gradients(loss_fn, variables, optimizer)
        backend.apply_gradients(optimizer, gradients, variables)

    before = [v.numpy() for v in vectors]
    discriminator(images, training=False)
    for vector, value in zip(vectors, before, strict=True):
        np.testing.assert_array_equal(vector.numpy(), value)  # inference: frozen
    for _ in range(30):
        train_step(tf.constant(images))
    assert optimizer.iterations.numpy() == 30
    for layer, value in zip(_spectral_layers(discriminator), before, strict=True):
        assert not np.allclose(layer.vector_u.numpy(), value)
    # One power iteration per training call: the paper MLP's wide kernels,
    # with close top singular values, need ~200 to converge.
    normalise = tf.function(lambda: discriminator(images, training=True))
    for _ in range(200):
        normalise()
    for layer in _spectral_layers(discriminator):
        assert _top_singular_value(layer.kernel) == pytest.approx(1.0, abs=0.005)


@pytest.mark.parametrize("name", sorted(SPECTRAL_BUILDERS))
def test_spectrally_normalised_discriminators_save_and_load(name, tmp_path):
    discriminator = SPECTRAL_BUILDERS[name](True)
    images = np.random.default_rng(1).uniform(-1, 1, (3, 8, 8, 1)).astype("float32")
    discriminator(images, training=True)  # moves the power-iteration vectors
    discriminator.save(tmp_path / "d.keras")
    loaded = keras.models.load_model(tmp_path / "d.keras")
    assert len(_spectral_layers(loaded)) == len(_spectral_layers(discriminator))
    for saved, restored in zip(discriminator.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(saved.numpy(), restored.numpy())
    np.testing.assert_allclose(loaded(images), discriminator(images), rtol=1e-6)

"""The GAN under Keras mixed-precision policies."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import networks, penalties
from keras_gan.gan import GAN


@pytest.fixture
def policy():
    def set_policy(name):
        keras.mixed_precision.set_dtype_policy(name)

    yield set_policy
    keras.mixed_precision.set_dtype_policy("float32")


def _tiny_linear_gan():
    # Two layers of weights 1e-4 in D make G's gradients ~1e-9: below
    # float16's smallest subnormal (6e-8), so they vanish unless the loss is
    # scaled (each weight alone is a normal float16 number).
    small = keras.initializers.Constant(1e-4)
    generator = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(6, activation="tanh")]
    )
    discriminator = keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(6, kernel_initializer=small),
            keras.layers.Dense(1, kernel_initializer=small),
        ]
    )
    return GAN(generator, discriminator, seed=1)


def _batches(count=4):
    images = np.random.default_rng(0).uniform(-1, 1, (16 * count, 6)).astype("float32")
    return tf.data.Dataset.from_tensor_slices(images).batch(16)


def test_float16_scales_both_losses_against_underflow(policy):
    policy("mixed_float16")
    gan = _tiny_linear_gan()
    gan.compile()
    for optimizer in (gan.generator_optimizer, gan.discriminator_optimizer):
        assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer)

    # Unscaled, the generator's float16 gradient underflows to exactly zero.
    noise = tf.random.normal((16, 4))
    with tf.GradientTape() as tape:
        logits = gan.discriminator(gan.generator(noise))
        loss = tf.reduce_mean(tf.cast(logits, "float32"))
    unscaled = tape.gradient(loss, gan.generator.trainable_variables)
    assert not np.any(keras.ops.convert_to_numpy(unscaled[0]))

    before = [w.copy() for w in gan.generator.get_weights()]
    history = gan.fit(_batches(), epochs=1, verbose=0)
    after = gan.generator.get_weights()
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert all(np.isfinite(w).all() for w in after)
    assert not np.allclose(before[0], after[0])  # the scaled gradient got through
    assert gan.discriminator.layers[-1].compute_dtype == "float16"


def test_float16_loss_scale_is_saved_and_restored(policy, tmp_path):
    policy("mixed_float16")
    gan = GAN(
        networks.dcgan_generator(8, (8, 8, 1), width=4),
        networks.dcgan_discriminator((8, 8, 1), width=4),
    )
    gan.compile()
    images = np.zeros((32, 8, 8, 1), "float32")
    gan.fit(tf.data.Dataset.from_tensor_slices(images).batch(16), epochs=1, verbose=0)
    gan.generator_optimizer.dynamic_scale.assign(1024.0)
    gan.discriminator_optimizer.dynamic_scale.assign(64.0)
    gan.save(tmp_path / "gan.keras")
    loaded = keras.models.load_model(tmp_path / "gan.keras")
    assert isinstance(loaded.generator_optimizer, keras.optimizers.LossScaleOptimizer)
    assert float(loaded.generator_optimizer.dynamic_scale) == 1024.0
    assert float(loaded.discriminator_optimizer.dynamic_scale) == 64.0
    # Discriminator logits stay float32 under the float16 policy.
    assert loaded.discriminator.get_layer("logits").compute_dtype == "float32"


def test_bfloat16_trains_without_loss_scaling(policy):
    policy("mixed_bfloat16")
    gan = GAN(
        networks.dcgan_generator(8, (8, 8, 1), width=4),
        networks.dcgan_discriminator((8, 8, 1), width=4),
    )
    gan.compile()
    assert not isinstance(gan.generator_optimizer, keras.optimizers.LossScaleOptimizer)
    images = np.random.default_rng(0).uniform(-1, 1, (64, 8, 8, 1)).astype("float32")
    history = gan.fit(
        tf.data.Dataset.from_tensor_slices(images).batch(16), epochs=2, verbose=0
    )
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert gan.generator.layers[1].compute_dtype == "bfloat16"


@pytest.mark.parametrize("name", ["mixed_float16", "mixed_bfloat16"])
def test_a_conditional_gan_with_r1_trains_under_a_mixed_policy(policy, name):
    policy(name)
    gan = networks.build_gan(
        (8, 8, 1), width=4, latent_dim=8, num_classes=3, seed=0,
        penalties=[penalties.R1(1.0)],
    )  # fmt: skip
    gan.compile()
    images = np.random.default_rng(0).uniform(-1, 1, (64, 8, 8, 1)).astype("float32")
    labels = np.arange(64, dtype="int32") % 3
    batches = tf.data.Dataset.from_tensor_slices((images, labels)).batch(16)
    embedding = gan.generator.get_layer("class_embedding")
    before = embedding.get_weights()[0].copy()
    history = gan.fit(batches, epochs=1, verbose=0)
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert not np.allclose(before, embedding.get_weights()[0])  # classes learnt
    assert np.isfinite(gan.sample(3, seed=0, labels=2)).all()

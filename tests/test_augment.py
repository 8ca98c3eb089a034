import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_gan import augment, backend
from keras_gan.augment import DiffAugment, color, cutout, translation
from keras_gan.noise import uniform_stream

IMAGES = np.random.default_rng(0).uniform(-1, 1, (2, 8, 8, 3)).astype("float32")


def _fixed(*rows):
    """A ``draw`` that returns the given noise, one row per image, every call."""
    values = np.array(rows, "float32")

    def draw(shape):
        # (batch, k): each row's first k values; (batch, 1, 1, 1): its first.
        columns = int(np.prod(shape[1:]))
        return ops.reshape(values[:, :columns], shape)

    return draw


def test_translation_moves_content_by_the_drawn_offset_with_zero_fill():
    # ratio 0.25 of 8 pixels: offsets floor(5u) - 2, so u = (0.9, 0.1)
    # moves image 0 down 2 and left 2; u = (0.5, 0.5) leaves image 1 alone.
    draw = _fixed((0.9, 0.1), (0.5, 0.5))
    got = ops.convert_to_numpy(translation(IMAGES, draw, ratio=0.25))
    expected = np.zeros_like(IMAGES[0])
    expected[2:, :6] = IMAGES[0, :6, 2:]
    np.testing.assert_array_equal(got[0], expected)
    np.testing.assert_array_equal(got[1], IMAGES[1])


def test_cutout_zeros_a_square_of_the_expected_size():
    # Side round(0.5 * 8) = 4. u = 0.5: centre 4, rows and columns 2..5.
    # u = (0.01, 0.99): centre (0, 8), clipped to rows 0..1, columns 6..7.
    draw = _fixed((0.5, 0.5), (0.01, 0.99))
    got = ops.convert_to_numpy(cutout(IMAGES, draw, ratio=0.5))
    expected = IMAGES.copy()
    expected[0, 2:6, 2:6] = 0.0
    expected[1, 0:2, 6:8] = 0.0
    np.testing.assert_array_equal(got, expected)
    assert (got[0] == 0).all(axis=-1).sum() == 16


def test_color_with_draws_of_one_half_is_exactly_the_identity():
    draw = _fixed((0.5,), (0.5,))
    np.testing.assert_array_equal(ops.convert_to_numpy(color(IMAGES, draw)), IMAGES)


def test_color_matches_the_papers_formulas():
    # u = 0.75: brightness + 0.25, saturation x 1.5, contrast x 1.25.
    got = ops.convert_to_numpy(color(IMAGES, _fixed((0.75,), (0.75,))))
    x = IMAGES.astype("float64") + 0.25
    x = (x - x.mean(-1, keepdims=True)) * 1.5 + x.mean(-1, keepdims=True)
    x = (x - x.mean((1, 2, 3), keepdims=True)) * 1.25 + x.mean((1, 2, 3), keepdims=True)
    np.testing.assert_allclose(got, x, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_shapes_and_dtypes_are_preserved(channels, dtype):
    images = IMAGES[..., :channels].astype(dtype)
    for function in (translation, cutout, color, DiffAugment()):
        got = function(images, uniform_stream(0, 0, 0))
        assert tuple(got.shape) == images.shape and got.dtype == dtype


def test_same_draws_give_the_same_output_in_every_mode():
    policy = DiffAugment()

    def run(images, step):
        return policy(images, uniform_stream(3, step, 0))

    eager = ops.convert_to_numpy(run(IMAGES, 5))
    symbolic = tf.TensorSpec((None, 8, 8, 3))
    graph = tf.function(run, input_signature=[symbolic, tf.TensorSpec((), "int32")])
    xla = tf.function(run, jit_compile=True)
    np.testing.assert_array_equal(graph(IMAGES, tf.constant(5)), eager)
    # XLA sums the colour means in another order: equal up to float32 ulps.
    np.testing.assert_allclose(xla(IMAGES, tf.constant(5)), eager, atol=1e-6)
    np.testing.assert_array_equal(run(IMAGES, 5), eager)
    assert not np.allclose(run(IMAGES, 6), eager)


def test_policy_applies_its_augmentations_in_order():
    draws, again = uniform_stream(1, 2, 3), uniform_stream(1, 2, 3)
    got = DiffAugment("cutout, color", cutout_ratio=0.25)(IMAGES, draws)
    expected = color(cutout(IMAGES, again, ratio=0.25), again)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(DiffAugment("")(IMAGES, draws), IMAGES)


def test_augmentations_are_differentiable():
    draw = _fixed((0.9, 0.1), (0.5, 0.5))
    _, gradient = backend.input_gradients(
        lambda x: translation(x, draw, ratio=0.25), tf.constant(IMAGES)
    )
    # Each kept input pixel reaches one output pixel; the others none.
    expected = np.zeros_like(IMAGES)
    expected[0, :6, 2:] = 1.0
    expected[1] = 1.0
    np.testing.assert_array_equal(gradient, expected)
    _, gradient = backend.input_gradients(
        lambda x: ops.sum(ops.square(DiffAugment()(x, uniform_stream(0, 0, 0)))),
        tf.constant(IMAGES),
    )
    assert np.all(np.isfinite(gradient)) and np.abs(gradient).sum() > 0


def test_diffaugment_serializes_and_rejects_unknown_names():
    policy = DiffAugment("translation,color", translation_ratio=0.25)
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(policy)
    )
    assert isinstance(restored, DiffAugment)
    assert restored.get_config() == policy.get_config()
    with pytest.raises(ValueError, match=r"'colour'.*\['color', 'cutout'.*policy="):
        DiffAugment("translation,colour")
    with pytest.raises(ValueError, match=r"comma-separated.*\('translation',\)"):
        augment.DiffAugment(("translation",))
    with pytest.raises(ValueError, match=r"NHWC.*\(8, 8\)"):
        augment.cutout(np.zeros((8, 8), "float32"), uniform_stream(0, 0, 0))

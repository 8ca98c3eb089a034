import numpy as np
import pytest
import tensorflow as tf

from keras_gan.export import litert


class _Noise(tf.Module):
    """A model whose only op, stateless_normal, is not a LiteRT builtin."""

    @tf.function(input_signature=[tf.TensorSpec((), "int32")])
    def draw(self, seed):
        return {"noise": tf.random.stateless_normal((2, 3), tf.stack([seed, 0]))}


class _Affine(tf.Module):
    def __init__(self):
        self.kernel = tf.Variable(np.arange(12, dtype="float32").reshape(4, 3))

    @tf.function(input_signature=[tf.TensorSpec((None, 4), "float32")])
    def serve(self, latents):
        return {"images": tf.tanh(latents @ self.kernel)}


def _save(module, signatures, path):
    tf.saved_model.save(module, str(path), signatures=signatures)
    return str(path)


@pytest.fixture(scope="module")
def noise_model(tmp_path_factory):
    module = _Noise()
    return _save(module, {"serving_default": module.draw}, tmp_path_factory.mktemp("n"))


@pytest.fixture(scope="module")
def affine_tflite(tmp_path_factory):
    module = _Affine()
    folder = _save(
        module, {"serving_default": module.serve}, tmp_path_factory.mktemp("a")
    )
    return litert.convert(folder, ["serving_default"])


def test_convert_refuses_flex_ops_and_names_them(noise_model):
    with pytest.raises(
        RuntimeError, match="no builtin kernel.*StatelessRandomNormalV2"
    ):
        litert.convert(noise_model, ["serving_default"])


def test_non_builtin_ops_finds_flex_ops(noise_model, affine_tflite):
    converter = tf.lite.TFLiteConverter.from_saved_model(noise_model)
    converter.target_spec.supported_ops = [
        tf.lite.OpsSet.TFLITE_BUILTINS,
        tf.lite.OpsSet.SELECT_TF_OPS,
    ]
    flex = converter.convert()
    assert "FlexStatelessRandomNormalV2" in litert.non_builtin_ops(
        litert.load_interpreter(flex)
    )
    with pytest.raises(RuntimeError, match="non-builtin ops.*FlexStateless"):
        litert.check_builtin_ops(flex)
    assert litert.non_builtin_ops(litert.load_interpreter(affine_tflite)) == []
    litert.check_builtin_ops(affine_tflite)


def test_generate_runs_any_batch_size(affine_tflite):
    interpreter = litert.load_interpreter(affine_tflite)
    kernel = np.arange(12, dtype="float32").reshape(4, 3)
    for batch_size in (1, 5, 64):
        latents = np.random.default_rng(batch_size).normal(size=(batch_size, 4))
        got = litert.generate(interpreter, latents)
        np.testing.assert_allclose(got, np.tanh(latents @ kernel), atol=1e-5)


def test_sample_without_a_sample_signature_draws_numpy_latents(affine_tflite):
    pixels, latents = litert.sample(litert.load_interpreter(affine_tflite), 5, seed=3)
    expected = np.random.default_rng(3).standard_normal((5, 4)).astype("float32")
    np.testing.assert_array_equal(latents, expected)
    kernel = np.arange(12, dtype="float32").reshape(4, 3)
    # tanh images have negative pixels, so they map from [-1, 1].
    want = np.round((np.tanh(expected @ kernel) + 1) / 2 * 255)
    assert pixels.dtype == np.uint8
    assert np.abs(pixels.astype(int) - want).max() <= 1


def test_load_interpreter_names_a_truncated_file(affine_tflite, tmp_path):
    path = tmp_path / "cut.tflite"
    path.write_bytes(affine_tflite[: len(affine_tflite) // 2])
    with pytest.raises(ValueError, match="cut.tflite.*truncated"):
        litert.load_interpreter(path)
    with pytest.raises(ValueError, match="missing"):
        litert.load_interpreter(tmp_path / "absent.tflite")


def test_check_quantize_names_the_choices():
    with pytest.raises(ValueError, match="float16.*quantize=.int4."):
        litert.check_quantize("int4")
    with pytest.raises(ValueError, match="calibration"):
        litert.convert("unused", ["serving_default"], quantize="int8")

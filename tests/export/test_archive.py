"""The exported signatures: labels, truncation and metadata, SavedModel and LiteRT."""

import keras
import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="exports trace with TensorFlow"
)

from keras_gan import export, networks  # noqa: E402
from keras_gan.export import litert  # noqa: E402
from keras_gan.utils import images  # noqa: E402

CLASSES = 4
NAMES = ["circle", "square", "star", "moon"]


@pytest.fixture(scope="module")
def conditional(tmp_path_factory):
    """A conditional GAN and its SavedModel and float32 .tflite exports."""
    keras.utils.set_random_seed(2)
    gan = networks.build_gan(
        (8, 8, 1), width=4, latent_dim=6, num_classes=CLASSES, class_names=NAMES,
        seed=0,
    )  # fmt: skip
    folder = tmp_path_factory.mktemp("conditional")
    export.export_saved_model(gan, str(folder / "saved"))
    report = export.export_tflite(gan, str(folder / "gan.tflite"))
    return gan, str(folder / "saved"), str(folder / "gan.tflite"), report


def test_the_saved_model_takes_labels_and_matches_keras(conditional):
    gan, saved, _, _ = conditional
    loaded = tf.saved_model.load(saved)
    latents = np.random.default_rng(0).normal(size=(5, 6)).astype("float32")
    labels = np.array([0, 1, 2, 3, 1], "int32")
    served = loaded.signatures["serve"](latents=latents, labels=labels)["images"]
    np.testing.assert_allclose(served.numpy(), gan.generate(latents, labels), atol=1e-5)
    sample = loaded.signatures["sample"](
        num_samples=np.int32(4), seed=np.int32(3), truncation=np.float32(1.0),
        labels=np.full(4, 2, "int32"),
    )  # fmt: skip
    expected = images.to_uint8(gan.sample(4, seed=3, labels=2), (-1.0, 1.0))
    np.testing.assert_array_equal(sample["images"].numpy(), expected)
    with pytest.raises(tf.errors.InvalidArgumentError, match="labels must lie in"):
        loaded.signatures["serve"](latents=latents[:1], labels=np.array([4], "int32"))
    with pytest.raises(TypeError, match="labels"):
        loaded.signatures["serve"](latents=latents)


def test_the_tflite_file_takes_labels_and_records_its_classes(conditional):
    gan, _, path, report = conditional
    assert report.max_abs_error < 1e-5
    interpreter = litert.load_interpreter(path)
    meta = litert.metadata(interpreter)
    assert meta["num_classes"] == CLASSES and meta["class_names"] == NAMES
    assert meta["value_range"] == [-1.0, 1.0] and meta["latent_dim"] == 6
    latents = np.random.default_rng(1).normal(size=(3, 6)).astype("float32")
    labels = np.array([3, 0, 2], "int32")
    np.testing.assert_allclose(
        litert.generate(interpreter, latents, labels),
        gan.generate(latents, labels),
        atol=1e-5,
    )
    pixels, drawn = litert.sample(interpreter, 3, seed=4, labels=labels)
    np.testing.assert_array_equal(
        pixels, images.to_uint8(gan.generate(drawn, labels), (-1.0, 1.0))
    )
    with pytest.raises(ValueError, match="conditional: pass `labels`"):
        litert.generate(interpreter, latents)
    with pytest.raises(RuntimeError, match="gather index out of bounds"):
        litert.generate(interpreter, latents, np.array([0, 1, 9], "int32"))


# (max, mean) |tflite - keras| as fractions of the pixel range, as the
# unconditional exports document them (export/README.md).
ERROR_BOUNDS = {
    "float16": (0.01, 0.001),
    "dynamic": (0.05, 0.005),
    "int8": (0.25, 0.02),
}


@pytest.mark.parametrize("quantize", ["float16", "dynamic", "int8"])
def test_quantized_conditional_tflite_stays_within_the_documented_bounds(
    conditional, tmp_path, quantize
):
    gan = conditional[0]
    path = str(tmp_path / f"{quantize}.tflite")
    report = export.export_tflite(gan, path, quantize=quantize)
    largest, average = (2.0 * bound for bound in ERROR_BOUNDS[quantize])  # [-1, 1]
    assert report.max_abs_error < largest and report.mean_abs_error < average
    interpreter = litert.load_interpreter(path)
    assert litert.metadata(interpreter)["num_classes"] == CLASSES
    latents = np.random.default_rng(7).normal(size=(32, 6)).astype("float32")
    labels = np.arange(32, dtype="int32") % CLASSES
    error = np.abs(
        litert.generate(interpreter, latents, labels) - gan.generate(latents, labels)
    )
    assert error.max() < largest and error.mean() < average


def test_every_artifact_samples_a_class_and_refuses_one_out_of_range(conditional):
    gan, saved, path, _ = conditional
    for model in (gan, saved, path):
        sampler = export.as_sampler(model)
        assert sampler.num_classes == CLASSES and sampler.class_names == NAMES
        assert sampler.sample(4, seed=0, labels=1).shape == (4, 8, 8, 1)
        with pytest.raises(ValueError, match="must be < num_classes=4; received 4"):
            sampler.sample(2, seed=0, labels=4)


def test_truncation_one_is_todays_sampling_and_less_scales_the_latents(conditional):
    gan, saved, path, _ = conditional
    keras_sampler, saved_sampler = export.as_sampler(gan), export.as_sampler(saved)
    np.testing.assert_array_equal(
        keras_sampler.sample(6, seed=2, labels=0, truncation=1.0),
        keras_sampler.sample(6, seed=2, labels=0),
    )
    for sampler in (keras_sampler, saved_sampler):
        truncated = sampler.sample(6, seed=2, labels=0, truncation=0.5)
        assert not np.allclose(truncated, sampler.sample(6, seed=2, labels=0))
    # One definition on every path: psi * z.
    np.testing.assert_allclose(
        saved_sampler.sample(6, seed=2, labels=0, truncation=0.5),
        keras_sampler.sample(6, seed=2, labels=0, truncation=0.5),
        atol=0.51 / 255,
    )
    interpreter = litert.load_interpreter(path)
    pixels, latents = litert.sample(interpreter, 3, 5, 0.5, np.zeros(3, "int32"))
    _, full = litert.sample(interpreter, 3, 5, 1.0, np.zeros(3, "int32"))
    np.testing.assert_allclose(latents, 0.5 * full, rtol=1e-6)


def test_interpolation_strips_end_at_the_two_seeds_on_every_path(conditional):
    gan, saved, path, _ = conditional
    for model in (gan, saved, path):
        sampler = export.as_sampler(model)
        strip = sampler.interpolate(3, 8, steps=5, labels=2)
        assert strip.shape == (5, 8, 8, 1)
        for end, seed in ((strip[0], 3), (strip[-1], 8)):
            np.testing.assert_allclose(
                end, sampler.sample(1, seed=seed, labels=2)[0], atol=0.51 / 255
            )

import numpy as np
import pytest

from keras_gan import images, networks
from keras_gan.evaluation import sources
from keras_gan.gan import GAN
from keras_gan.saving import save_model


def _tanh_gan():
    return GAN(
        networks.dcgan_generator(8, (8, 8, 1), width=4),
        networks.dcgan_discriminator((8, 8, 1), width=4),
        seed=0,
    )


def test_gan_samples_are_mapped_to_unit_range():
    gan = _tanh_gan()
    samples = sources.as_sampler(gan).sample(10, seed=3)
    np.testing.assert_allclose(samples, (gan.sample(10, seed=3) + 1.0) / 2.0, atol=1e-6)
    assert samples.min() >= 0.0 and samples.max() <= 1.0


def test_keras_file_gives_the_same_samples_as_the_gan(tmp_path):
    gan = _tanh_gan()
    save_model(gan, tmp_path / "gan.keras")
    sampler = sources.as_sampler(str(tmp_path / "gan.keras"))
    assert sampler.latent_dim == 8 and sampler.value_range == (-1.0, 1.0)
    np.testing.assert_allclose(
        sampler.sample(6, seed=1), sources.as_sampler(gan).sample(6, seed=1), atol=1e-6
    )


def test_saved_model_is_sampled_through_its_signatures(tmp_path):
    export = pytest.importorskip("keras_gan.export")
    gan = _tanh_gan()
    export.export_saved_model(gan, str(tmp_path / "saved"))
    sampler = sources.as_sampler(str(tmp_path / "saved"))
    assert sampler.value_range == (-1.0, 1.0) and sampler.latent_dim == 8
    expected = images.to_uint8(gan.sample(5, seed=2), (-1.0, 1.0)) / 255.0
    np.testing.assert_allclose(sampler.sample(5, seed=2), expected, atol=1e-6)
    latents = np.random.default_rng(0).normal(size=(3, 8)).astype("float32")
    np.testing.assert_allclose(
        sampler.generate(latents),
        sources.as_sampler(gan).generate(latents),
        atol=1e-5,
    )


def test_bad_models_raise(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.keras"):
        sources.as_sampler(str(tmp_path / "missing.keras"))
    with pytest.raises(ValueError, match="model"):
        sources.as_sampler(42)
    with pytest.raises(ValueError, match="SavedModel"):
        sources.as_sampler(str(tmp_path))


def test_a_fresh_interpreter_can_load_a_keras_gan(tmp_path):
    # Keras must know GAN and Maxout before it deserialises the file, even
    # when nothing but keras_gan.evaluation has been imported.
    import os
    import subprocess
    import sys

    save_model(_tanh_gan(), tmp_path / "gan.keras")
    code = (
        "from keras_gan.evaluation import as_sampler; "
        f"print(as_sampler({str(tmp_path / 'gan.keras')!r}).sample(3).shape)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "(3, 8, 8, 1)" in result.stdout

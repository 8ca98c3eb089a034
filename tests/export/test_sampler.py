import os
import subprocess
import sys

import numpy as np
import pytest

from keras_gan import export, networks
from keras_gan.gan import GAN
from keras_gan.utils import images
from keras_gan.utils.atomic import save_model


def _tanh_gan(**kwargs):
    return GAN(
        networks.dcgan_generator(8, (8, 8, 1), width=4),
        networks.dcgan_discriminator((8, 8, 1), width=4),
        seed=0,
        **kwargs,
    )


def _ema_gan():
    """A GAN whose average generator makes the negated images of the raw one."""
    gan = _tanh_gan(ema_decay=0.9)
    layer = gan.ema_generator.get_layer("images")
    layer.kernel.assign(-layer.kernel)
    layer.bias.assign(-layer.bias)
    return gan


def test_gan_samples_are_mapped_to_unit_range():
    gan = _tanh_gan()
    samples = export.as_sampler(gan).sample(10, seed=3)
    np.testing.assert_allclose(samples, (gan.sample(10, seed=3) + 1.0) / 2.0, atol=1e-6)
    assert samples.dtype == np.float32
    assert samples.min() >= 0.0 and samples.max() <= 1.0


def test_keras_file_gives_the_same_samples_as_the_gan(tmp_path):
    gan = _tanh_gan()
    save_model(gan, tmp_path / "gan.keras")
    sampler = export.as_sampler(str(tmp_path / "gan.keras"))
    assert sampler.latent_dim == 8 and sampler.value_range == (-1.0, 1.0)
    np.testing.assert_allclose(
        sampler.sample(6, seed=1), export.as_sampler(gan).sample(6, seed=1), atol=1e-6
    )


def test_use_ema_picks_the_moving_average_everywhere(tmp_path):
    gan = _ema_gan()
    expected = (gan.sample(4, seed=2, use_ema=True) + 1.0) / 2.0
    save_model(gan, tmp_path / "gan.keras")
    for model in (gan, tmp_path / "gan.keras"):
        averaged = export.as_sampler(model, use_ema=True).sample(4, seed=2)
        np.testing.assert_allclose(averaged, expected, atol=1e-6)
        raw = export.as_sampler(model).sample(4, seed=2)
        np.testing.assert_allclose(raw, 1.0 - expected, atol=1e-6)
    assert export.load_generator(gan, use_ema=True) == (gan.ema_generator, "normal")
    with pytest.raises(ValueError, match="use_ema=True.*ema_decay=None"):
        export.as_sampler(_tanh_gan(), use_ema=True)
    with pytest.raises(ValueError, match="use_ema=True.*bare generator"):
        export.as_sampler(gan.generator, use_ema=True)


def test_saved_model_is_sampled_through_its_signatures(tmp_path):
    export = pytest.importorskip("keras_gan.export")
    gan = _tanh_gan()
    export.export_saved_model(gan, str(tmp_path / "saved"))
    sampler = export.as_sampler(str(tmp_path / "saved"))
    assert sampler.value_range == (-1.0, 1.0) and sampler.latent_dim == 8
    expected = images.to_uint8(gan.sample(5, seed=2), (-1.0, 1.0)) / 255.0
    np.testing.assert_allclose(sampler.sample(5, seed=2), expected, atol=1e-6)
    latents = np.random.default_rng(0).normal(size=(3, 8)).astype("float32")
    np.testing.assert_allclose(
        sampler.generate(latents),
        export.as_sampler(gan).generate(latents),
        atol=1e-5,
    )
    with pytest.raises(ValueError, match="use_ema.*saved"):
        export.as_sampler(str(tmp_path / "saved"), use_ema=True)


def test_a_saved_model_without_its_pixel_range_is_refused(tmp_path):
    export = pytest.importorskip("keras_gan.export")
    from keras_gan.noise import sample_latents

    # What export_saved_model wrote before it recorded `value_range`.
    generator = _tanh_gan().generator
    archive = export.archive.generator_archive(
        export.Exportable(generator), (-1.0, 1.0), sample_latents, "serve",
        noise_name="sample_latents", check_labels=False,
    )  # fmt: skip
    archive.write_out(str(tmp_path / "old"), verbose=False)
    with pytest.raises(ValueError, match="old.*value_range.*Export it again"):
        export.as_sampler(str(tmp_path / "old"))


def test_bad_models_and_arguments_raise(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.keras"):
        export.as_sampler(str(tmp_path / "missing.keras"))
    with pytest.raises(FileNotFoundError, match="missing.tflite"):
        export.as_sampler(str(tmp_path / "missing.tflite"))
    with pytest.raises(ValueError, match="keras_gan.GAN or a generator.*42"):
        export.as_sampler(42)
    with pytest.raises(ValueError, match="SavedModel"):
        export.as_sampler(str(tmp_path))
    sampler = export.as_sampler(_tanh_gan())
    with pytest.raises(ValueError, match="num_samples.*0"):
        sampler.sample(0)
    with pytest.raises(ValueError, match="seed=4294967296"):
        sampler.sample(2, seed=2**32)
    assert sampler.sample(2, seed=np.int64(3)).shape == (2, 8, 8, 1)


def test_a_fresh_interpreter_can_load_a_keras_gan(tmp_path):
    # Keras must know GAN and Maxout before it deserialises the file, even
    # when nothing but keras_gan.evaluation has been imported.
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

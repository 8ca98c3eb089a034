"""The LiteRT export: a ``.tflite`` file with ``serving_default`` and ``sample``.

``serving_default`` as the SavedModel's ``serve``; ``sample`` as its
``sample``, but with latents from ``keras_gan.export.hash_noise``
(TensorFlow's random ops are not LiteRT builtins; same distribution), so a
seed names other images than in the SavedModel. ``quantize="int8"`` files
carry ``serving_default`` only.
"""

import dataclasses
import os
import tempfile

import keras
import numpy as np

from keras_gan import networks
from keras_gan.export import hash_noise, litert
from keras_gan.export.archive import generator_archive, tensorflow_backend
from keras_gan.export.sampler import load_generator
from keras_gan.utils.atomic import atomic_path

_ERROR_LATENTS = 64  # latents used to measure a .tflite file against Keras
_CALIBRATION_LATENTS = 128


@dataclasses.dataclass(frozen=True)
class ExportReport:
    """What an export wrote and how far it is from the Keras generator.

    Errors are absolute differences of ``serving_default`` images from the
    Keras generator's, in its pixel range, over 64 seeded latents.
    """

    path: str
    quantize: str
    size_bytes: int
    max_abs_error: float
    mean_abs_error: float

    def __str__(self):
        return (
            f"{self.path}: {self.quantize}, {self.size_bytes / 1e6:.3f} MB, "
            f"max |error| {self.max_abs_error:.3g}, "
            f"mean |error| {self.mean_abs_error:.3g}"
        )


def export_tflite(model, path, *, quantize="none", use_ema=False, value_range=None):
    """Writes a ``.tflite`` file with ``serving_default`` and ``sample``.

    ``quantize="int8"`` files have ``serving_default`` only: calibrating
    ``sample`` would quantize its noise. Sample them with latents of your own.

    Only builtin LiteRT ops are allowed; a generator needing others fails
    with their names. The file is measured against the Keras generator
    before it is moved into place.

    Args:
        model: as in ``export_saved_model``.
        path: the ``.tflite`` file to write.
        quantize: ``"none"``, ``"float16"``, ``"dynamic"`` (int8 weights) or
            ``"int8"`` (int8 weights and activations, calibrated on normal
            latents; float32 inputs and outputs).
        use_ema: export the GAN's moving-average generator.
        value_range: as in ``export_saved_model``.

    Returns:
        An ``ExportReport`` with the file's size and its error.

    Examples:
        >>> print(export_tflite(gan, "run/gan.tflite", quantize="float16"))
    """
    litert.check_quantize(quantize)
    tensorflow_backend("LiteRT (.tflite) export")
    generator, distribution = load_generator(model, use_ema=use_ema)
    latent_dim = generator.input_shape[-1]
    value_range = value_range or networks.output_range(generator)

    def noise(num_samples, latent_dim, seed):
        return hash_noise.hash_latents(num_samples, latent_dim, seed, distribution)

    archive = generator_archive(generator, value_range, noise, None)
    with tempfile.TemporaryDirectory() as staging:
        archive.write_out(staging, verbose=False)
        content = litert.convert(
            staging,
            _tflite_signatures(quantize),
            quantize=quantize,
            calibration=_calibration(latent_dim, distribution),
        )
    litert.check_builtin_ops(content)
    max_error, mean_error = _tflite_error(content, generator)
    with atomic_path(path) as temporary:
        with open(temporary, "wb") as file:
            file.write(content)
    return ExportReport(os.fspath(path), quantize, len(content), max_error, mean_error)


def _tflite_signatures(quantize):
    # int8 calibration of `sample` would quantize the noise (LOG, COS) and
    # ruin it; left uncalibrated, it keeps float32 copies of all weights and
    # the file outgrows the float32 one. So int8 files are latents-in only.
    return ("serving_default",) if quantize == "int8" else ("serving_default", "sample")


def _calibration(latent_dim, distribution):
    rng = np.random.default_rng(0)
    for _ in range(_CALIBRATION_LATENTS):
        yield (
            "serving_default",
            {"latents": _numpy_latents(rng, latent_dim, distribution)},
        )


def _numpy_latents(rng, latent_dim, distribution, count=1):
    if distribution == "uniform":
        bound = np.sqrt(3.0)
        return rng.uniform(-bound, bound, (count, latent_dim)).astype("float32")
    return rng.standard_normal((count, latent_dim)).astype("float32")


def _tflite_error(content, generator):
    """Max and mean absolute difference of the .tflite from Keras."""
    latents = np.random.default_rng(1).standard_normal(
        (_ERROR_LATENTS, generator.input_shape[-1])
    )
    latents = latents.astype("float32")
    expected = keras.ops.convert_to_numpy(generator(latents, training=False))
    try:
        got = litert.generate(litert.load_interpreter(content), latents)
    except (RuntimeError, ValueError) as error:
        raise RuntimeError(
            f"The converted .tflite model does not run in LiteRT ({error}); "
            "nothing was written."
        ) from error
    error = np.abs(got.astype("float32") - expected.astype("float32"))
    return float(error.max()), float(error.mean())

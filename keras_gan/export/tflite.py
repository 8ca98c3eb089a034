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
from keras_gan.export.artifacts import load_exportable
from keras_gan.utils.atomic import atomic_path

_ERROR_LATENTS = 64  # latents used to measure a .tflite file against Keras
_CALIBRATION_LATENTS = 128


@dataclasses.dataclass(frozen=True)
class ExportReport:
    """What an export wrote and how far it is from the Keras generator.

    Errors are absolute differences of ``serving_default`` images from the
    Keras generator's, in its pixel range, over 64 seeded latents (rounded up
    to whole batches where ``serving_default``'s batch is fixed).
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


def export_tflite(
    model,
    path,
    *,
    quantize="none",
    use_ema=False,
    value_range=None,
    batch_size=None,
    metadata=True,
):
    """Writes a ``.tflite`` file with ``serving_default``, ``sample``, ``metadata``.

    The signatures are those of ``keras_gan.export.archive`` (``labels``
    inputs for a conditional generator, ``truncation`` in ``sample``).
    ``quantize="int8"`` files have no ``sample``: calibrating it would
    quantize its noise. Sample them with latents of your own.

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
        batch_size: fixes the batch of ``serving_default`` (LiteRT.js, which
            runs static shapes only, needs it); None: any batch. ``sample``
            keeps taking any ``num_samples``.
        metadata: write the ``metadata`` signature (the generator's facts as
            a JSON string). LiteRT.js loads no string tensors, so the web
            export leaves it out and writes them to ``model.json``.

    Returns:
        An ``ExportReport`` with the file's size and its error.

    Examples:
        >>> print(export_tflite(gan, "run/gan.tflite", quantize="float16"))
    """
    litert.check_quantize(quantize)
    tensorflow_backend("LiteRT (.tflite) export")
    exportable = load_exportable(model, use_ema=use_ema)
    distribution = exportable.latent_distribution
    value_range = value_range or networks.output_range(exportable.generator)

    def noise(num_samples, latent_dim, seed):
        return hash_noise.hash_latents(num_samples, latent_dim, seed, distribution)

    archive = generator_archive(
        exportable, value_range, noise, None, noise_name="hash_noise",
        check_labels=False, batch_size=batch_size,
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as staging:
        archive.write_out(staging, verbose=False)
        content = litert.convert(
            staging,
            _tflite_signatures(quantize, metadata),
            quantize=quantize,
            calibration=_calibration(exportable, batch_size or 1),
        )
    litert.check_builtin_ops(content)
    max_error, mean_error = _tflite_error(content, exportable, batch_size)
    with atomic_path(path) as temporary:
        with open(temporary, "wb") as file:
            file.write(content)
    return ExportReport(os.fspath(path), quantize, len(content), max_error, mean_error)


def _tflite_signatures(quantize, metadata):
    # int8 calibration of `sample` would quantize the noise (LOG, COS) and
    # ruin it; left uncalibrated, it keeps float32 copies of all weights and
    # the file outgrows the float32 one. So int8 files are latents-in only.
    names = ("serving_default",)
    if quantize != "int8":
        names += ("sample",)
    return (*names, "metadata") if metadata else names


def _calibration(exportable, batch_size):
    rng = np.random.default_rng(0)
    for _ in range(_CALIBRATION_LATENTS):
        inputs = {
            "latents": _numpy_latents(
                rng, exportable.latent_dim, exportable.latent_distribution, batch_size
            )
        }
        if exportable.num_classes is not None:
            inputs["labels"] = rng.integers(
                0, exportable.num_classes, batch_size, "int32"
            )
        yield "serving_default", inputs


def _numpy_latents(rng, latent_dim, distribution, count=1):
    if distribution == "uniform":
        bound = np.sqrt(3.0)
        return rng.uniform(-bound, bound, (count, latent_dim)).astype("float32")
    return rng.standard_normal((count, latent_dim)).astype("float32")


def _tflite_error(content, exportable, batch_size):
    """Max and mean absolute difference of the .tflite from Keras."""
    batch_size = batch_size or _ERROR_LATENTS
    count = -(-_ERROR_LATENTS // batch_size) * batch_size  # whole batches
    rng = np.random.default_rng(1)
    latents = rng.standard_normal((count, exportable.latent_dim))
    latents = latents.astype("float32")
    labels, inputs = None, keras.ops.convert_to_tensor(latents)
    if exportable.num_classes is not None:
        labels = rng.integers(0, exportable.num_classes, count, "int32")
        inputs = [inputs, keras.ops.convert_to_tensor(labels)]
    expected = exportable.generator(inputs, training=False)
    expected = keras.ops.convert_to_numpy(expected)
    try:
        interpreter = litert.load_interpreter(content)
        got = np.concatenate(
            [
                litert.generate(
                    interpreter,
                    latents[start : start + batch_size],
                    None if labels is None else labels[start : start + batch_size],
                )
                for start in range(0, count, batch_size)
            ]
        )
    except (RuntimeError, ValueError) as error:
        raise RuntimeError(
            f"The converted .tflite model does not run in LiteRT ({error}); "
            "nothing was written."
        ) from error
    error = np.abs(got.astype("float32") - expected.astype("float32"))
    return float(error.max()), float(error.mean())

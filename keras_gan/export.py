"""Export a generator for serving: a SavedModel and a LiteRT ``.tflite`` file.

Artifacts and their signatures:

- SavedModel (``export_saved_model``), for TF Serving and TensorFlow programs:
  ``serve`` and its alias ``serving_default``: ``latents`` float32
  ``(batch, latent_dim)`` -> ``images`` float32 in the generator's own pixel
  range, any batch size; ``sample``: ``num_samples`` and ``seed`` int32
  scalars -> ``images`` uint8 ``(n, H, W, C)`` in 0..255 and the ``latents``
  used. Its latents are ``keras_gan.sample_latents`` of the GAN's
  ``latent_distribution``, so ``sample(n, seed)`` shows the images of
  ``GAN.sample(n, seed=seed)``. Recorded too: ``value_range``, the pixel range
  of ``serve``'s images (``(low, high)``, two float32 variables of
  ``tf.saved_model.load(path)``), and ``latent_distribution`` (one string).
- ``.tflite`` (``export_tflite``), for LiteRT: ``serving_default`` as above
  and ``sample`` as above, but with latents from ``keras_gan.hash_noise``
  (TensorFlow's random ops are not LiteRT builtins; same distribution), so a
  seed names other images than in the SavedModel. ``quantize="int8"`` files carry
  ``serving_default`` only.

Read either back with ``keras_gan.sampling.as_sampler``. Both exports trace
the generator with TensorFlow: they need it installed and the TensorFlow
Keras backend (a ``.keras`` file saved on any backend loads there).
"""

import dataclasses
import os
import tempfile

import keras
import numpy as np

from keras_gan import hash_noise, litert, networks
from keras_gan.noise import sample_latents
from keras_gan.requirements import import_tensorflow
from keras_gan.sampling import load_generator
from keras_gan.saving import atomic_path

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


def export_saved_model(model, path, *, use_ema=False, value_range=None):
    """Writes a SavedModel with ``serve``/``serving_default`` and ``sample``.

    The folder is written beside ``path`` and moved into place when complete.

    Args:
        model: a ``keras_gan.GAN`` (its generator is exported), a path to
            one saved as ``.keras``, or a generator ``keras.Model``.
        path: the SavedModel folder to write.
        use_ema: export the GAN's moving-average generator.
        value_range: ``(low, high)`` pixel range of the generator, mapped to
            0..255 by ``sample``; read off its last activation by default.

    Returns:
        ``path``.

    Example:
    >>> export_saved_model(gan, "run/saved_model")
    >>> tf.saved_model.load("run/saved_model").sample(
    ...     num_samples=16, seed=0)["images"]
    """
    tf = _tensorflow("SavedModel export")
    generator, distribution = load_generator(model, use_ema=use_ema)
    value_range = value_range or networks.output_range(generator)

    def noise(num_samples, latent_dim, seed):
        return sample_latents(num_samples, latent_dim, seed, distribution)

    archive = _archive(generator, value_range, noise, "serve")
    # Variables, not an endpoint: a reader gets the range without running
    # the generator (see keras_gan.sampling).
    archive.add_variable_collection(
        "value_range", [tf.Variable(bound, dtype="float32") for bound in value_range]
    )
    archive.add_variable_collection(
        "latent_distribution", [tf.Variable(distribution, trainable=False)]
    )
    with atomic_path(path) as temporary:
        archive.write_out(temporary, verbose=False)
    return os.fspath(path)


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

    Example:
    >>> print(export_tflite(gan, "run/gan.tflite", quantize="float16"))
    """
    litert.check_quantize(quantize)
    _tensorflow("LiteRT (.tflite) export")
    generator, distribution = load_generator(model, use_ema=use_ema)
    latent_dim = generator.input_shape[-1]
    value_range = value_range or networks.output_range(generator)

    def noise(num_samples, latent_dim, seed):
        return hash_noise.hash_latents(num_samples, latent_dim, seed, distribution)

    archive = _archive(generator, value_range, noise, None)
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


def _tensorflow(feature):
    """``tensorflow``, once it and the TensorFlow backend are known to be there.

    ``serve`` and ``sample`` below are TensorFlow functions of the
    generator's outputs; on JAX or torch those are not TensorFlow tensors.
    """
    tf = import_tensorflow(feature)
    name = keras.backend.backend()
    if name != "tensorflow":
        raise ValueError(
            f"{feature} traces the generator with TensorFlow: it runs on the "
            f"TensorFlow Keras backend only (KERAS_BACKEND is {name!r}). Run it "
            "with KERAS_BACKEND=tensorflow; the .keras file loads there."
        )
    return tf


def _archive(generator, value_range, noise, serve_name):
    """An ExportArchive with a latents-in endpoint and a seed-in ``sample``.

    The latents endpoint is registered first, so ExportArchive also writes it
    as ``serving_default``; ``serve_name=None`` names it only that.
    """
    tf = _tensorflow("SavedModel export")
    latent_dim = generator.input_shape[-1]
    low, high = value_range

    def serve(latents):
        return {"images": tf.cast(generator(latents, training=False), "float32")}

    def sample(num_samples, seed):
        latents = noise(num_samples, latent_dim, seed)
        images = tf.cast(generator(latents, training=False), "float32")
        scaled = tf.clip_by_value((images - low) / (high - low), 0.0, 1.0)
        # Rounds like keras_gan.images.to_uint8 (half to even).
        pixels = tf.cast(tf.round(scaled * 255.0), "uint8")
        return {"images": pixels, "latents": latents}

    archive = keras.export.ExportArchive()
    archive.track(generator)
    archive.add_endpoint(
        serve_name or "serving_default",
        serve,
        input_signature=[tf.TensorSpec((None, latent_dim), "float32")],
    )
    archive.add_endpoint(
        "sample",
        sample,
        input_signature=[tf.TensorSpec((), "int32"), tf.TensorSpec((), "int32")],
    )
    return archive


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

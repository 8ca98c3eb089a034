"""One loader for every model keras_gan writes: images in [0, 1] from any of them.

``as_sampler`` takes a ``GAN``, a generator, a ``.keras`` file, a SavedModel
folder or a ``.tflite`` file and returns a ``Sampler`` whose ``sample(n, seed)``
and ``generate(latents)`` give float32 images in [0, 1]. ``keras-gan sample``,
``keras-gan evaluate`` and ``keras_gan.export`` all load through here, so a
file is read, and a ``use_ema`` choice made, the same way everywhere.

A SavedModel's ``sample`` signature returns uint8 pixels; its ``Sampler``
returns them divided by 255, so ``images.to_uint8(sampler.sample(n, seed))``
is that signature's output exactly. ``generate`` maps ``serve``'s images
with the pixel range the SavedModel records as ``value_range``.

``.keras`` files load on every Keras backend; a SavedModel needs TensorFlow
and a ``.tflite`` file ``ai-edge-litert``.
"""

import os

import keras
import numpy as np

from keras_gan import networks
from keras_gan.export import litert
from keras_gan.gan import GAN
from keras_gan.noise import sample_latents
from keras_gan.utils.requirements import import_tensorflow

_INTEGERS = (int, np.integer)


class Sampler:
    """Draws generated images in [0, 1] pixel space, whatever the model's range.

    Args:
        generate_fn: function from float32 latents ``(n, latent_dim)`` to
            images in ``value_range``.
        latent_dim: size of the latents.
        value_range: ``(low, high)`` pixel range of ``generate_fn``'s images;
            None where the model does not record it (``generate`` then fails).
        sample_fn: optional ``(num_samples, seed) -> images in [0, 1]``; by
            default latents come from ``keras_gan.sample_latents``, so a seed
            names the same images as ``GAN.sample(num_samples, seed=seed)``.
        latent_distribution: what ``sample`` draws latents from (the GAN's).
    """

    def __init__(
        self,
        generate_fn,
        latent_dim,
        value_range,
        sample_fn=None,
        latent_distribution="normal",
    ):
        self.generate_fn = generate_fn
        self.latent_dim = latent_dim
        self.value_range = value_range
        self.sample_fn = sample_fn
        self.latent_distribution = latent_distribution

    def generate(self, latents, batch_size=1000):
        """Images in [0, 1] (float32) for the given latents."""
        if self.value_range is None:
            raise ValueError(
                "This model does not record its pixel range (a .tflite file), so "
                "its images from latents cannot be mapped to [0, 1]. Use "
                "`sample`, or the .keras or SavedModel of the same generator."
            )
        low, high = self.value_range
        latents = keras.ops.convert_to_numpy(latents).astype("float32")
        chunks = [
            np.asarray(self.generate_fn(latents[start : start + batch_size]))
            for start in range(0, len(latents), batch_size)
        ]
        generated = (np.concatenate(chunks).astype("float32") - low) / (high - low)
        return np.clip(generated, 0.0, 1.0)

    def sample(self, num_samples, seed=0):
        """``num_samples`` images in [0, 1] (float32), a function of ``seed``."""
        if not isinstance(num_samples, _INTEGERS) or num_samples < 1:
            raise ValueError(
                f"`num_samples` must be an int >= 1. Received: {num_samples!r}"
            )
        if not isinstance(seed, _INTEGERS) or not -(2**31) <= seed < 2**31:
            raise ValueError(f"`seed` must be an int32. Received: seed={seed!r}")
        if self.sample_fn is not None:
            return self.sample_fn(num_samples, seed)
        latents = sample_latents(
            num_samples, self.latent_dim, seed, self.latent_distribution
        )
        return self.generate(latents)


def as_sampler(model, *, use_ema=False):
    """A ``Sampler`` for a GAN, a generator, a ``.keras``, SavedModel or ``.tflite``.

    Args:
        model: a ``keras_gan.GAN``, a generator ``keras.Model``, a ``Sampler``,
            or the path of a ``.keras`` file, of a SavedModel folder written
            by ``keras_gan.export.export_saved_model`` or of a ``.tflite``
            file written by ``keras_gan.export.export_tflite``. A ``.tflite``
            file draws its latents from ``keras_gan.export.hash_noise``, so a seed
            names other images than the other formats.
        use_ema: sample a GAN's moving-average generator (see
            ``GAN.pick_generator``). Exported files hold one generator only.

    Examples:
        >>> as_sampler("run/gan.keras", use_ema=True).sample(16, seed=0).shape
        (16, 28, 28, 1)
    """
    if isinstance(model, Sampler):
        return model
    if not isinstance(model, (str, os.PathLike)):
        return _keras_sampler(*load_generator(model, use_ema=use_ema))
    path = os.fspath(model)
    exported = os.path.isdir(path) or path.endswith(".tflite")
    if not exported:
        return _keras_sampler(*load_generator(path, use_ema=use_ema))
    if use_ema:
        raise ValueError(
            f"`use_ema` applies to .keras GANs only; {path!r} holds the one "
            "generator it was exported with (export with use_ema=True instead)."
        )
    if os.path.isdir(path):
        return _saved_model_sampler(path)
    return _tflite_sampler(path)


def load_generator(model, *, use_ema=False):
    """``(generator, latent_distribution)`` of a GAN, a ``.keras`` path or a generator.

    Args:
        model: a ``keras_gan.GAN``, the path of one saved as ``.keras``, or a
            generator ``keras.Model`` (then ``use_ema`` must be False, and its
            latents are taken to be normal).
        use_ema: the GAN's moving-average generator.
    """
    if isinstance(model, (str, os.PathLike)):
        model = _load_keras(os.fspath(model))
    if isinstance(model, GAN):
        return model.pick_generator(use_ema), model.latent_distribution
    if not isinstance(model, keras.Model):
        raise ValueError(
            "`model` must be a keras_gan.GAN or a generator keras.Model, or the "
            "path of a .keras file, a SavedModel folder or a .tflite file. "
            f"Received: model={model!r}"
        )
    if use_ema:
        raise ValueError(
            "`use_ema=True` needs a keras_gan.GAN with ema_decay set; received a "
            f"bare generator {model.name!r}. Pass the GAN, or use_ema=False."
        )
    return model, "normal"


def _load_keras(path):
    if not os.path.exists(path):
        raise FileNotFoundError(f"`model` {path!r} does not exist.")
    try:
        return keras.saving.load_model(path)
    except Exception as error:  # Truncated zips raise many kinds of error.
        raise ValueError(
            f"Cannot load the Keras model {path!r} ({type(error).__name__}: "
            f"{str(error)[:500]}). Is it a complete .keras file?"
        ) from error


def _keras_sampler(generator, latent_distribution):
    def generate_fn(latents):
        # NumPy here: np.asarray cannot read a torch tensor on a GPU.
        return keras.ops.convert_to_numpy(generator(latents, training=False))

    return Sampler(
        generate_fn,
        generator.input_shape[-1],
        networks.output_range(generator),
        latent_distribution=latent_distribution,
    )


def _saved_model_sampler(path):
    # TensorFlow only here: the other formats load on any Keras backend.
    tf = import_tensorflow(f"Loading the SavedModel {path!r}")

    try:
        loaded = tf.saved_model.load(path)
        serve, sample = loaded.signatures["serve"], loaded.signatures["sample"]
    except Exception as error:  # Corrupt folders raise many kinds of error.
        raise ValueError(
            f"Cannot load the SavedModel {path!r} with `serve` and `sample` "
            f"signatures ({type(error).__name__}: {str(error)[:300]}). Expected a "
            "folder written by keras_gan.export.export_saved_model, a .keras or a "
            ".tflite file."
        ) from error
    if not hasattr(loaded, "value_range"):
        raise ValueError(
            f"The SavedModel {path!r} does not record its pixel range "
            "(`value_range`): it was exported by an older keras_gan. Export it "
            "again with keras_gan.export.export_saved_model."
        )
    value_range = tuple(float(bound.numpy()) for bound in loaded.value_range)
    latent_dim = serve.structured_input_signature[1]["latents"].shape[-1]

    def generate_fn(latents):
        return serve(latents=tf.constant(latents))["images"]

    def sample_fn(num_samples, seed):
        outputs = sample(num_samples=tf.constant(num_samples), seed=tf.constant(seed))
        return outputs["images"].numpy().astype("float32") / 255.0

    return Sampler(generate_fn, latent_dim, value_range, sample_fn)


def _tflite_sampler(path):
    if not os.path.isfile(path):
        raise FileNotFoundError(f"`model` {path!r} does not exist.")
    interpreter = litert.load_interpreter(path)
    runner = interpreter.get_signature_runner("serving_default")
    latent_dim = next(iter(runner.get_input_details().values()))["shape"][-1]

    def generate_fn(latents):
        return litert.generate(interpreter, latents)

    def sample_fn(num_samples, seed):
        pixels, _ = litert.sample(interpreter, num_samples, seed)
        return pixels.astype("float32") / 255.0

    # The file does not record its pixel range: `generate` refuses.
    return Sampler(generate_fn, int(latent_dim), None, sample_fn)

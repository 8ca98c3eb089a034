"""Reading every artifact keras_gan writes: ``as_sampler`` and ``load_exportable``.

``as_sampler`` takes a ``GAN``, a generator, a ``.keras`` file, a SavedModel
folder or a ``.tflite`` file and returns a ``keras_gan.export.Sampler``;
``load_exportable`` is what the exports write from: a generator and what a
sampler of it must know (its prior, its classes). ``.keras`` files load on
every Keras backend; a SavedModel needs TensorFlow and a ``.tflite`` file
``ai-edge-litert``.
"""

import dataclasses
import json
import os
import zipfile

import keras
import numpy as np

from keras_gan import networks, signatures
from keras_gan.export import litert
from keras_gan.export.sampler import Sampler
from keras_gan.gan import GAN
from keras_gan.utils.requirements import import_tensorflow


@dataclasses.dataclass(frozen=True)
class Exportable:
    """A generator and what sampling it needs: prior and classes."""

    generator: keras.Model
    latent_distribution: str = "normal"
    num_classes: int = None
    class_names: list = None

    @property
    def latent_dim(self):
        return signatures.first_input_shape(self.generator)[-1]


def as_sampler(model, *, use_ema=False):
    """A ``Sampler`` for a GAN, a generator, a ``.keras``, SavedModel or ``.tflite``.

    Args:
        model: a ``keras_gan.GAN``, a generator ``keras.Model``, a ``Sampler``,
            or the path of a ``.keras`` file, of a SavedModel folder written
            by ``keras_gan.export.export_saved_model`` or of a ``.tflite``
            file written by ``keras_gan.export.export_tflite``. A ``.tflite``
            file draws its latents from ``keras_gan.export.hash_noise``, so a
            seed names other images than the other formats.
        use_ema: sample a GAN's moving-average generator (see
            ``GAN.pick_generator``). Exported files hold one generator only.

    Examples:
        >>> as_sampler("run/gan.keras", use_ema=True).sample(16, seed=0).shape
        (16, 28, 28, 1)
    """
    if isinstance(model, Sampler):
        return model
    if not isinstance(model, (str, os.PathLike)):
        return _keras_sampler(load_exportable(model, use_ema=use_ema))
    path = os.fspath(model)
    exported = os.path.isdir(path) or path.endswith(".tflite")
    if not exported:
        return _keras_sampler(load_exportable(path, use_ema=use_ema))
    if use_ema:
        raise ValueError(
            f"`use_ema` applies to .keras GANs only; {path!r} holds the one "
            "generator it was exported with (export with use_ema=True instead)."
        )
    if os.path.isdir(path):
        return _saved_model_sampler(path)
    return _tflite_sampler(path)


def load_exportable(model, *, use_ema=False):
    """The ``Exportable`` of a GAN, a ``.keras`` path or a generator.

    Args:
        model: a ``keras_gan.GAN``, the path of one saved as ``.keras``, or a
            generator ``keras.Model`` (then ``use_ema`` must be False, and its
            latents are taken to be normal).
        use_ema: the GAN's moving-average generator.
    """
    if isinstance(model, Exportable):
        return model
    if isinstance(model, (str, os.PathLike)):
        model = _load_keras(os.fspath(model))
    if isinstance(model, GAN):
        return Exportable(
            model.pick_generator(use_ema), model.latent_distribution,
            model.num_classes, model.class_names,
        )  # fmt: skip
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
    return Exportable(model, num_classes=signatures.generator_classes(model))


def load_generator(model, *, use_ema=False):
    """``(generator, latent_distribution)``: ``load_exportable``'s first two."""
    exportable = load_exportable(model, use_ema=use_ema)
    return exportable.generator, exportable.latent_distribution


def _load_keras(path):
    if not os.path.exists(path):
        raise FileNotFoundError(f"`model` {path!r} does not exist.")
    # Keras calls a file that is not a zip archive "not found": say what it is.
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"`model` {path!r} exists but is not a readable .keras archive (not a "
            "complete zip file; a copy or a save cut short?). Expected a .keras "
            "file written by keras_gan or Model.save."
        )
    try:
        return keras.saving.load_model(path)
    except Exception as error:  # Truncated zips raise many kinds of error.
        raise ValueError(
            f"Cannot load the Keras model {path!r} ({type(error).__name__}: "
            f"{str(error)[:500]}). Is it a complete .keras file?"
        ) from error


def _keras_sampler(exportable):
    generator = exportable.generator

    def generate_fn(latents, labels=None):
        inputs = keras.ops.convert_to_tensor(latents)
        if labels is not None:  # Keras takes no mix of tensors and arrays
            inputs = [inputs, keras.ops.convert_to_tensor(labels)]
        # NumPy here: np.asarray cannot read a torch tensor on a GPU.
        return keras.ops.convert_to_numpy(generator(inputs, training=False))

    return Sampler(
        generate_fn,
        exportable.latent_dim,
        networks.output_range(generator),
        latent_distribution=exportable.latent_distribution,
        num_classes=exportable.num_classes,
        class_names=exportable.class_names,
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
    meta = _saved_model_metadata(loaded)
    value_range = tuple(float(bound.numpy()) for bound in loaded.value_range)
    inputs = serve.structured_input_signature[1]
    conditional = "labels" in inputs

    def generate_fn(latents, labels=None):
        feed = {"latents": tf.constant(latents)}
        if conditional:
            feed["labels"] = tf.constant(labels, "int32")
        return serve(**feed)["images"]

    def call_sample(num_samples, seed, truncation=1.0, labels=None):
        feed = {"num_samples": tf.constant(num_samples), "seed": tf.constant(seed)}
        names = sample.structured_input_signature[1]
        if "truncation" in names:
            feed["truncation"] = tf.constant(truncation, "float32")
        elif truncation != 1.0:
            raise ValueError(
                f"The SavedModel {path!r} was exported before truncation; export "
                "it again to sample it with `truncation`."
            )
        if conditional:
            feed["labels"] = tf.constant(labels, "int32")
        return sample(**feed)

    def sample_fn(num_samples, seed, truncation=1.0, labels=None):
        pixels = call_sample(num_samples, seed, truncation, labels)["images"]
        return pixels.numpy().astype("float32") / 255.0

    def latents_fn(num_samples, seed):
        labels = np.zeros(num_samples, "int32") if conditional else None
        return call_sample(num_samples, seed, 1.0, labels)["latents"].numpy()

    return Sampler(
        generate_fn, inputs["latents"].shape[-1], value_range, sample_fn,
        meta.get("latent_distribution", "normal"),
        num_classes=meta.get("num_classes"), class_names=meta.get("class_names"),
        latents_fn=latents_fn,
    )  # fmt: skip


def _saved_model_metadata(loaded):
    """The SavedModel's ``metadata`` JSON (an empty dict before it had one)."""
    if "metadata" not in loaded.signatures:
        return {}
    output = loaded.signatures["metadata"](version=np.int32(0))["metadata"]
    return json.loads(output.numpy()[0].decode())


def _tflite_sampler(path):
    if not os.path.isfile(path):
        raise FileNotFoundError(f"`model` {path!r} does not exist.")
    interpreter = litert.load_interpreter(path)
    meta = litert.metadata(interpreter) or {}
    latent_dim = litert.latent_size(interpreter)

    def generate_fn(latents, labels=None):
        return litert.generate(interpreter, latents, labels)

    def sample_fn(num_samples, seed, truncation=1.0, labels=None):
        pixels, _ = litert.sample(interpreter, num_samples, seed, truncation, labels)
        return pixels.astype("float32") / 255.0

    def latents_fn(num_samples, seed):
        labels = (
            None if meta.get("num_classes") is None else np.zeros(num_samples, "int32")
        )
        return litert.sample(interpreter, num_samples, seed, 1.0, labels)[1]

    value_range = meta.get("value_range")
    value_range = None if value_range is None else tuple(value_range)
    return Sampler(
        generate_fn, int(latent_dim), value_range,
        sample_fn, meta.get("latent_distribution", "normal"),
        num_classes=meta.get("num_classes"), class_names=meta.get("class_names"),
        latents_fn=latents_fn,
    )  # fmt: skip

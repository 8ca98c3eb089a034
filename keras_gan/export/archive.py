"""The TensorFlow functions both exports trace: ``serve``, ``sample``, ``metadata``.

- ``serve``: ``latents`` float32 ``(n, latent_dim)`` (and, for a conditional
  generator, ``labels`` int32 ``(n,)``) -> ``images`` float32 in the
  generator's pixel range.
- ``sample``: ``num_samples`` int32, ``seed`` int32, ``truncation`` float32
  psi in (0, 1] (and ``labels`` int32 ``(num_samples,)``) -> ``images``
  uint8 ``(n, H, W, C)`` and the ``latents`` used, already truncated
  (``psi * z``, ``keras_gan.noise.truncate``; psi = 1 is plain sampling).
- ``metadata``: ``version`` int32 (ignored) -> ``metadata``, one JSON string:
  ``latent_dim``, ``latent_distribution``, ``value_range``, ``image_shape``,
  ``num_classes``, ``class_names`` and ``noise`` (which stream ``sample``
  draws), so a file says how to sample it with its runtime alone.
"""

import json

import keras

from keras_gan.utils.requirements import import_tensorflow


def tensorflow_backend(feature):
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


def metadata(exportable, value_range, noise_name):
    """The ``metadata`` signature's dict for ``exportable`` (``load_exportable``)."""
    generator = exportable.generator
    return {
        "format": "keras_gan.generator",
        "version": 1,
        "latent_dim": int(exportable.latent_dim),
        "latent_distribution": exportable.latent_distribution,
        "value_range": [float(bound) for bound in value_range],
        "image_shape": [int(size) for size in generator.output_shape[1:]],
        "num_classes": exportable.num_classes,
        "class_names": exportable.class_names,
        "noise": noise_name,
    }


def generator_archive(
    exportable,
    value_range,
    noise,
    serve_name,
    *,
    noise_name,
    check_labels,
    batch_size=None,
):
    """An ExportArchive with ``serve``, ``sample`` and ``metadata`` endpoints.

    The latents endpoint is registered first, so ExportArchive also writes it
    as ``serving_default``; ``serve_name=None`` names it only that.

    Args:
        exportable: the generator and its prior and classes.
        value_range: ``(low, high)`` pixel range of the generator.
        noise: ``noise(num_samples, latent_dim, seed)``, the latents of
            ``sample``.
        serve_name: the name of the latents endpoint besides
            ``serving_default``, or None.
        noise_name: the stream ``noise`` draws, recorded in the metadata
            (``"sample_latents"`` or ``"hash_noise"``).
        check_labels: assert in the graph that labels lie in ``[0,
            num_classes)`` (SavedModel; LiteRT has no assert op, and its
            gather refuses an index out of range itself).
        batch_size: the latents endpoint's batch, or None for any batch
            (LiteRT.js in a web page runs static shapes only).
    """
    tf = tensorflow_backend("SavedModel export")
    generator, latent_dim = exportable.generator, exportable.latent_dim
    classes = exportable.num_classes
    low, high = value_range

    def checked(labels):
        if not check_labels:
            return labels
        message = f"labels must lie in [0, num_classes={classes})"
        asserts = [
            tf.debugging.assert_non_negative(labels, message=message),
            tf.debugging.assert_less(labels, classes, message=message),
        ]
        with tf.control_dependencies(asserts):
            return tf.identity(labels)

    def generate(latents, labels=None):
        inputs = latents if labels is None else [latents, checked(labels)]
        return tf.cast(generator(inputs, training=False), "float32")

    def to_pixels(images):
        scaled = tf.clip_by_value((images - low) / (high - low), 0.0, 1.0)
        # Rounds like keras_gan.utils.images.to_uint8 (half to even).
        return tf.cast(tf.round(scaled * 255.0), "uint8")

    def draw(num_samples, seed, truncation, labels=None):
        latents = noise(num_samples, latent_dim, seed) * truncation
        return {"images": to_pixels(generate(latents, labels)), "latents": latents}

    if classes is None:

        def serve(latents):
            return {"images": generate(latents)}

        def sample(num_samples, seed, truncation):
            return draw(num_samples, seed, truncation)

    else:

        def serve(latents, labels):
            return {"images": generate(latents, labels)}

        def sample(num_samples, seed, truncation, labels):
            return draw(num_samples, seed, truncation, labels)

    text = json.dumps(metadata(exportable, value_range, noise_name))

    def describe(version):
        # Depends on its input, or the converter drops the signature.
        return {"metadata": tf.fill([1 + 0 * version], text)}

    def label_specs(size):
        return [] if classes is None else [tf.TensorSpec((size,), "int32")]

    scalars = [tf.TensorSpec((), "int32")] * 2 + [tf.TensorSpec((), "float32")]
    archive = keras.export.ExportArchive()
    archive.track(generator)
    archive.add_endpoint(
        serve_name or "serving_default",
        serve,
        input_signature=[
            tf.TensorSpec((batch_size, latent_dim), "float32"),
            *label_specs(batch_size),
        ],
    )
    archive.add_endpoint(
        "sample", sample, input_signature=[*scalars, *label_specs(None)]
    )
    archive.add_endpoint(
        "metadata", describe, input_signature=[tf.TensorSpec((), "int32")]
    )
    return archive

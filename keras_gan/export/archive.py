"""The TensorFlow functions both exports trace: ``serve`` and ``sample``."""

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


def generator_archive(generator, value_range, noise, serve_name, batch_size=None):
    """An ExportArchive with a latents-in endpoint and a seed-in ``sample``.

    The latents endpoint is registered first, so ExportArchive also writes it
    as ``serving_default``; ``serve_name=None`` names it only that. Its batch
    is ``batch_size``, or any batch for None.
    """
    tf = tensorflow_backend("SavedModel export")
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
        input_signature=[tf.TensorSpec((batch_size, latent_dim), "float32")],
    )
    archive.add_endpoint(
        "sample",
        sample,
        input_signature=[tf.TensorSpec((), "int32"), tf.TensorSpec((), "int32")],
    )
    return archive

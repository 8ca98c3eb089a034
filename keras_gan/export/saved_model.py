"""The SavedModel export: ``serve``/``serving_default`` and ``sample``, for TF Serving.

``serve``: ``latents`` float32 ``(batch, latent_dim)`` -> ``images`` float32 in
the generator's own pixel range, any batch size; ``sample``: ``num_samples``
and ``seed`` int32 scalars -> ``images`` uint8 ``(n, H, W, C)`` in 0..255 and
the ``latents`` used. Its latents are ``keras_gan.sample_latents`` of the
GAN's ``latent_distribution``, so ``sample(n, seed)`` shows the images of
``GAN.sample(n, seed=seed)``. Recorded too: ``value_range``, the pixel range
of ``serve``'s images (``(low, high)``, two float32 variables of
``tf.saved_model.load(path)``), and ``latent_distribution`` (one string).
"""

import os

from keras_gan import networks
from keras_gan.export.archive import generator_archive, tensorflow_backend
from keras_gan.export.sampler import load_generator
from keras_gan.noise import sample_latents
from keras_gan.utils.atomic import atomic_path


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

    Examples:
        >>> export_saved_model(gan, "run/saved_model")
        >>> tf.saved_model.load("run/saved_model").sample(
        ...     num_samples=16, seed=0)["images"]
    """
    tf = tensorflow_backend("SavedModel export")
    generator, distribution = load_generator(model, use_ema=use_ema)
    value_range = value_range or networks.output_range(generator)

    def noise(num_samples, latent_dim, seed):
        return sample_latents(num_samples, latent_dim, seed, distribution)

    archive = generator_archive(generator, value_range, noise, "serve")
    # Variables, not an endpoint: a reader gets the range without running
    # the generator (see keras_gan.export.sampler).
    archive.add_variable_collection(
        "value_range", [tf.Variable(bound, dtype="float32") for bound in value_range]
    )
    archive.add_variable_collection(
        "latent_distribution", [tf.Variable(distribution, trainable=False)]
    )
    with atomic_path(path) as temporary:
        archive.write_out(temporary, verbose=False)
    return os.fspath(path)

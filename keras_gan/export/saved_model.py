"""The SavedModel export: ``serve``/``serving_default`` and ``sample``, for TF Serving.

``serve``: ``latents`` float32 ``(batch, latent_dim)`` [and ``labels`` int32
``(batch,)`` for a conditional generator] -> ``images`` float32 in the
generator's own pixel range, any batch size; ``sample``: ``num_samples`` and
``seed`` int32 scalars and ``truncation`` float32 psi [and ``labels``] ->
``images`` uint8 ``(n, H, W, C)`` in 0..255 and the ``latents`` used;
``metadata`` (see ``keras_gan.export.archive``). Its latents are
``keras_gan.sample_latents`` of the GAN's ``latent_distribution``, so
``sample(n, seed, 1.0)`` shows the images of ``GAN.sample(n, seed=seed)``.
Labels out of ``[0, num_classes)`` fail an assertion that says so. Recorded
too: ``value_range``, the pixel range of ``serve``'s images (``(low,
high)``, two float32 variables of ``tf.saved_model.load(path)``), and
``latent_distribution`` (one string).
"""

import os

from keras_gan import networks
from keras_gan.export.archive import generator_archive, tensorflow_backend
from keras_gan.export.artifacts import load_exportable
from keras_gan.noise import sample_latents
from keras_gan.utils.atomic import atomic_path


def export_saved_model(model, path, *, use_ema=False, value_range=None):
    """Writes a SavedModel with ``serve``/``serving_default``, ``sample``, ``metadata``.

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
        >>> tf.saved_model.load("run/saved_model").signatures["sample"](
        ...     num_samples=16, seed=0, truncation=1.0)["images"]
    """
    tf = tensorflow_backend("SavedModel export")
    exportable = load_exportable(model, use_ema=use_ema)
    distribution = exportable.latent_distribution
    value_range = value_range or networks.output_range(exportable.generator)

    def noise(num_samples, latent_dim, seed):
        return sample_latents(num_samples, latent_dim, seed, distribution)

    archive = generator_archive(
        exportable, value_range, noise, "serve", noise_name="sample_latents",
        check_labels=True,
    )  # fmt: skip
    # Variables, not an endpoint: a reader gets the range without running
    # the generator (see keras_gan.export.artifacts).
    archive.add_variable_collection(
        "value_range", [tf.Variable(bound, dtype="float32") for bound in value_range]
    )
    archive.add_variable_collection(
        "latent_distribution", [tf.Variable(distribution, trainable=False)]
    )
    with atomic_path(path) as temporary:
        archive.write_out(temporary, verbose=False)
    return os.fspath(path)

"""Generated images in [0, 1] from a GAN, a generator, a .keras file or a SavedModel."""

import os

import numpy as np

_CANDIDATE_RANGES = ((0.0, 1.0), (-1.0, 1.0))


class Sampler:
    """Draws generated images in [0, 1] pixel space, whatever the model's range.

    Args:
        generate_fn: function from float32 latents ``(n, latent_dim)`` to
            images in ``value_range``.
        latent_dim: size of the latents.
        value_range: ``(low, high)`` pixel range of ``generate_fn``'s images.
        sample_fn: optional ``(num_samples, seed) -> images in [0, 1]``; by
            default latents come from ``keras_gan.sample_latents``, so a seed
            names the same images as ``GAN.sample(num_samples, seed=seed)``.
    """

    def __init__(self, generate_fn, latent_dim, value_range, sample_fn=None):
        self.generate_fn = generate_fn
        self.latent_dim = latent_dim
        self.value_range = value_range
        self.sample_fn = sample_fn

    def generate(self, latents, batch_size=1000):
        """Images in [0, 1] (float32) for the given latents."""
        low, high = self.value_range
        latents = np.asarray(latents, dtype="float32")
        chunks = [
            np.asarray(self.generate_fn(latents[start : start + batch_size]))
            for start in range(0, len(latents), batch_size)
        ]
        images = (np.concatenate(chunks).astype("float32") - low) / (high - low)
        return np.clip(images, 0.0, 1.0)

    def sample(self, num_samples, seed=0):
        """``num_samples`` images in [0, 1] (float32), a function of ``seed``."""
        if self.sample_fn is not None:
            return self.sample_fn(num_samples, seed)
        from keras_gan.noise import sample_latents

        return self.generate(
            np.asarray(sample_latents(num_samples, self.latent_dim, seed))
        )


def as_sampler(model):
    """A ``Sampler`` for a GAN, a generator, a ``.keras`` path or a SavedModel.

    A ``keras_gan.GAN`` or ``.keras`` GAN samples its generator; a bare
    generator ``keras.Model`` is accepted too. Pixel ranges come from
    ``keras_gan.networks.output_range``. A SavedModel folder written by
    ``keras_gan.export.export_saved_model`` is sampled through its ``sample``
    signature (uint8 images divided by 255) and interpolated through ``serve``.
    """
    if isinstance(model, Sampler):
        return model
    if isinstance(model, (str, os.PathLike)):
        path = os.fspath(model)
        if os.path.isdir(path):
            return _saved_model_sampler(path)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"`model` {path!r} does not exist.")
        import keras

        # Registers GAN and Maxout with Keras before the file is deserialised.
        from keras_gan import gan, networks  # noqa: F401

        model = keras.saving.load_model(path)
    return _keras_sampler(model)


def _keras_sampler(model):
    import keras

    from keras_gan import networks
    from keras_gan.gan import GAN

    generator = model.generator if isinstance(model, GAN) else model
    if not isinstance(generator, keras.Model):
        raise ValueError(
            "`model` must be a keras_gan.GAN, a generator keras.Model, a .keras "
            f"file or a SavedModel folder. Received: model={model!r}"
        )

    def generate_fn(latents):
        return generator(latents, training=False)

    return Sampler(
        generate_fn, generator.input_shape[-1], networks.output_range(generator)
    )


def _saved_model_sampler(path):
    import tensorflow as tf

    try:
        loaded = tf.saved_model.load(path)
        serve, sample = loaded.signatures["serve"], loaded.signatures["sample"]
    except Exception as error:  # corrupt folders raise many kinds of error
        raise ValueError(
            f"`model` {path!r} is not a SavedModel with `serve` and `sample` "
            f"signatures ({type(error).__name__}: {str(error)[:300]}). Export one "
            "with keras_gan.export.export_saved_model."
        ) from error
    latent_dim = serve.structured_input_signature[1]["latents"].shape[-1]

    def generate_fn(latents):
        return serve(latents=tf.constant(latents))["images"]

    def sample_fn(num_samples, seed):
        outputs = sample(num_samples=tf.constant(num_samples), seed=tf.constant(seed))
        return outputs["images"].numpy().astype("float32") / 255.0

    # `serve` returns the generator's own range, which the SavedModel does not
    # record: pick the range that maps its images onto `sample`'s pixels.
    probe = sample(num_samples=tf.constant(8), seed=tf.constant(0))
    raw = serve(latents=probe["latents"])["images"].numpy()
    target = probe["images"].numpy() / 255.0
    value_range = min(
        _CANDIDATE_RANGES,
        key=lambda r: np.abs((raw - r[0]) / (r[1] - r[0]) - target).mean(),
    )
    return Sampler(generate_fn, latent_dim, value_range, sample_fn)

"""``Sampler``: images in [0, 1] from any generator, the same way everywhere.

Every artifact keras_gan writes (a ``GAN``, a ``.keras`` file, a SavedModel,
a ``.tflite`` file) is read through ``keras_gan.export.as_sampler`` into a
``Sampler``, so ``keras-gan sample``, ``keras-gan evaluate`` and the exports
draw, truncate, interpolate and label samples alike:

- ``sample(n, seed, labels=..., truncation=...)``: the artifact's own
  seeded sample (for SavedModel and ``.tflite`` files, their ``sample``
  signature, so ``images.to_uint8(sampler.sample(n, seed))`` is that
  signature's output exactly);
- ``generate(latents, labels)``: images of given latents;
- ``interpolate(seed_a, seed_b, steps)``: the path between two seeds'
  latents (``keras_gan.noise.interpolate``).
"""

import keras
import numpy as np

from keras_gan import noise
from keras_gan.data import labels as class_labels

_INTEGERS = (int, np.integer)


class Sampler:
    """Draws generated images in [0, 1] pixel space, whatever the model's range.

    Args:
        generate_fn: ``generate_fn(latents)``, or ``generate_fn(latents,
            labels)`` when ``num_classes`` is set: float32 latents ``(n,
            latent_dim)`` (and int32 labels ``(n,)``) to images in
            ``value_range``.
        latent_dim: size of the latents.
        value_range: ``(low, high)`` pixel range of ``generate_fn``'s images;
            None where the model does not record it (``generate`` then fails).
        sample_fn: optional ``(num_samples, seed, truncation, labels) ->
            images in [0, 1]``, an artifact's own seeded sampling; by default
            ``latents_fn``'s latents, truncated, through ``generate``.
        latent_distribution: the prior of the latents (the GAN's).
        num_classes: the classes of a conditional generator, else None.
        class_names: their names, when known.
        latents_fn: ``(num_samples, seed) -> latents``, the latents a seed
            names; by default ``keras_gan.sample_latents``, so a seed names
            the images of ``GAN.sample(num_samples, seed=seed)``.
    """

    def __init__(
        self,
        generate_fn,
        latent_dim,
        value_range,
        sample_fn=None,
        latent_distribution="normal",
        *,
        num_classes=None,
        class_names=None,
        latents_fn=None,
    ):
        self.generate_fn = generate_fn
        self.latent_dim = latent_dim
        self.value_range = value_range
        self.sample_fn = sample_fn
        self.latent_distribution = latent_distribution
        self.num_classes = num_classes
        self.class_names = class_names
        self.latents_fn = latents_fn or self._prior_latents

    def _prior_latents(self, num_samples, seed):
        latents = noise.sample_latents(
            num_samples, self.latent_dim, seed, self.latent_distribution
        )
        return keras.ops.convert_to_numpy(latents)  # may sit on a GPU

    def generate(self, latents, labels=None, batch_size=1000):
        """Images in [0, 1] (float32) for the given latents (and labels)."""
        if self.value_range is None:
            raise ValueError(
                "This model does not record its pixel range (a .tflite file "
                "exported by an older keras_gan), so its images from latents "
                "cannot be mapped to [0, 1]. Use `sample`, or export it again."
            )
        latents = keras.ops.convert_to_numpy(latents).astype("float32")
        labels = self.sample_labels(len(latents), labels)
        chunks = []
        for start in range(0, len(latents), batch_size):
            batch = [latents[start : start + batch_size]]
            if labels is not None:
                batch.append(labels[start : start + batch_size])
            chunks.append(np.asarray(self.generate_fn(*batch)))
        low, high = self.value_range
        generated = (np.concatenate(chunks).astype("float32") - low) / (high - low)
        return np.clip(generated, 0.0, 1.0)

    def sample(self, num_samples, seed=0, *, labels=None, truncation=1.0):
        """``num_samples`` images in [0, 1] (float32), a function of ``seed``.

        Args:
            num_samples: how many.
            seed: an int32.
            labels: conditional generators: one int, ``num_samples`` ints, or
                None for a class-balanced sample.
            truncation: psi in (0, 1] (``keras_gan.noise.truncate``).
        """
        _check_count("num_samples", num_samples)
        _check_seed(seed)
        truncation = noise.check_truncation(truncation)
        labels = self.sample_labels(num_samples, labels)
        if self.sample_fn is not None:
            return self.sample_fn(num_samples, seed, truncation, labels)
        latents = noise.truncate(self.latents_fn(num_samples, seed), truncation)
        return self.generate(latents, labels)

    def interpolate(self, seed_a, seed_b, steps=8, *, labels=None, truncation=1.0):
        """Images along the path between the latents of two seeds, in [0, 1].

        Spherical for normal latents, linear for uniform ones; the ends are
        the images ``sample(1, seed)`` draws (with ``generate``'s rounding).
        ``labels``: one class for the strip, one per step, or None (class 0).
        """
        for seed in (seed_a, seed_b):
            _check_seed(seed)
        truncation = noise.check_truncation(truncation)
        ends = [
            noise.truncate(self.latents_fn(1, s), truncation) for s in (seed_a, seed_b)
        ]
        path = noise.interpolate(*ends, steps, self.latent_distribution)
        if labels is None and self.num_classes is not None:
            labels = 0
        return self.generate(path, labels)

    def sample_labels(self, num_samples, labels=None):
        """The checked int32 labels of ``num_samples`` samples (None: unconditional)."""
        if self.num_classes is None:
            if labels is not None:
                raise ValueError(
                    "`labels` were given, but this generator is unconditional (it "
                    "takes no labels). Sample it without labels."
                )
            return None
        return class_labels.sample_labels(labels, num_samples, self.num_classes)


def _check_count(name, value):
    if not isinstance(value, _INTEGERS) or isinstance(value, bool) or value < 1:
        raise ValueError(f"`{name}` must be an int >= 1. Received: {value!r}")


def _check_seed(seed):
    if not isinstance(seed, _INTEGERS) or not -(2**31) <= seed < 2**31:
        raise ValueError(f"`seed` must be an int32. Received: seed={seed!r}")

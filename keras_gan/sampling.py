"""Drawing images from a trained GAN: seeds, latents, labels, truncation.

``Sampling`` is the mixin that gives ``GAN`` its sampling API. Everything
goes through ``generate(latents, labels)``; ``sample`` draws the latents from
a seed (``keras_gan.noise.sample_latents``, the stream the SavedModel's
``sample`` signature draws too) and ``interpolate`` walks between two seeds'
latents. For a conditional GAN, ``labels`` names the class of every sample:
one int for all, one int per sample, or None for a class-balanced set.
"""

import numpy as np
from keras import ops

from keras_gan import noise
from keras_gan.data import labels as class_labels


class Sampling:
    """Mixin of ``GAN``: ``sample``, ``generate``, ``interpolate``.

    Needs ``generator``, ``ema_generator``, ``latent_dim``,
    ``latent_distribution`` and ``num_classes`` on the model.
    """

    def sample(
        self,
        num_samples,
        seed=None,
        *,
        labels=None,
        truncation=1.0,
        use_ema=False,
        batch_size=1000,
    ):
        """Returns ``num_samples`` generated images as a numpy array.

        Args:
            num_samples: how many images.
            seed: int; the same seed gives the same images. None draws one.
            labels: conditional GANs only: the class of every sample, one
                int, an array of ``num_samples`` ints, or None for a
                class-balanced sample (``data.labels.balanced_labels``:
                every class ``num_samples / num_classes`` times, grouped).
            truncation: psi in (0, 1], the truncation trick
                (``noise.truncate``); 1 draws from the prior itself.
            use_ema: sample ``ema_generator`` (see ``pick_generator``).
            batch_size: images generated per forward pass.

        Examples:
            >>> gan.sample(16, seed=0)  # an unconditional GAN
            >>> gan.sample(16, seed=0, labels=7, truncation=0.7)  # sixteen 7s
        """
        if seed is None:
            seed = int(np.random.randint(2**31))
        latents = noise.sample_latents(
            num_samples, self.latent_dim, seed, self.latent_distribution
        )
        latents = noise.truncate(latents, truncation)
        return self.generate(latents, labels, use_ema=use_ema, batch_size=batch_size)

    def generate(self, latents, labels=None, *, use_ema=False, batch_size=1000):
        """The images of given latents (and labels), as a numpy array.

        Args:
            latents: ``(n, latent_dim)`` latents.
            labels: as in ``sample``.
            use_ema: generate with ``ema_generator``.
            batch_size: images generated per forward pass.
        """
        latents = ops.convert_to_tensor(latents, "float32")
        count = int(ops.shape(latents)[0])
        labels = self.sample_labels(count, labels)
        if labels is not None:  # Keras takes no mix of tensors and arrays
            labels = ops.convert_to_tensor(labels)
        generator = self.pick_generator(use_ema)
        chunks = []
        for start in range(0, count, batch_size):
            inputs = latents[start : start + batch_size]
            if labels is not None:
                inputs = [inputs, labels[start : start + batch_size]]
            chunks.append(generator(inputs, training=False))
        return ops.convert_to_numpy(ops.concatenate(chunks, axis=0))

    def interpolate(
        self, seed_a, seed_b, steps=8, *, labels=None, truncation=1.0, use_ema=False
    ):
        """Images along the path between the latents of two seeds.

        Spherical for normal latents, linear for uniform ones
        (``noise.interpolate``); the ends are ``sample(1, seed_a)`` and
        ``sample(1, seed_b)`` (with the same ``truncation``).

        Args:
            seed_a: the seed of the first image.
            seed_b: the seed of the last image.
            steps: images in the strip, both ends included.
            labels: conditional GANs: the class of the strip (one int), or
                one label per step; None gives class 0.
            truncation: psi, applied to both ends.
            use_ema: generate with ``ema_generator``.
        """
        ends = [
            noise.truncate(
                noise.sample_latents(
                    1, self.latent_dim, seed, self.latent_distribution
                ),
                truncation,
            )
            for seed in (seed_a, seed_b)
        ]
        path = noise.interpolate(*ends, steps, self.latent_distribution)
        if labels is None and self.num_classes is not None:
            labels = 0
        return self.generate(path, labels, use_ema=use_ema)

    def sample_per_class(
        self, num_per_class, seed=None, *, classes=None, truncation=1.0, use_ema=False
    ):
        """The same latents drawn for every class: style fixed, class changing.

        Conditional GANs only. Returns ``len(classes) * num_per_class``
        images, class by class: image ``i`` of each class comes from the same
        latents, ``sample_latents(num_per_class, seed)[i]``.

        Args:
            num_per_class: images per class.
            seed: seed of the latents (None draws one).
            classes: the classes, in order; default all.
            truncation: psi, as in ``sample``.
            use_ema: generate with ``ema_generator``.
        """
        if self.num_classes is None:
            raise ValueError(
                "`sample_per_class` draws one row per class, but this GAN is "
                "unconditional. Use `sample`."
            )
        classes = list(range(self.num_classes) if classes is None else classes)
        if seed is None:
            seed = int(np.random.randint(2**31))
        latents = noise.sample_latents(
            num_per_class, self.latent_dim, seed, self.latent_distribution
        )
        latents = ops.convert_to_numpy(noise.truncate(latents, truncation))
        labels = np.repeat(np.asarray(classes, "int64"), num_per_class)
        return self.generate(
            np.tile(latents, (len(classes), 1)), labels, use_ema=use_ema
        )

    def sample_labels(self, num_samples, labels=None):
        """The labels ``sample`` and ``generate`` use (None: unconditional).

        Raises:
            ValueError: labels for an unconditional GAN, or bad labels.
        """
        if self.num_classes is None:
            if labels is not None:
                raise ValueError(
                    "`labels` were given, but this GAN is unconditional (its "
                    "networks take no labels). Sample it without labels."
                )
            return None
        return class_labels.sample_labels(labels, num_samples, self.num_classes)

    def pick_generator(self, use_ema=False):
        """The generator to sample: ``generator``, or with ``use_ema`` its average.

        Sampling, monitoring callbacks, evaluation and export all choose
        through this method, so they agree on what ``use_ema`` means.

        Args:
            use_ema: return ``ema_generator`` (needs ``ema_decay``).
        """
        if not use_ema:
            return self.generator
        if self.ema_generator is None:
            raise ValueError(
                "`use_ema=True` needs a moving-average generator, but this GAN was "
                "built with ema_decay=None. Build it with e.g. ema_decay=0.999."
            )
        return self.ema_generator

"""The GAN model: two networks trained by Algorithm 1 of Goodfellow et al. 2014."""

import keras
import numpy as np
from keras import ops
from keras.saving import deserialize_keras_object as deserialize
from keras.saving import serialize_keras_object as serialize

from keras_gan import backend, ema, losses
from keras_gan.data import minibatches
from keras_gan.noise import (
    check_distribution,
    sample_latents,
    training_noise,
    uniform_stream,
)
from keras_gan.optimizers.compiling import TwoOptimizers
from keras_gan.penalties import discriminator_penalty


@keras.saving.register_keras_serializable(package="keras_gan")
class GAN(backend.StepTrainer, TwoOptimizers, keras.Model):
    """A generative adversarial network trained with ``fit``.

    Each ``train_step`` is one outer iteration of Algorithm 1 of Goodfellow et
    al. (2014), "Generative Adversarial Nets": ``discriminator_steps`` (k)
    discriminator updates, each on its own minibatch of m real images and
    fresh noise, then one generator update on fresh noise. One dataset batch
    therefore holds k*m images (see ``keras_gan.data.minibatches``).

    The dataset may yield images ``x`` or pairs ``(x, y)`` (labels are
    ignored). Images must lie in the generator's pixel range (see
    ``keras_gan.networks``). Calling the model on latents returns images.

    Logged every step: ``d_loss`` and ``g_loss`` (the objectives being
    minimised), ``d_real`` (mean D(x)) and ``d_fake`` (mean D(G(z)) during the
    discriminator updates), and ``d_penalty`` with ``penalties``.

    Args:
        generator: a ``keras.Model`` mapping latents ``(batch, latent_dim)`` to
            images.
        discriminator: a ``keras.Model`` mapping images to one logit each.
        latent_dim: size of z; defaults to the generator's input size.
        discriminator_steps: k, discriminator updates per generator update.
        objective: the adversarial objective, a name in ``losses.LOSSES``
            (``"non_saturating"``: G maximises log D(G(z)), the paper's
            practical choice; ``"minimax"``, ``"hinge"``, ``"wasserstein"``,
            ``"least_squares"``, ``"relativistic"``) or a pair of functions
            ``(generator_loss, discriminator_loss)`` of logits.
        penalties: penalties added to D's loss (``keras_gan.penalties``:
            ``R1``, ``R2``, ``GradientPenalty``), on the images D sees.
        augmentation: applied to every batch D sees, real and generated, in
            both updates, e.g. ``keras_gan.augment.DiffAugment()``.
        latent_distribution: ``"normal"`` or ``"uniform"`` (on [-sqrt 3,
            sqrt 3], the paper's); sampling and exports draw from it too.
        seed: seed of the training noise; with the same seed and data order
            two runs draw the same noise.
        ema_decay: if set (e.g. 0.999), keep ``ema_generator``, an
            exponential moving average of the generator's weights
            (``keras_gan.ema``), updated after every generator step.
        ema_schedule: ``"ramp"`` (the decay at step t is ``min(ema_decay,
            (1 + t) / (10 + t))``, so the average does not lag early in
            training) or ``"constant"``.
        generator_loss: deprecated; ``objective`` with the same name.

    Examples:
        >>> gan = GAN(networks.dcgan_generator(64, (8, 8, 1)),
        ...           networks.dcgan_discriminator((8, 8, 1)))
        >>> gan.compile()
        >>> gan.fit(data.from_array(images, batch_size=64), epochs=10)
        >>> images = gan.sample(16, seed=0)
    """

    def __init__(
        self,
        generator,
        discriminator,
        *,
        latent_dim=None,
        discriminator_steps=1,
        objective="non_saturating",
        penalties=(),
        augmentation=None,
        latent_distribution="normal",
        seed=None,
        ema_decay=None,
        ema_schedule="ramp",
        generator_loss=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        minibatches.check_discriminator_steps(discriminator_steps)
        ema.check_decay(ema_decay, ema_schedule)
        self.objective = losses.deprecated_generator_loss(generator_loss, objective)
        self.generator_loss_fn, self.discriminator_loss_fn = losses.get(self.objective)
        self.penalties = list(penalties)
        self.augmentation = augmentation
        self.latent_distribution = check_distribution(latent_distribution)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim or generator.input_shape[-1]
        self.image_shape = minibatches.image_shape(
            generator, discriminator, self.latent_dim
        )
        self.discriminator_steps = discriminator_steps
        self.seed = seed
        self.ema_decay = ema_decay
        self.ema_schedule = ema_schedule
        self.ema_generator = ema.copy_generator(generator) if ema_decay else None
        self._has_batch_norm = any(
            isinstance(layer, keras.layers.BatchNormalization)
            for layer in discriminator._flatten_layers()
        )
        self._noise_seed = int(np.random.randint(2**31)) if seed is None else seed
        self.track_gradient_norms = False
        names = ("d_loss", "g_loss", "d_real", "d_fake")
        names += ("d_penalty",) if self.penalties else ()
        self.trackers = {name: keras.metrics.Mean(name=name) for name in names}
        # Both networks arrive built; marking the GAN built lets saving,
        # BackupAndRestore and distribution strategies treat it as a ready model.
        self.built = True

    def call(self, latents, training=False):
        return self.generator(latents, training=training)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def train_step(self, data):
        """One outer iteration of Algorithm 1 on a batch of k*m real images.

        ``fit`` calls it; the steps are the class docstring's. Returns the logs
        (``d_loss``, ``g_loss``, ``d_real``, ``d_fake``, ...).
        """
        real_images, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        real_batches = minibatches.split(
            real_images, self.discriminator_steps, self.image_shape
        )
        step = self.generator_optimizer.iterations
        # 1. k discriminator updates, each on its own real minibatch and noise.
        for phase, real_batch in enumerate(real_batches):
            noise = self._noise(step, phase, ops.shape(real_batch)[0])
            draw = uniform_stream(self._noise_seed, step, phase)
            for name, value in self._discriminator_update(real_batch, noise, draw):
                self.trackers[name].update_state(value)
        # 2. One generator update on fresh noise (relativistic objectives also
        # compare with the last real minibatch).
        phase = len(real_batches)
        noise = self._noise(step, phase, ops.shape(real_batch)[0])
        draw = uniform_stream(self._noise_seed, step, phase)
        g_loss = self._generator_update(noise, real_batch, draw)
        self.trackers["g_loss"].update_state(g_loss)
        # 3. Track the generator's moving average.
        if self.ema_generator is not None:
            updates = self.generator_optimizer.iterations  # now counting this one
            decay = ema.decay_at(self.ema_decay, self.ema_schedule, updates)
            ema.update_moving_average(self.ema_generator, self.generator, decay)
        logs = {name: tracker.result() for name, tracker in self.trackers.items()}
        return backend.worker_logs(logs)

    def _discriminator_update(self, real_images, noise, draw):
        """One D step; returns ``(metric name, value)`` pairs to log."""
        # Outside loss_fn: D's gradients need no record of G's forward pass.
        fake_images = self.generator(noise, training=True)
        fake_images = ops.stop_gradient(ops.cast(fake_images, real_images.dtype))

        def loss_fn():
            real, fake = (
                self._augment(real_images, draw),
                self._augment(fake_images, draw),
            )
            logits = self._discriminate(real, fake)
            penalty = discriminator_penalty(
                self.penalties, self.discriminator, real, fake,
                step=self.discriminator_optimizer.iterations, draw=draw,
            )  # fmt: skip
            loss = self.discriminator_loss_fn(*logits)
            return loss + penalty, (loss, penalty, logits)

        _, (loss, penalty, (real_logits, fake_logits)) = self._update(
            self.discriminator_optimizer, self.discriminator, loss_fn, "d"
        )
        logs = [("d_loss", loss), ("d_real", _mean_probability(real_logits))]
        logs.append(("d_fake", _mean_probability(fake_logits)))
        return logs + ([("d_penalty", penalty)] if self.penalties else [])

    def _augment(self, images, draw):
        return images if self.augmentation is None else self.augmentation(images, draw)

    def _discriminate(self, real_images, fake_images):
        if self._has_batch_norm:
            # Batch statistics must not mix real and fake images.
            return (
                self.discriminator(real_images, training=True),
                self.discriminator(fake_images, training=True),
            )
        # One pass over both halves is faster and gives the same logits.
        both = ops.concatenate([real_images, fake_images])
        return tuple(ops.split(self.discriminator(both, training=True), 2))

    def _generator_update(self, noise, real_images, draw):
        needs_real = getattr(self.generator_loss_fn, "needs_real_logits", False)

        def loss_fn():
            fake_images = self._augment(self.generator(noise, training=True), draw)
            fake_logits = self.discriminator(fake_images, training=True)
            real_logits = None
            if needs_real:
                real = self._augment(real_images, draw)
                real_logits = self.discriminator(real, training=True)
            return self.generator_loss_fn(fake_logits, real_logits), None

        loss, _ = self._update(self.generator_optimizer, self.generator, loss_fn, "g")
        return loss

    def _update(self, optimizer, network, loss_fn, prefix):
        """One optimizer step of ``network`` on ``loss, aux = loss_fn()``."""
        variables = network.trainable_variables
        loss, aux, gradients = backend.compute_gradients(loss_fn, variables, optimizer)
        if self.track_gradient_norms:
            norm = backend.gradient_norm(optimizer, gradients)
            self.trackers[f"{prefix}_grad_norm"].update_state(norm)
        backend.apply_gradients(optimizer, gradients, variables)
        return loss, aux

    def _noise(self, step, phase, size):
        return training_noise(
            self._noise_seed, step, phase, size, self.latent_dim,
            self.latent_distribution,
        )  # fmt: skip

    def sample(self, num_samples, seed=None, *, use_ema=False, batch_size=1000):
        """Returns ``num_samples`` generated images as a numpy array.

        Args:
            num_samples: how many images.
            seed: int; the same seed gives the same images. None draws one.
            use_ema: sample ``ema_generator`` (see ``pick_generator``).
            batch_size: images generated per forward pass.
        """
        if seed is None:
            seed = int(np.random.randint(2**31))
        latents = sample_latents(
            num_samples, self.latent_dim, seed, self.latent_distribution
        )
        generator = self.pick_generator(use_ema)
        chunks = [
            generator(latents[start : start + batch_size], training=False)
            for start in range(0, num_samples, batch_size)
        ]
        return ops.convert_to_numpy(ops.concatenate(chunks, axis=0))

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

    def get_config(self):
        return {
            **super().get_config(),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "discriminator_steps": self.discriminator_steps,
            "objective": losses.serialize(self.objective),
            "penalties": [serialize(penalty) for penalty in self.penalties],
            "augmentation": serialize(self.augmentation),
            "latent_distribution": self.latent_distribution,
            "seed": self.seed,
            "ema_decay": self.ema_decay,
            "ema_schedule": self.ema_schedule,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator", "augmentation"):
            config[key] = deserialize(config.get(key))
        config["penalties"] = [deserialize(p) for p in config.get("penalties", [])]
        if "objective" in config:
            config["objective"] = losses.deserialize(config["objective"])
        else:  # files from before `objective`: their generator loss names it
            config["objective"] = config.pop("generator_loss", "non_saturating")
            config.setdefault("ema_schedule", "constant")
        return cls(**config)


def _mean_probability(logits):
    return ops.mean(ops.sigmoid(ops.cast(logits, "float32")))

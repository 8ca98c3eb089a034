"""The GAN model: two networks trained by Algorithm 1 of Goodfellow et al. 2014."""

import keras
import numpy as np
from keras import ops

from keras_gan import backend, ema, execution, losses, minibatches, optimizers
from keras_gan.noise import sample_latents, training_noise


@keras.saving.register_keras_serializable(package="keras_gan")
class GAN(keras.Model):
    """A generative adversarial network trained with ``fit``.

    Each ``train_step`` is one outer iteration of Algorithm 1 of Goodfellow et
    al. (2014), "Generative Adversarial Nets": ``discriminator_steps`` (k)
    discriminator updates, each on its own minibatch of m real images and
    fresh noise, then one generator update on fresh noise. One dataset batch
    therefore holds k*m images (see ``keras_gan.minibatches``).

    The dataset may yield images ``x`` or pairs ``(x, y)`` (labels are
    ignored). Images must lie in the generator's pixel range (see
    ``keras_gan.networks``). Calling the model on latents returns images.

    Logged every step: ``d_loss`` and ``g_loss`` (the objectives being
    minimised), ``d_real`` (mean D(x)) and ``d_fake`` (mean D(G(z)) during the
    discriminator updates).

    Args:
        generator: a ``keras.Model`` mapping latents ``(batch, latent_dim)`` to
            images.
        discriminator: a ``keras.Model`` mapping images to one logit each.
        latent_dim: size of z; defaults to the generator's input size.
        discriminator_steps: k, discriminator updates per generator update.
        generator_loss: ``"non_saturating"`` (maximise log D(G(z)), the
            paper's practical choice) or ``"minimax"`` (minimise
            log(1 - D(G(z)))).
        seed: seed of the training noise; with the same seed and data order
            two runs draw the same noise.
        ema_decay: if set (e.g. 0.999), keep ``ema_generator``, an
            exponential moving average of the generator's weights
            (``keras_gan.ema``), updated after every generator step.

    Example:
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
        generator_loss="non_saturating",
        seed=None,
        ema_decay=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        minibatches.check_discriminator_steps(discriminator_steps)
        ema.check_decay(ema_decay)
        self.generator_loss_fn = losses.get_generator_loss(generator_loss)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim or generator.input_shape[-1]
        self.image_shape = minibatches.image_shape(
            generator, discriminator, self.latent_dim
        )
        self.discriminator_steps = discriminator_steps
        self.generator_loss = generator_loss
        self.seed = seed
        self.ema_decay = ema_decay
        self.ema_generator = ema.copy_generator(generator) if ema_decay else None
        self._has_batch_norm = any(
            isinstance(layer, keras.layers.BatchNormalization)
            for layer in discriminator._flatten_layers()
        )
        self._noise_seed = int(np.random.randint(2**31)) if seed is None else seed
        self.track_gradient_norms = False
        self.trackers = {
            name: keras.metrics.Mean(name=name)
            for name in ("d_loss", "g_loss", "d_real", "d_fake")
        }
        # Both networks arrive built; marking the GAN built lets saving,
        # BackupAndRestore and distribution strategies treat it as a ready model.
        self.built = True

    def call(self, latents, training=False):
        return self.generator(latents, training=training)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def compile(
        self,
        generator_optimizer="auto",
        discriminator_optimizer="auto",
        *,
        track_gradient_norms=False,
        **kwargs,
    ):
        """Configures the two optimizers and the Keras execution options.

        Args:
            generator_optimizer: optimizer (or its name) of the generator;
                ``"auto"`` is Adam(2e-4, beta_1=0.5) (Radford et al. 2016),
                as ``keras_gan.optimizers.FusedAdam`` (one fused update kernel).
            discriminator_optimizer: the same for the discriminator.
            track_gradient_norms: also log ``d_grad_norm`` and ``g_grad_norm``,
                the global norms of each network's gradients (costs time).
            **kwargs: ``keras.Model.compile`` options such as ``jit_compile``,
                ``steps_per_execution`` and ``run_eagerly``. ``jit_compile="auto"``
                is Keras's rule: XLA on GPUs only, and not under a distribution
                strategy (``tools/benchmark.py``: on a 2-core CPU XLA is 26%
                slower for the paper MLP at k = 1, 7x slower for the DCGAN).
        """
        # Saved as asked, so "auto" is decided again where the model is loaded.
        self._requested_jit_compile = kwargs.get("jit_compile", "auto")
        # optimizer=None: the base class would otherwise create an unused
        # RMSprop that gets saved and logged.
        super().compile(optimizer=None, **kwargs)
        self.generator_optimizer = optimizers.make_optimizer(
            generator_optimizer, self.generator, self.dtype_policy
        )
        self.discriminator_optimizer = optimizers.make_optimizer(
            discriminator_optimizer, self.discriminator, self.dtype_policy
        )
        self.track_gradient_norms = track_gradient_norms
        for name in ("d_grad_norm", "g_grad_norm"):
            self.trackers.pop(name, None)
            if track_gradient_norms:
                self.trackers[name] = keras.metrics.Mean(name=name)

    def get_compile_config(self):
        if not self.compiled:
            return {}
        config = self._compile_config.config
        return {
            "generator_optimizer": keras.optimizers.serialize(self.generator_optimizer),
            "discriminator_optimizer": keras.optimizers.serialize(
                self.discriminator_optimizer
            ),
            "run_eagerly": config["run_eagerly"],
            "steps_per_execution": config["steps_per_execution"],
            "jit_compile": self._requested_jit_compile,
            "track_gradient_norms": self.track_gradient_norms,
        }

    def compile_from_config(self, config):
        config = dict(config)
        for key in ("generator_optimizer", "discriminator_optimizer"):
            config[key] = keras.optimizers.deserialize(config[key])
        self.compile(**config)

    def train_step(self, data):
        real_images, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        real_batches = minibatches.split(
            real_images, self.discriminator_steps, self.image_shape
        )
        step = self.generator_optimizer.iterations
        # 1. k discriminator updates, each on its own real minibatch and noise.
        for phase, real_batch in enumerate(real_batches):
            noise = self._noise(step, phase, ops.shape(real_batch)[0])
            d_loss, d_real, d_fake = self._discriminator_update(real_batch, noise)
            self.trackers["d_loss"].update_state(d_loss)
            self.trackers["d_real"].update_state(d_real)
            self.trackers["d_fake"].update_state(d_fake)
        # 2. One generator update on fresh noise.
        noise = self._noise(step, len(real_batches), ops.shape(real_batch)[0])
        self.trackers["g_loss"].update_state(self._generator_update(noise))
        # 3. Track the generator's moving average.
        if self.ema_generator is not None:
            ema.update_moving_average(
                self.ema_generator, self.generator, self.ema_decay
            )
        logs = {name: tracker.result() for name, tracker in self.trackers.items()}
        return execution.worker_logs(logs)

    def _discriminator_update(self, real_images, noise):
        # Outside loss_fn: D's gradients need no record of G's forward pass.
        fake_images = ops.cast(self.generator(noise, training=True), real_images.dtype)

        def loss_fn():
            logits = self._discriminate(real_images, fake_images)
            return losses.minimax_discriminator_loss(*logits), logits

        loss, (real_logits, fake_logits) = self._update(
            self.discriminator_optimizer, self.discriminator, loss_fn, "d"
        )
        return loss, _mean_probability(real_logits), _mean_probability(fake_logits)

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

    def _generator_update(self, noise):
        def loss_fn():
            fake_images = self.generator(noise, training=True)
            fake_logits = self.discriminator(fake_images, training=True)
            return self.generator_loss_fn(fake_logits), None

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
        return training_noise(self._noise_seed, step, phase, size, self.latent_dim)

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
        latents = sample_latents(num_samples, self.latent_dim, seed)
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
            "generator_loss": self.generator_loss,
            "seed": self.seed,
            "ema_decay": self.ema_decay,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


def _mean_probability(logits):
    return ops.mean(ops.sigmoid(ops.cast(logits, "float32")))

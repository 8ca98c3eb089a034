"""The GAN model: two networks trained by Algorithm 1 of Goodfellow et al. 2014."""

import types

import keras
import numpy as np
from keras import ops
from keras.saving import deserialize_keras_object as deserialize
from keras.saving import serialize_keras_object as serialize
from keras.src.trainers import data_adapters

from keras_gan import backend, ema, losses, signatures
from keras_gan.data import minibatches
from keras_gan.noise import check_distribution, training_noise, uniform_stream
from keras_gan.optimizers.compiling import TwoOptimizers
from keras_gan.penalties import discriminator_penalty
from keras_gan.sampling import Sampling


@keras.saving.register_keras_serializable(package="keras_gan")
class GAN(backend.StepTrainer, TwoOptimizers, Sampling, keras.Model):
    """A generative adversarial network trained with ``fit``.

    Each ``train_step`` is one outer iteration of Algorithm 1 of Goodfellow et
    al. (2014), "Generative Adversarial Nets": ``discriminator_steps`` (k)
    discriminator updates, each on its own minibatch of m real images and
    fresh noise, then one generator update on fresh noise. One dataset batch
    therefore holds k*m images (see ``keras_gan.data.minibatches``).

    The dataset may yield images ``x`` or pairs ``(x, y)``. Images must lie
    in the generator's pixel range (see ``keras_gan.networks``). Calling the
    model on latents returns images; ``sample``, ``generate`` and
    ``interpolate`` (``keras_gan.sampling``) draw them from seeds.

    Conditional GANs: networks that take labels make the GAN conditional, a
    generator with inputs ``[latents, labels]`` and a discriminator with
    inputs ``[images, labels]`` (e.g. ``networks.dcgan_generator(...,
    num_classes=10)``). The dataset then yields ``(images, labels)``, labels
    int class indices; each discriminator update sees its own real minibatch
    with its labels, and G draws its images for those same labels, so the
    classes G is asked for follow the training data (as StyleGAN2-ADA draws
    them from the dataset) and are a function of the data order. The
    generator's update uses the labels of the last real minibatch. An
    unconditional GAN ignores labels.

    Logged every step: ``d_loss`` and ``g_loss`` (the objectives being
    minimised), ``d_real`` (mean D(x)) and ``d_fake`` (mean D(G(z)) during the
    discriminator updates), and ``d_penalty`` with ``penalties``.

    Args:
        generator: a ``keras.Model`` mapping latents ``(batch, latent_dim)``
            (and, conditional, int labels ``(batch,)``) to images.
        discriminator: a ``keras.Model`` mapping images (and, conditional,
            labels) to one logit each.
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
        num_classes: the classes of a conditional GAN; by default read off the
            generator's first ``Embedding`` layer. Must be None for networks
            without labels.
        class_names: names of the classes (saved with the model), e.g. the
            sub-folders of an image folder.
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
        num_classes=None,
        class_names=None,
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
        self.num_classes = signatures.num_classes(generator, discriminator, num_classes)
        self.class_names = signatures.class_names(class_names, self.num_classes)
        self.latent_dim = latent_dim or signatures.first_input_shape(generator)[-1]
        self.image_shape = signatures.image_shape(
            generator, discriminator, self.latent_dim, self.num_classes
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

    @property
    def conditional(self):
        """Whether G and D take labels (``num_classes`` is set)."""
        return self.num_classes is not None

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def train_step(self, data):
        """One outer iteration of Algorithm 1 on a batch of k*m real images.

        ``fit`` calls it; the steps are the class docstring's. Returns the logs
        (``d_loss``, ``g_loss``, ``d_real``, ``d_fake``, ...).
        """
        real_images, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        k = self.discriminator_steps
        real_batches = minibatches.split(real_images, k, self.image_shape)
        label_batches = self._split_labels(labels, real_images)
        step = self.generator_optimizer.iterations
        # 1. k discriminator updates, each on its own real minibatch (with its
        # labels) and fresh noise.
        for phase, (real, labels) in enumerate(
            zip(real_batches, label_batches, strict=True)
        ):
            noise = self._noise(step, phase, ops.shape(real)[0])
            draw = uniform_stream(self._noise_seed, step, phase)
            for name, value in self._discriminator_update(real, labels, noise, draw):
                self.trackers[name].update_state(value)
        # 2. One generator update on fresh noise, for the labels of the last
        # real minibatch (relativistic objectives also compare with it).
        phase = len(real_batches)
        noise = self._noise(step, phase, ops.shape(real)[0])
        draw = uniform_stream(self._noise_seed, step, phase)
        g_loss = self._generator_update(noise, labels, real, draw)
        self.trackers["g_loss"].update_state(g_loss)
        # 3. Track the generator's moving average.
        if self.ema_generator is not None:
            updates = self.generator_optimizer.iterations  # now counting this one
            decay = ema.decay_at(self.ema_decay, self.ema_schedule, updates)
            ema.update_moving_average(self.ema_generator, self.generator, decay)
        logs = {name: tracker.result() for name, tracker in self.trackers.items()}
        return backend.worker_logs(logs)

    def _split_labels(self, labels, real_images):
        """The labels of each of the k real minibatches (None: unconditional)."""
        k = self.discriminator_steps
        if not self.conditional:
            return [None] * k
        if labels is None:
            raise ValueError(
                f"This GAN is conditional (num_classes={self.num_classes}): fit it "
                "on (images, labels) pairs, e.g. keras_gan.data.from_array(images, "
                "labels=labels, ...). The dataset yields images alone."
            )
        return minibatches.split_labels(labels, k, ops.shape(real_images)[0])

    def _inputs(self, tensor, labels):
        """A network's inputs: ``tensor``, with its labels when conditional."""
        return tensor if labels is None else [tensor, labels]

    def _critic(self, labels):
        """D as a function of images alone, its labels bound (for penalties)."""

        def critic(images, training=True):
            return self.discriminator(self._inputs(images, labels), training=training)

        return critic

    def _discriminator_update(self, real_images, labels, noise, draw):
        """One D step; returns ``(metric name, value)`` pairs to log."""
        # Outside loss_fn: D's gradients need no record of G's forward pass.
        fake_images = self.generator(self._inputs(noise, labels), training=True)
        fake_images = ops.stop_gradient(ops.cast(fake_images, real_images.dtype))

        def loss_fn():
            real, fake = (
                self._augment(real_images, draw),
                self._augment(fake_images, draw),
            )
            logits = self._discriminate(real, fake, labels)
            penalty = discriminator_penalty(
                self.penalties, self._critic(labels), real, fake,
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

    def _discriminate(self, real_images, fake_images, labels):
        """D's logits on the real and the fake images (both with ``labels``)."""
        if self._has_batch_norm:
            # Batch statistics must not mix real and fake images.
            critic = self._critic(labels)
            return critic(real_images), critic(fake_images)
        # One pass over both halves is faster and gives the same logits.
        both = ops.concatenate([real_images, fake_images])
        if labels is not None:
            labels = ops.concatenate([labels, labels])
        logits = self.discriminator(self._inputs(both, labels), training=True)
        return tuple(ops.split(logits, 2))

    def _generator_update(self, noise, labels, real_images, draw):
        needs_real = getattr(self.generator_loss_fn, "needs_real_logits", False)
        critic = self._critic(labels)

        def loss_fn():
            fake = self.generator(self._inputs(noise, labels), training=True)
            fake_logits = critic(self._augment(fake, draw))
            real_logits = None
            if needs_real:
                real_logits = critic(self._augment(real_images, draw))
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

    def fit(self, x=None, *args, **kwargs):
        """``keras.Model.fit``; ``shuffle`` defaults to False for self-ordered data.

        Keras's ``shuffle=True`` default shuffles arrays and a ``PyDataset``'s
        batches; a ``tf.data.Dataset`` (what ``keras_gan.data.from_array``
        gives on TensorFlow), a torch ``DataLoader``, a grain dataset or a
        generator orders its own data (``keras_gan.data`` shuffles with its
        seed), so Keras ignores ``shuffle`` for them and warns on every call.
        For those the default here is False, which changes nothing but the
        warning; a ``shuffle`` that is passed is passed on.
        """
        # shuffle is fit's 9th parameter, so args[7] when passed by position.
        if "shuffle" not in kwargs and len(args) < 8 and _orders_itself(x):
            kwargs["shuffle"] = False
        return super().fit(x, *args, **kwargs)

    def _noise(self, step, phase, size):
        return training_noise(
            self._noise_seed, step, phase, size, self.latent_dim,
            self.latent_distribution,
        )  # fmt: skip

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
            # Only conditional GANs name them: unconditional configs (and so
            # the identities of their backups) stay what they were.
            **(
                {"num_classes": self.num_classes, "class_names": self.class_names}
                if self.conditional
                else {}
            ),
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


def _orders_itself(x):
    """Whether Keras's ``fit`` ignores ``shuffle`` for ``x``, with a warning."""
    # Keras's own tests, so this agrees with where it warns.
    return (
        data_adapters.is_tf_dataset(x)
        or data_adapters.is_torch_dataloader(x)
        or data_adapters.is_grain_dataset(x)
        or isinstance(x, types.GeneratorType)
    )

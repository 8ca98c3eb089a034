"""Penalties on the discriminator's input gradients, for any objective.

A penalty is a small serializable object called as ``penalty(discriminator,
real_images, fake_images, draw)``; it returns a float32 scalar to *add* to the
discriminator's loss. ``draw(shape)`` returns float32 U(0, 1) noise and is
supplied by the caller (``keras_gan.noise.uniform_stream``), so the penalty is
a pure function of its inputs and the step. Input gradients come from
``keras_gan.backend.input_gradients``, which keeps them differentiable, so the
penalty trains the discriminator when it is added to the loss inside
``backend.compute_gradients``.

``discriminator_penalty`` sums a list of penalties and applies lazy
regularisation: a penalty with ``every=N`` is computed on one step in N and
multiplied by N (Karras et al. 2020, "Analyzing and Improving the Image
Quality of StyleGAN", Section 4).
"""

import numbers

import keras
from keras import ops

from keras_gan import backend

# Keeps sqrt differentiable where a gradient is exactly zero; far below the
# float32 resolution of any norm near 1, so it changes no value.
_NORM_EPSILON = 1e-12


class Penalty:
    """Base of the penalties: ``every``, configuration and the call protocol.

    A subclass implements ``compute(discriminator, real_images, fake_images,
    noise)`` and, if it is random, ``noise(real_images, draw)``. The noise is
    drawn apart from the computation so that ``discriminator_penalty`` draws it
    on every step, due or not: the number of ``draw`` calls, and so every
    later draw, is then the same eagerly and in graphs.
    """

    def __init__(self, every=1, schedule=None):
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(
                "`every` must be an integer >= 1: the penalty is computed on one "
                f"step in `every` (lazy regularisation). Received: every={every!r}"
            )
        if schedule is not None and not callable(schedule):
            raise ValueError(
                "`schedule` must be None or a callable of the step, e.g. a "
                "keras.optimizers.schedules.LearningRateSchedule that starts at 1. "
                f"Received: schedule={schedule!r}"
            )
        self.every = every
        self.schedule = schedule

    def weight_at(self, step):
        """What the penalty is multiplied by at ``step``: ``schedule(step)``, or 1.

        A schedule anneals the weight over the run (R3GAN decays its gamma);
        a ``keras.optimizers.schedules`` object saves with the GAN.
        """
        if self.schedule is None:
            return 1.0
        return ops.cast(self.schedule(step), "float32")

    def __call__(self, discriminator, real_images, fake_images, draw):
        noise = self.noise(real_images, draw)
        return self.compute(discriminator, real_images, fake_images, noise)

    def noise(self, real_images, draw):
        """The random numbers ``compute`` needs; ``None`` if it needs none."""
        return None

    def compute(self, discriminator, real_images, fake_images, noise):
        raise NotImplementedError

    def get_config(self):
        schedule = self.schedule
        if schedule is not None:
            schedule = keras.saving.serialize_keras_object(schedule)
        return {"every": self.every, "schedule": schedule}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if config.get("schedule") is not None:
            config["schedule"] = keras.saving.deserialize_keras_object(
                config["schedule"]
            )
        return cls(**config)


class _ZeroCentred(Penalty):
    """``gamma / 2 * E ||grad_x D(x)||^2`` on the images ``_images`` picks."""

    def __init__(self, gamma, every=1, schedule=None):
        super().__init__(every, schedule)
        self.gamma = _check_weight("gamma", gamma)

    def compute(self, discriminator, real_images, fake_images, noise):
        images = self._images(real_images, fake_images)
        squared = _squared_gradient_norms(discriminator, images)
        return 0.5 * self.gamma * ops.mean(squared)

    def get_config(self):
        return {**super().get_config(), "gamma": self.gamma}


@keras.saving.register_keras_serializable(package="keras_gan")
class R1(_ZeroCentred):
    """The R1 penalty: ``gamma / 2 * E_x ||grad_x D(x)||^2`` on real images.

    Zero-centred: it pushes D to be flat on the data, which makes the game
    converge locally for any objective. From Mescheder et al. (2018), "Which
    Training Methods for GANs do actually Converge?", Eq. 9.

    Args:
        gamma: weight of the penalty (>= 0); 10 is common at 64x64 and below.
        every: compute it on one step in ``every``, multiplied by ``every``.
        schedule: optional ``schedule(step)`` multiplying the weight (see
            ``Penalty.weight_at``), e.g. a cosine from 1 down to 0.1.

    Examples:
        >>> penalty = R1(gamma=10.0, every=16)
        >>> loss = d_loss + discriminator_penalty([penalty], discriminator, real,
        ...                                       fake, step=step, draw=draw)
    """

    def _images(self, real_images, fake_images):
        return real_images


@keras.saving.register_keras_serializable(package="keras_gan")
class R2(_ZeroCentred):
    """The R2 penalty: ``gamma / 2 * E_z ||grad_x D(G(z))||^2`` on generated images.

    R1's twin on the generator's distribution (Mescheder et al. 2018, Eq. 10);
    R3GAN (Huang et al. 2024) uses both with the relativistic objective.

    Args:
        gamma: weight of the penalty (>= 0).
        every: compute it on one step in ``every``, multiplied by ``every``.
        schedule: optional ``schedule(step)`` multiplying the weight (see
            ``Penalty.weight_at``), e.g. a cosine from 1 down to 0.1.

    Examples:
        >>> penalties = [R1(gamma=1.0), R2(gamma=1.0)]
    """

    def _images(self, real_images, fake_images):
        return fake_images


@keras.saving.register_keras_serializable(package="keras_gan")
class GradientPenalty(Penalty):
    """WGAN-GP: ``weight * E (||grad D(x_hat)|| - 1)^2`` on random interpolates.

    ``x_hat = eps * real + (1 - eps) * fake`` with ``eps ~ U(0, 1)`` per image
    keeps the critic close to 1-Lipschitz between the two distributions, in
    place of WGAN's weight clipping. From Gulrajani et al. (2017), "Improved
    Training of Wasserstein GANs", Algorithm 1. Needs real and fake batches
    of the same size.

    Args:
        weight: lambda, the weight of the penalty (>= 0); the paper uses 10.
        every: compute it on one step in ``every``, multiplied by ``every``.
        schedule: optional ``schedule(step)`` multiplying the weight (see
            ``Penalty.weight_at``), e.g. a cosine from 1 down to 0.1.

    Examples:
        >>> penalty = GradientPenalty(weight=10.0)
        >>> total = penalty(critic, real, fake, uniform_stream(seed, step, 0))
    """

    def __init__(self, weight=10.0, every=1, schedule=None):
        super().__init__(every, schedule)
        self.weight = _check_weight("weight", weight)

    def noise(self, real_images, draw):
        ones = (1,) * (len(real_images.shape) - 1)
        return draw((ops.shape(real_images)[0], *ones))

    def compute(self, discriminator, real_images, fake_images, noise):
        epsilon = ops.cast(noise, real_images.dtype)
        interpolates = epsilon * real_images + (1.0 - epsilon) * fake_images
        squared = _squared_gradient_norms(discriminator, interpolates)
        norms = ops.sqrt(squared + _NORM_EPSILON)
        return self.weight * ops.mean(ops.square(norms - 1.0))

    def get_config(self):
        return {**super().get_config(), "weight": self.weight}


def discriminator_penalty(
    penalties, discriminator, real_images, fake_images, *, step, draw
):
    """The sum of ``penalties`` due at ``step``, each lazily regularised.

    A penalty with ``every=N`` is computed when ``step % N == 0`` and then
    multiplied by N, so on average it weighs what it would on every step
    (Karras et al. 2020), and by its schedule's value at ``step`` if it has
    one. The test is a ``keras.ops.cond``, so ``step`` may be a tensor or
    variable inside a compiled step.

    Args:
        penalties: a list of penalties (``R1``, ``R2``, ``GradientPenalty``);
            empty gives 0.
        discriminator: the model the penalties differentiate, called with
            ``training=True``.
        real_images: the real batch.
        fake_images: the generated batch.
        step: the discriminator's step counter (int, tensor or variable).
        draw: ``draw(shape)`` -> float32 U(0, 1) noise, e.g.
            ``keras_gan.noise.uniform_stream(seed, step, phase)``.

    Examples:
        >>> penalty = discriminator_penalty([R1(10.0, every=16)], discriminator,
        ...                                 real, fake, step=step, draw=draw)
    """
    total = ops.zeros((), "float32")
    for penalty in penalties:
        noise = penalty.noise(real_images, draw)

        def due(penalty=penalty, noise=noise):
            value = penalty.compute(discriminator, real_images, fake_images, noise)
            weight = penalty.every * penalty.weight_at(step)
            return weight * ops.cast(value, "float32")

        if penalty.every == 1:
            total = total + due()
        else:
            is_due = ops.equal(ops.mod(step, penalty.every), 0)
            total = total + backend.cond(is_due, due, lambda: ops.zeros((), "float32"))
    return total


def _squared_gradient_norms(discriminator, images):
    """``||grad_x D(x)||^2`` for each image, in float32."""
    images = ops.convert_to_tensor(images)
    _, gradients = backend.input_gradients(
        lambda inputs: discriminator(inputs, training=True), images
    )
    gradients = ops.cast(gradients, "float32")
    return ops.sum(ops.square(gradients), axis=tuple(range(1, len(images.shape))))


def _check_weight(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0:
        raise ValueError(
            f"`{name}` must be a number >= 0, the weight of the penalty. "
            f"Received: {name}={value!r}"
        )
    return float(value)

"""Named training recipes: small functions that return a compiled GAN.

A recipe is composition, not configuration: it picks networks, an objective,
penalties, a latent distribution and optimizers, and compiles. Each takes the
image shape and, optionally, the training images (some recipes start from
their statistics) and returns a ``keras_gan.GAN`` ready for ``fit`` or
``keras_gan.training.train``.

- ``dcgan``: the package default. DCGAN networks (Radford et al. 2016), the
  non-saturating objective, Adam(2e-4, beta_1=0.5).
- ``paper_mlp``: the paper's exact MNIST recipe (Goodfellow et al. 2014;
  goodfeli/adversarial ``mnist.yaml``).
- ``r3gan``: R3GAN's objective and regularisation (Huang et al. 2024, "The
  GAN is dead; long live the GAN!"): relativistic pairing with R1 and R2,
  Adam with beta_1 = 0, and a ramped EMA, on residual networks without
  normalisation (R3GAN's style; DCGAN networks with ``network="dcgan"``).

Every recipe takes ``num_classes`` (and ``class_names``): with it, the same
recipe builds a conditional GAN of the same networks, taking labels
(``keras_gan.networks.conditioning``). ``keras-gan train --recipe NAME``
builds one; ``build`` is what it calls.
"""

import functools
import inspect

import keras

from keras_gan import ema, networks, optimizers, penalties
from keras_gan.gan import GAN


def dcgan(
    image_shape,
    *,
    images=None,
    network="dcgan",
    width=None,
    latent_dim=100,
    discriminator_steps=1,
    objective="non_saturating",
    ema_decay=None,
    num_classes=None,
    class_names=None,
    seed=None,
    track_gradient_norms=False,
):
    """The default GAN: reference networks and Adam(2e-4, beta_1=0.5).

    Args:
        image_shape: ``(H, W, C)`` of the real images.
        images: unused (the recipes' common signature).
        network: ``"dcgan"``, ``"residual"`` or ``"paper"``
            (``networks.NETWORKS``).
        width: capacity of the DCGAN networks (default 64).
        latent_dim: size of z.
        discriminator_steps: k of Algorithm 1.
        objective: a name in ``losses.LOSSES``.
        ema_decay: keep a moving-average generator with this decay.
        num_classes: classes of a conditional GAN (None: unconditional).
        class_names: their names, saved with the model.
        seed: the noise and data-order seed.
        track_gradient_norms: log the gradient norms.
    """
    del images
    gan = networks.build_gan(
        image_shape, network=network, width=width, latent_dim=latent_dim,
        discriminator_steps=discriminator_steps, objective=objective,
        ema_decay=ema_decay, num_classes=num_classes, class_names=class_names,
        seed=seed,
    )  # fmt: skip
    gan.compile(track_gradient_norms=track_gradient_norms)
    return gan


def paper_mlp(
    image_shape=(28, 28, 1),
    *,
    images=None,
    batch_size=100,
    ema_decay=None,
    num_classes=None,
    class_names=None,
    seed=None,
    track_gradient_norms=False,
):
    """The MNIST recipe of Goodfellow et al. (2014), as its pylearn2 file has it.

    A ReLU MLP generator and a maxout discriminator with the paper's initial
    weights (``networks.paper_mnist_generator``/``_discriminator``), the
    generator's output biases at the training pixel means
    (``networks.init_output_bias``, when ``images`` are given), 100-d latents
    uniform on [-sqrt 3, sqrt 3], k = 1, and for both networks SGD with
    learning rate 0.1 divided by 1.000004 per update (floor 1e-6) and momentum
    rising linearly from 0.5 to 0.7 between epochs 1 and 250. Train it with
    batches of ``batch_size`` = 100.

    Args:
        image_shape: ``(H, W, C)``; the paper's is (28, 28, 1).
        images: training images in [0, 1]: they set the output biases and,
            with ``batch_size``, the length of an epoch (else 500 steps, the
            paper's 50,000 images).
        batch_size: the batch the epochs of the momentum ramp are counted in.
        ema_decay: keep a moving-average generator with this decay.
        num_classes: classes of a conditional GAN (None: unconditional); the
            MLPs then take labels (``networks.conditioning``).
        class_names: their names, saved with the model.
        seed: the noise and data-order seed.
        track_gradient_norms: log the gradient norms.
    """
    classes = {"num_classes": num_classes}
    generator = networks.paper_mnist_generator(100, tuple(image_shape), **classes)
    if images is not None:
        networks.init_output_bias(generator, images)
    steps_per_epoch = 500 if images is None else max(1, len(images) // batch_size)
    gan = GAN(
        generator,
        networks.paper_mnist_discriminator(tuple(image_shape), **classes),
        latent_distribution="uniform",
        ema_decay=ema_decay,
        class_names=class_names,
        seed=seed,
    )
    gan.compile(
        _paper_sgd(steps_per_epoch),
        _paper_sgd(steps_per_epoch),
        track_gradient_norms=track_gradient_norms,
    )
    return gan


def _paper_sgd(steps_per_epoch):
    return optimizers.RampedMomentumSGD(
        optimizers.DecayingLearningRate(0.1, 1.000004, 1e-6),
        momentum=0.5,
        final_momentum=0.7,
        ramp_start=steps_per_epoch,
        ramp_end=250 * steps_per_epoch,
    )


def r3gan(
    image_shape,
    *,
    images=None,
    width=None,
    discriminator_width=None,
    network="residual",
    latent_dim=100,
    gamma=1.0,
    learning_rate=5e-4,
    ema_decay=0.999,
    penalty_every=4,
    total_steps=None,
    final_learning_rate=1.0,
    final_gamma=1.0,
    ema_half_life=0.02,
    num_classes=None,
    class_names=None,
    seed=None,
    track_gradient_norms=False,
):
    """R3GAN: RpGAN + R1 + R2, Adam beta_1 = 0, residual networks.

    The relativistic pairing loss with zero-centred penalties on real (R1)
    and generated (R2) images, gamma/2 each (Huang et al. 2024), Adam with
    betas (0, 0.99) for both networks, and a moving average whose decay ramps
    up (``ema_schedule="ramp"``), on residual networks without normalisation
    (``networks.residual_generator``/``_discriminator``, width 16, 32 on
    colour images). The
    discriminator has no dropout: the penalties regularise it. In
    5-CPU-minute MNIST runs (docs/frontier.md) the residual pair reached a
    moving-average Frechet distance of 2.74 where the DCGAN pair at width 32
    reached 7.28 (1.52 against 5.27 in bfloat16), in fewer but better steps.
    Gamma 1 and learning rate 5e-4 were chosen on DCGAN networks by
    5-CPU-minute MNIST runs (docs/results.md): at learning rate
    2e-4, gamma 1 beat 0.1 (Frechet distance 15.7 against 21.2), and 5e-4
    beat 2e-4 at gamma 0.1 (13.7 against 21.2). The penalties are lazy, on
    one step in 4 (StyleGAN2's lazy regularisation): in 5-CPU-minute MNIST
    runs (docs/frontier.md) that trained 18.8 steps per CPU-second instead of
    14.2 and reached a moving-average Frechet distance of 6.66 instead of
    9.57 (one step in 16: 20.7 steps per CPU-second, 8.09).

    Args:
        image_shape: ``(S, S, C)`` with S divisible by 4.
        images: unused (the recipes' common signature).
        width: capacity of the networks (None: 32 for DCGAN networks; for
            residual ones 16 on one-channel images and 32 on more, which
            Stacked MNIST needed: docs/frontier.md).
        discriminator_width: the discriminator's own width, to split the
            capacity between the networks (None: ``width``).
        network: ``"residual"`` (``networks.residual_generator``/
            ``_discriminator``: ResNet blocks without normalisation, as
            R3GAN's; the default) or ``"dcgan"`` (DCGAN networks without
            dropout, the recipe's networks before 2026-12-06).
        latent_dim: size of z.
        gamma: weight of R1 and R2.
        learning_rate: of both Adam optimizers.
        ema_decay: decay of the moving-average generator when the run's
            length is unknown; with ``total_steps`` the decay comes from
            ``ema_half_life`` instead (None: no average either way).
        penalty_every: lazy regularisation (Karras et al. 2020): R1 and R2
            on one step in this many, weighted this many times more.
        total_steps: the run's planned length (``keras-gan train`` gives the
            steps of its ``--budget-minutes`` or ``--epochs``). With it, the
            schedules are sized to the run: the moving average's half-life
            is ``ema_half_life`` of the run instead of ``ema_decay``'s, and
            with ``final_learning_rate`` < 1 the learning rate follows a
            cosine down to that fraction at the last step (R3GAN anneals its
            rate). None: ``ema_decay`` and a constant rate.
        final_learning_rate: the last step's rate, a fraction of the first.
            1 (no decay) by default: in 5-CPU-minute MNIST runs a cosine to
            0.1 scored worse (docs/frontier.md), the run being far from
            converged when the rate falls.
        final_gamma: with ``total_steps``, R1 and R2's weight follows a
            cosine from ``gamma`` down to this fraction of it at the last
            step (R3GAN anneals gamma); 1: constant. On Stacked MNIST at 30
            CPU-minutes, 0.1 scored KL 0.035-0.041 over six seeds against
            0.035-0.061 over four at 1 (docs/frontier.md): steadier, not lower.
        ema_half_life: the average's half-life, a fraction of
            ``total_steps`` (StyleGAN's ``ema_kimg``, in steps), still ramped
            up early in the run.
        num_classes: classes of a conditional GAN (None: unconditional).
        class_names: their names, saved with the model.
        seed: the noise and data-order seed.
        track_gradient_norms: log the gradient norms.
    """
    del images
    gamma_schedule = None
    if total_steps is not None:
        _check_positive_int("total_steps", total_steps)
        if final_learning_rate != 1.0:
            learning_rate = _cosine_to(
                learning_rate, final_learning_rate, total_steps, "final_learning_rate"
            )
        if final_gamma != 1.0:
            gamma_schedule = _cosine_to(1.0, final_gamma, total_steps, "final_gamma")
        if ema_decay is not None:
            ema_decay = ema.decay_for_half_life(ema_half_life * total_steps)
    generator, discriminator = _r3gan_networks(
        network, latent_dim, tuple(image_shape), width, discriminator_width,
        num_classes,
    )  # fmt: skip
    gan = GAN(
        generator,
        discriminator,
        objective="relativistic",
        penalties=[
            penalties.R1(gamma, every=penalty_every, schedule=gamma_schedule),
            penalties.R2(gamma, every=penalty_every, schedule=gamma_schedule),
        ],
        ema_decay=ema_decay,
        class_names=class_names,
        seed=seed,
    )
    gan.compile(
        _adam(learning_rate), _adam(learning_rate),
        track_gradient_norms=track_gradient_norms,
    )  # fmt: skip
    return gan


def _r3gan_networks(network, latent_dim, shape, width, discriminator_width, classes):
    if network not in ("dcgan", "residual"):
        raise ValueError(
            f"`network` must be 'dcgan' or 'residual'. Received: {network!r}"
        )
    if width is None:
        width = _default_width(network, shape[-1])
    make_generator, make_discriminator = networks.NETWORKS[network]
    if network == "dcgan":  # no dropout: the penalties regularise D
        make_discriminator = functools.partial(make_discriminator, dropout=0.0)
    return (
        make_generator(latent_dim, shape, width=width, num_classes=classes),
        make_discriminator(
            shape, width=discriminator_width or width, num_classes=classes
        ),
    )


def _default_width(network, channels):
    if network == "dcgan":
        return 32
    # Three channels hold three digits on Stacked MNIST: at 16 the channels
    # repeated each other (30 CPU-minutes: KL 0.337; at 32: 0.035-0.061).
    return 16 if channels == 1 else 32


def _adam(learning_rate):
    return optimizers.FusedAdam(learning_rate, beta_1=0.0, beta_2=0.99)


def _cosine_to(start, final_fraction, total_steps, name):
    """A cosine from ``start`` to ``final_fraction`` of it over the run."""
    if not 0.0 <= final_fraction <= 1.0:
        raise ValueError(
            f"`{name}` is a fraction of the first value, in [0, 1]. "
            f"Received: {name}={final_fraction!r}"
        )
    return keras.optimizers.schedules.CosineDecay(
        start, decay_steps=total_steps, alpha=final_fraction
    )


def _check_positive_int(name, value):
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise ValueError(
            f"`{name}` must be a whole number of steps >= 1. Received: {name}={value!r}"
        )


RECIPES = {"dcgan": dcgan, "paper_mlp": paper_mlp, "r3gan": r3gan}
# The batch (m) each recipe was tuned with; the paper trained with 100.
BATCH_SIZES = {"dcgan": 64, "paper_mlp": 100, "r3gan": 64}


def batch_size(name):
    """The batch size ``name`` is meant to be trained with."""
    _recipe(name)
    return BATCH_SIZES[name]


def takes(name, argument):
    """Whether recipe ``name`` takes ``argument``."""
    return argument in inspect.signature(_recipe(name)).parameters


def _recipe(name):
    if name not in RECIPES:
        raise ValueError(
            f"Unknown `recipe`: {name!r}. Expected one of {sorted(RECIPES)}."
        )
    return RECIPES[name]


def build(name, image_shape, **arguments):
    """``RECIPES[name](image_shape, **arguments)``, with clear errors.

    Raises:
        ValueError: an unknown recipe, or an argument the recipe does not take.
    """
    recipe = _recipe(name)
    accepted = set(inspect.signature(recipe).parameters) - {"image_shape"}
    unknown = sorted(set(arguments) - accepted)
    if unknown:
        raise ValueError(
            f"Recipe {name!r} does not take `{unknown[0]}`; it takes "
            f"{', '.join(sorted(accepted))}."
        )
    return recipe(tuple(image_shape), **arguments)


__all__ = [
    "BATCH_SIZES",
    "RECIPES",
    "batch_size",
    "build",
    "dcgan",
    "paper_mlp",
    "r3gan",
    "takes",
]

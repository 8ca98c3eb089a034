"""GAN objectives as pure functions of the discriminator's logits.

Each family is a pair, in TF-GAN's vocabulary: ``<family>_discriminator_loss(
real_logits, fake_logits)`` and ``<family>_generator_loss(fake_logits,
real_logits=None)``. Both return a float32 scalar to *minimise*, averaged over
the batch; only generator losses marked ``needs_real_logits = True``
(relativistic) read ``real_logits``. ``LOSSES`` maps each family's name to its
``(generator_loss, discriminator_loss)`` pair; ``get(name)`` looks one up.

Logits are raw (``D = sigmoid(l)`` for the log-likelihood families) and cast to
float32 first, so the losses are exact under mixed precision. The sigmoid
families are written with ``softplus`` so they stay finite for any logit:

    -log D       = -log sigmoid(l)     = softplus(-l)
    -log (1 - D) = -log sigmoid(-l)    = softplus(l)
"""

import warnings

import keras
from keras import ops

# Registered so that a GAN built with a pair of these functions saves and loads.
_registered = keras.saving.register_keras_serializable(package="keras_gan")


def _as_float32(logits):
    return ops.cast(logits, "float32")


@_registered
def minimax_discriminator_loss(real_logits, fake_logits):
    """The paper's discriminator objective, negated for minimisation.

    D maximises ``log D(x) + log(1 - D(G(z)))`` (Goodfellow et al. 2014,
    Eq. 1), so this returns ``mean(-log D(x)) + mean(-log(1 - D(G(z))))``.
    It is the discriminator loss of both the minimax and non-saturating games.

    Args:
        real_logits: discriminator logits on real images, shape ``(m, 1)``.
        fake_logits: discriminator logits on generated images, ``(m, 1)``.

    Examples:
        >>> float(minimax_discriminator_loss(ops.zeros((4, 1)), ops.zeros((4, 1))))
        1.3862943...
    """
    real_term = ops.mean(ops.softplus(-_as_float32(real_logits)))
    fake_term = ops.mean(ops.softplus(_as_float32(fake_logits)))
    return real_term + fake_term


non_saturating_discriminator_loss = minimax_discriminator_loss


@_registered
def minimax_generator_loss(fake_logits, real_logits=None):
    """The paper's original generator objective: minimise ``log(1 - D(G(z)))``.

    Its gradient vanishes when D confidently rejects the samples, which is the
    usual state early in training (Goodfellow et al. 2014, Section 3). Prefer
    ``non_saturating_generator_loss`` unless reproducing the minimax game.

    Args:
        fake_logits: discriminator logits on generated images.
        real_logits: unused; accepted so all generator losses share a signature.
    """
    return -ops.mean(ops.softplus(_as_float32(fake_logits)))


@_registered
def non_saturating_generator_loss(fake_logits, real_logits=None):
    """The paper's recommended generator objective: maximise ``log D(G(z))``.

    Same fixed point as the minimax game but strong gradients early in
    training (Goodfellow et al. 2014, Section 3). Returns ``mean(-log D(G(z)))``.

    Args:
        fake_logits: discriminator logits on generated images.
        real_logits: unused; accepted so all generator losses share a signature.
    """
    return ops.mean(ops.softplus(-_as_float32(fake_logits)))


@_registered
def hinge_discriminator_loss(real_logits, fake_logits):
    """The hinge discriminator loss: ``mean relu(1 - real) + mean relu(1 + fake)``.

    The objective of SN-GAN, SAGAN and BigGAN; D stops pushing logits once
    they clear the margin of 1. From Lim & Ye (2017), "Geometric GAN".

    Args:
        real_logits: discriminator logits on real images.
        fake_logits: discriminator logits on generated images.

    Examples:
        >>> float(hinge_discriminator_loss([[2.0], [0.0]], [[-3.0], [0.5]]))
        1.25
    """
    real_term = ops.mean(ops.relu(1.0 - _as_float32(real_logits)))
    fake_term = ops.mean(ops.relu(1.0 + _as_float32(fake_logits)))
    return real_term + fake_term


@_registered
def hinge_generator_loss(fake_logits, real_logits=None):
    """The hinge game's generator loss, ``-mean(fake_logits)`` (Lim & Ye 2017).

    Args:
        fake_logits: discriminator logits on generated images.
        real_logits: unused; accepted so all generator losses share a signature.
    """
    return -ops.mean(_as_float32(fake_logits))


@_registered
def wasserstein_discriminator_loss(real_logits, fake_logits):
    """The critic loss of WGAN: ``mean(fake) - mean(real)``.

    An estimate of the negated Wasserstein-1 distance, valid only for a
    1-Lipschitz critic: pair it with ``penalties.GradientPenalty`` (WGAN-GP)
    or spectral normalisation. From Arjovsky et al. (2017), "Wasserstein GAN".

    Args:
        real_logits: critic outputs on real images.
        fake_logits: critic outputs on generated images.

    Examples:
        >>> float(wasserstein_discriminator_loss([[2.0], [0.0]], [[-3.0], [1.0]]))
        -2.0
    """
    return ops.mean(_as_float32(fake_logits)) - ops.mean(_as_float32(real_logits))


# WGAN's generator loss is the hinge game's, -mean(fake) (Arjovsky et al. 2017).
wasserstein_generator_loss = hinge_generator_loss


@_registered
def least_squares_discriminator_loss(real_logits, fake_logits):
    """The LSGAN discriminator loss with targets real 1, fake 0.

    ``0.5 * mean((real - 1)^2) + 0.5 * mean(fake^2)``: Mao et al. (2017),
    "Least Squares Generative Adversarial Networks", Eq. 2 with a=0, b=1.

    Args:
        real_logits: discriminator outputs on real images.
        fake_logits: discriminator outputs on generated images.

    Examples:
        >>> float(least_squares_discriminator_loss([[3.0]], [[-1.0]]))
        2.5
    """
    real_term = 0.5 * ops.mean(ops.square(_as_float32(real_logits) - 1.0))
    fake_term = 0.5 * ops.mean(ops.square(_as_float32(fake_logits)))
    return real_term + fake_term


@_registered
def least_squares_generator_loss(fake_logits, real_logits=None):
    """The LSGAN generator loss ``0.5 * mean((fake - 1)^2)`` (Mao et al. 2017, c=1).

    Args:
        fake_logits: discriminator outputs on generated images.
        real_logits: unused; accepted so all generator losses share a signature.
    """
    return 0.5 * ops.mean(ops.square(_as_float32(fake_logits) - 1.0))


@_registered
def relativistic_discriminator_loss(real_logits, fake_logits):
    """The relativistic pairing loss: ``mean softplus(-(real - fake))``.

    D learns that each real image looks more real than the generated image it
    is paired with (pairs formed index by index, so both batches must have the
    same size). The RpGAN objective of Jolicoeur-Martineau (2019), "The
    relativistic discriminator", as R3GAN (Huang et al. 2024) uses it, where it
    is paired with the R1 and R2 penalties.

    Args:
        real_logits: discriminator logits on real images, shape ``(m, 1)``.
        fake_logits: discriminator logits on generated images, ``(m, 1)``.

    Examples:
        >>> float(relativistic_discriminator_loss([[1.0]], [[1.0]]))
        0.6931471...
    """
    real, fake = _paired(real_logits, fake_logits)
    return ops.mean(ops.softplus(fake - real))


@_registered
def relativistic_generator_loss(fake_logits, real_logits=None):
    """The relativistic generator loss: ``mean softplus(-(fake - real))``.

    The generator's side of ``relativistic_discriminator_loss``: each generated
    image should look more real than its paired real image.

    Args:
        fake_logits: discriminator logits on generated images, ``(m, 1)``.
        real_logits: discriminator logits on the real images paired with them,
            ``(m, 1)``; required.
    """
    if real_logits is None:
        raise ValueError(
            "`relativistic_generator_loss` compares each generated image with a "
            "real one, so it needs `real_logits`, the discriminator's logits on "
            "a real batch of the same size. Received: real_logits=None"
        )
    real, fake = _paired(real_logits, fake_logits)
    return ops.mean(ops.softplus(real - fake))


relativistic_generator_loss.needs_real_logits = True


def _paired(real_logits, fake_logits):
    real, fake = _as_float32(real_logits), _as_float32(fake_logits)
    # Broadcasting (m, 1) against (n, 1) would silently compare all pairs.
    if None not in (real.shape[0], fake.shape[0]) and real.shape != fake.shape:
        raise ValueError(
            "Relativistic losses pair real and fake logits index by index, so "
            "`real_logits` and `fake_logits` must have the same shape. Received: "
            f"real_logits.shape={tuple(real.shape)}, "
            f"fake_logits.shape={tuple(fake.shape)}"
        )
    return real, fake


LOSSES = {
    "minimax": (minimax_generator_loss, minimax_discriminator_loss),
    "non_saturating": (non_saturating_generator_loss, minimax_discriminator_loss),
    "hinge": (hinge_generator_loss, hinge_discriminator_loss),
    "wasserstein": (wasserstein_generator_loss, wasserstein_discriminator_loss),
    "least_squares": (least_squares_generator_loss, least_squares_discriminator_loss),
    "relativistic": (relativistic_generator_loss, relativistic_discriminator_loss),
}


def get(objective):
    """The ``(generator_loss, discriminator_loss)`` pair of ``objective``.

    Args:
        objective: a name in ``LOSSES`` or a pair of loss functions, returned
            as it is.

    Examples:
        >>> generator_loss, discriminator_loss = get("hinge")
    """
    if isinstance(objective, (tuple, list)) and len(objective) == 2:
        if all(callable(function) for function in objective):
            return tuple(objective)
    if isinstance(objective, str) and objective in LOSSES:
        return LOSSES[objective]
    raise ValueError(
        f"Unknown GAN `objective`: {objective!r}. Expected one of {sorted(LOSSES)} "
        "or a pair of functions (generator_loss, discriminator_loss)."
    )


def serialize(objective):
    """A JSON-able form of an objective: its name, or the pair's serializations."""
    if isinstance(objective, str):
        return objective
    return [keras.saving.serialize_keras_object(function) for function in objective]


def deserialize(config):
    """The objective ``serialize`` wrote."""
    if isinstance(config, str):
        return config
    return tuple(keras.saving.deserialize_keras_object(item) for item in config)


def deprecated_generator_loss(generator_loss, objective):
    """``objective``, or the name given to the deprecated ``generator_loss``."""
    if generator_loss is None:
        return objective
    warnings.warn(
        "`generator_loss` is deprecated; pass `objective` (e.g. "
        f"objective={generator_loss!r}), which also sets the discriminator's loss.",
        DeprecationWarning,
        stacklevel=3,
    )
    if generator_loss not in GENERATOR_LOSSES:
        raise ValueError(
            f"Unknown `generator_loss`: {generator_loss!r}. Expected one of "
            f"{sorted(GENERATOR_LOSSES)}; other objectives are set by `objective`."
        )
    return generator_loss


# The generator losses that pair with the paper's discriminator loss, the one
# the GAN trains its discriminator with today.
GENERATOR_LOSSES = {
    name: generator_loss
    for name, (generator_loss, discriminator_loss) in LOSSES.items()
    if discriminator_loss is minimax_discriminator_loss
}


def get_generator_loss(name):
    """Returns the generator loss registered under ``name`` in ``GENERATOR_LOSSES``."""
    if name not in GENERATOR_LOSSES:
        raise ValueError(
            f"Unknown `generator_loss`: {name!r}. Expected one of "
            f"{sorted(GENERATOR_LOSSES)}."
        )
    return GENERATOR_LOSSES[name]

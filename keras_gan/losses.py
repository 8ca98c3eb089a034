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

from keras import ops


def _as_float32(logits):
    return ops.cast(logits, "float32")


def minimax_discriminator_loss(real_logits, fake_logits):
    """The paper's discriminator objective, negated for minimisation.

    D maximises ``log D(x) + log(1 - D(G(z)))`` (Goodfellow et al. 2014,
    Eq. 1), so this returns ``mean(-log D(x)) + mean(-log(1 - D(G(z))))``.
    It is the discriminator loss of both the minimax and non-saturating games.

    Args:
        real_logits: discriminator logits on real images, shape ``(m, 1)``.
        fake_logits: discriminator logits on generated images, ``(m, 1)``.

    Example:
    >>> float(minimax_discriminator_loss(ops.zeros((4, 1)), ops.zeros((4, 1))))
    1.3862943...
    """
    real_term = ops.mean(ops.softplus(-_as_float32(real_logits)))
    fake_term = ops.mean(ops.softplus(_as_float32(fake_logits)))
    return real_term + fake_term


non_saturating_discriminator_loss = minimax_discriminator_loss


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


def non_saturating_generator_loss(fake_logits, real_logits=None):
    """The paper's recommended generator objective: maximise ``log D(G(z))``.

    Same fixed point as the minimax game but strong gradients early in
    training (Goodfellow et al. 2014, Section 3). Returns ``mean(-log D(G(z)))``.

    Args:
        fake_logits: discriminator logits on generated images.
        real_logits: unused; accepted so all generator losses share a signature.
    """
    return ops.mean(ops.softplus(-_as_float32(fake_logits)))


def hinge_discriminator_loss(real_logits, fake_logits):
    """The hinge discriminator loss: ``mean relu(1 - real) + mean relu(1 + fake)``.

    The objective of SN-GAN, SAGAN and BigGAN; D stops pushing logits once
    they clear the margin of 1. From Lim & Ye (2017), "Geometric GAN".

    Args:
        real_logits: discriminator logits on real images.
        fake_logits: discriminator logits on generated images.

    Example:
    >>> float(hinge_discriminator_loss([[2.0], [0.0]], [[-3.0], [0.5]]))
    1.25
    """
    real_term = ops.mean(ops.relu(1.0 - _as_float32(real_logits)))
    fake_term = ops.mean(ops.relu(1.0 + _as_float32(fake_logits)))
    return real_term + fake_term


def hinge_generator_loss(fake_logits, real_logits=None):
    """The hinge game's generator loss, ``-mean(fake_logits)`` (Lim & Ye 2017).

    Args:
        fake_logits: discriminator logits on generated images.
        real_logits: unused; accepted so all generator losses share a signature.
    """
    return -ops.mean(_as_float32(fake_logits))


def wasserstein_discriminator_loss(real_logits, fake_logits):
    """The critic loss of WGAN: ``mean(fake) - mean(real)``.

    An estimate of the negated Wasserstein-1 distance, valid only for a
    1-Lipschitz critic: pair it with ``penalties.GradientPenalty`` (WGAN-GP)
    or spectral normalisation. From Arjovsky et al. (2017), "Wasserstein GAN".

    Args:
        real_logits: critic outputs on real images.
        fake_logits: critic outputs on generated images.

    Example:
    >>> float(wasserstein_discriminator_loss([[2.0], [0.0]], [[-3.0], [1.0]]))
    -2.0
    """
    return ops.mean(_as_float32(fake_logits)) - ops.mean(_as_float32(real_logits))


def wasserstein_generator_loss(fake_logits, real_logits=None):
    """The WGAN generator loss, ``-mean(fake_logits)`` (Arjovsky et al. 2017).

    Args:
        fake_logits: critic outputs on generated images.
        real_logits: unused; accepted so all generator losses share a signature.
    """
    return -ops.mean(_as_float32(fake_logits))


def least_squares_discriminator_loss(real_logits, fake_logits):
    """The LSGAN discriminator loss with targets real 1, fake 0.

    ``0.5 * mean((real - 1)^2) + 0.5 * mean(fake^2)``: Mao et al. (2017),
    "Least Squares Generative Adversarial Networks", Eq. 2 with a=0, b=1.

    Args:
        real_logits: discriminator outputs on real images.
        fake_logits: discriminator outputs on generated images.

    Example:
    >>> float(least_squares_discriminator_loss([[3.0]], [[-1.0]]))
    2.5
    """
    real_term = 0.5 * ops.mean(ops.square(_as_float32(real_logits) - 1.0))
    fake_term = 0.5 * ops.mean(ops.square(_as_float32(fake_logits)))
    return real_term + fake_term


def least_squares_generator_loss(fake_logits, real_logits=None):
    """The LSGAN generator loss ``0.5 * mean((fake - 1)^2)`` (Mao et al. 2017, c=1).

    Args:
        fake_logits: discriminator outputs on generated images.
        real_logits: unused; accepted so all generator losses share a signature.
    """
    return 0.5 * ops.mean(ops.square(_as_float32(fake_logits) - 1.0))


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

    Example:
    >>> float(relativistic_discriminator_loss([[1.0]], [[1.0]]))
    0.6931471...
    """
    real, fake = _paired(real_logits, fake_logits)
    return ops.mean(ops.softplus(fake - real))


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


def get(name):
    """Returns the ``(generator_loss, discriminator_loss)`` pair called ``name``.

    Example:
    >>> generator_loss, discriminator_loss = get("hinge")
    """
    if name not in LOSSES:
        raise ValueError(
            f"Unknown GAN objective: {name!r}. Expected one of {sorted(LOSSES)}."
        )
    return LOSSES[name]


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

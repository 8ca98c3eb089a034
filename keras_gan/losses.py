"""GAN objectives of Goodfellow et al. (2014) as pure functions of logits.

Every function takes the discriminator's raw logits ``l`` (``D = sigmoid(l)``)
and returns a scalar to *minimise*, averaged over the batch. They are written
with ``softplus`` so they stay finite for logits of any magnitude:

    -log D       = -log sigmoid(l)     = softplus(-l)
    -log (1 - D) = -log sigmoid(-l)    = softplus(l)

Logits are cast to float32 first, so the losses are exact under mixed precision.
"""

from keras import ops


def _as_float32(logits):
    return ops.cast(logits, "float32")


def minimax_discriminator_loss(real_logits, fake_logits):
    """The paper's discriminator objective, negated for minimisation.

    D maximises ``log D(x) + log(1 - D(G(z)))`` (Goodfellow et al. 2014,
    Eq. 1), so this returns ``mean(-log D(x)) + mean(-log(1 - D(G(z))))``.

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


def minimax_generator_loss(fake_logits):
    """The paper's original generator objective: minimise ``log(1 - D(G(z)))``.

    Its gradient vanishes when D confidently rejects the samples, which is the
    usual state early in training (Goodfellow et al. 2014, Section 3). Prefer
    ``non_saturating_generator_loss`` unless reproducing the minimax game.

    Args:
        fake_logits: discriminator logits on generated images.
    """
    return -ops.mean(ops.softplus(_as_float32(fake_logits)))


def non_saturating_generator_loss(fake_logits):
    """The paper's recommended generator objective: maximise ``log D(G(z))``.

    Same fixed point as the minimax game but strong gradients early in
    training (Goodfellow et al. 2014, Section 3). Returns ``mean(-log D(G(z)))``.

    Args:
        fake_logits: discriminator logits on generated images.
    """
    return ops.mean(ops.softplus(-_as_float32(fake_logits)))


GENERATOR_LOSSES = {
    "minimax": minimax_generator_loss,
    "non_saturating": non_saturating_generator_loss,
}


def get_generator_loss(name):
    """Returns the generator loss function registered under ``name``."""
    if name not in GENERATOR_LOSSES:
        raise ValueError(
            f"Unknown `generator_loss`: {name!r}. Expected one of "
            f"{sorted(GENERATOR_LOSSES)}."
        )
    return GENERATOR_LOSSES[name]

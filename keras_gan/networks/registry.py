"""Reference networks by name, and ``build_gan``, a GAN of a named pair."""

from keras_gan.gan import GAN
from keras_gan.networks.dcgan import dcgan_discriminator, dcgan_generator
from keras_gan.networks.paper_mlp import (
    paper_mnist_discriminator,
    paper_mnist_generator,
)
from keras_gan.networks.residual import residual_discriminator, residual_generator

NETWORKS = {
    "dcgan": (dcgan_generator, dcgan_discriminator),
    "paper": (paper_mnist_generator, paper_mnist_discriminator),
    "residual": (residual_generator, residual_discriminator),
}
SIZED = ("dcgan", "residual")  # the networks that take a `width`


def build_gan(
    image_shape,
    *,
    network="dcgan",
    latent_dim=100,
    width=None,
    num_classes=None,
    **gan_kwargs,
):
    """A ``GAN`` (not yet compiled) of reference networks for ``image_shape``.

    Args:
        image_shape: ``(H, W, C)`` of the real images.
        network: a name in ``NETWORKS``: ``"dcgan"``, ``"residual"`` (R3GAN
            style, no normalisation) or ``"paper"`` (the paper's MNIST MLPs,
            of fixed size).
        latent_dim: size of z.
        width: capacity of the DCGAN (default 64) or residual (default 16)
            networks.
        num_classes: a number of classes for a conditional GAN (G(z, y) and
            a projection D(x, y)); None: unconditional.
        **gan_kwargs: ``keras_gan.GAN`` arguments (``discriminator_steps``,
            ``seed``, ``ema_decay``, ...).
    """
    if network not in NETWORKS:
        raise ValueError(
            f"Unknown `network`: {network!r}. Expected one of {sorted(NETWORKS)}."
        )
    if width is not None and network not in SIZED:
        raise ValueError(
            f"`width` applies to network={' or '.join(map(repr, SIZED))} only; "
            f"got {network!r}."
        )
    make_generator, make_discriminator = NETWORKS[network]
    sizes = {} if width is None else {"width": width}
    return GAN(
        make_generator(
            latent_dim, tuple(image_shape), num_classes=num_classes, **sizes
        ),
        make_discriminator(tuple(image_shape), num_classes=num_classes, **sizes),
        num_classes=num_classes,
        **gan_kwargs,
    )

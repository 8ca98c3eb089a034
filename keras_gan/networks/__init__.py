"""Reference generators and discriminators, and ``build_gan``.

- ``dcgan``: the DCGAN pair (Radford et al. 2016) for square images.
- ``paper_mlp``: the MNIST MLPs of Goodfellow et al. (2014) and the paper's
  output-bias initialisation.
- ``residual``: a residual pair without normalisation, R3GAN style.
- ``layers``: ``Maxout``, ``SelectLeakyReLU`` (the DCGAN discriminator's),
  spectral normalisation and seeded dropout.
- ``pixels``: the pixel-range convention (``output_range``): a generator
  ending in ``sigmoid`` draws images in [0, 1], one ending in ``tanh`` in
  [-1, 1].
- ``registry``: ``NETWORKS`` by name and ``build_gan``.

Discriminators return one raw logit per image (no sigmoid): the losses work
on logits. The logit layer computes in float32 under mixed precision, so
D(x) never rounds to 0 or 1. A new network is a builder in a module here,
named in ``NETWORKS`` if ``build_gan`` and ``--network`` should know it.
"""

from keras_gan.networks.dcgan import dcgan_discriminator, dcgan_generator
from keras_gan.networks.layers import Maxout, seeded_dropout, spectrally_normalised
from keras_gan.networks.paper_mlp import (
    init_output_bias,
    paper_mnist_discriminator,
    paper_mnist_generator,
)
from keras_gan.networks.pixels import PIXEL_RANGES, output_range
from keras_gan.networks.registry import NETWORKS, build_gan
from keras_gan.networks.residual import residual_discriminator, residual_generator

__all__ = [
    "NETWORKS",
    "PIXEL_RANGES",
    "Maxout",
    "build_gan",
    "dcgan_discriminator",
    "dcgan_generator",
    "init_output_bias",
    "output_range",
    "paper_mnist_discriminator",
    "paper_mnist_generator",
    "residual_discriminator",
    "residual_generator",
    "seeded_dropout",
    "spectrally_normalised",
]

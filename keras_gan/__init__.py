"""keras_gan: generative adversarial networks as ordinary Keras models."""

from keras_gan import data, losses, networks, optimizers
from keras_gan.gan import GAN
from keras_gan.noise import sample_latents

__version__ = "0.1.0"

__all__ = ["GAN", "data", "losses", "networks", "optimizers", "sample_latents"]

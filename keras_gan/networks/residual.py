"""A residual pair without normalisation, in the style of R3GAN's networks.

R3GAN (Huang et al. 2024) drops every normalisation layer and trains ResNets
whose residual branches start at zero (fix-up style initialisation): each
block is the identity at initialisation, so depth does not make the first
steps unstable, and the gradient penalties regularise the discriminator. This
pair applies that to small square images: one residual block per resolution
(S/4 and S/2), nearest-neighbour upsampling and stride-2 convolutions between
them. At ``width=16`` it costs about what the DCGAN pair costs at 32.
"""

import keras
from keras import layers

from keras_gan.networks import conditioning
from keras_gan.networks.dcgan import _square_side


def residual_generator(
    latent_dim=100, image_shape=(28, 28, 1), *, width=16, num_classes=None
):
    """A residual generator without normalisation, images in [-1, 1] (tanh).

    Dense projection to (S/4, S/4, 2*width), a residual block, 2x upsampling
    and a 3x3 convolution to ``width`` channels, a residual block at S/2, 2x
    upsampling and a 3x3 convolution to the image channels; leaky ReLU (0.2)
    between them.

    Args:
        latent_dim: size of the latent vector z.
        image_shape: ``(S, S, C)``, S divisible by 4.
        width: channels at S/2 (twice as many at S/4).
        num_classes: with a number of classes, G(z, y) (as ``dcgan_generator``).
    """
    side, channels = _square_side(image_shape), image_shape[-1]
    start = side // 4
    inputs, latents = conditioning.generator_inputs(latent_dim, num_classes)
    x = layers.Dense(start * start * 2 * width)(latents)
    x = layers.Reshape((start, start, 2 * width))(x)
    x = layers.UpSampling2D(2)(_activation(residual_block(x)))
    x = layers.Conv2D(width, 3, padding="same")(x)
    x = layers.UpSampling2D(2)(_activation(residual_block(x)))
    images = layers.Conv2D(
        channels, 3, padding="same", activation="tanh", name="images"
    )(x)
    return keras.Model(inputs, images, name="residual_generator")


def residual_discriminator(image_shape=(28, 28, 1), *, width=16, num_classes=None):
    """A residual discriminator without normalisation or dropout; one logit.

    A stride-2 4x4 convolution to ``width`` channels (S/2), a residual block,
    a stride-2 convolution to 2*width (S/4), a residual block, one logit.

    Args:
        image_shape: ``(S, S, C)``, S divisible by 4.
        width: channels at S/2 (twice as many at S/4).
        num_classes: with a number of classes, D(x, y) with a projection head.
    """
    _square_side(image_shape)
    images = keras.Input(image_shape, name="images")
    x = images
    for filters in (width, 2 * width):
        x = layers.Conv2D(filters, 4, strides=2, padding="same")(x)
        x = _activation(residual_block(x))
    features = layers.Flatten()(x)
    logits = layers.Dense(1, dtype="float32", name="logits")(features)
    return conditioning.discriminator_model(
        images, features, logits, num_classes, name="residual_discriminator"
    )


def residual_block(x):
    """``x + conv(leaky(conv(leaky(x))))``, the last convolution starting at zero.

    Pre-activation (ResNet v2): nothing acts on the skip path, so with the
    zero start the block is exactly the identity at initialisation (fix-up
    style), which is what lets the networks go without normalisation.
    """
    channels = x.shape[-1]
    branch = layers.Conv2D(channels, 3, padding="same")(_activation(x))
    branch = layers.Conv2D(channels, 3, padding="same", kernel_initializer="zeros")(
        _activation(branch)
    )
    return layers.Add()([x, branch])


def _activation(x):
    return layers.LeakyReLU(0.2)(x)

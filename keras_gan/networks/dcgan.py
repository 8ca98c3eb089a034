"""The DCGAN pair (Radford et al. 2016) for square images of any channel count."""

import keras
from keras import layers

from keras_gan.networks import conditioning
from keras_gan.networks.layers import (
    SelectLeakyReLU,
    seeded_dropout,
    spectrally_normalised,
)


def dcgan_generator(
    latent_dim=100, image_shape=(28, 28, 1), *, width=64, num_classes=None
):
    """A DCGAN generator (Radford et al. 2016) for square images.

    Dense projection to (S/4, S/4, 2*width), then two stride-2 transposed
    convolutions with batch norm and ReLU; ends in tanh, so images are in
    [-1, 1]. Works for any side S divisible by 4 (8, 28, 32, ...) and any
    channel count.

    Args:
        latent_dim: size of the latent vector z.
        image_shape: ``(S, S, C)`` of the generated images.
        width: channel count of the last hidden layer; capacity knob.
        num_classes: with a number of classes, G(z, y): inputs ``[latents,
            labels]``, z joined with a learned class embedding
            (``conditioning.join_class``).
    """
    side, channels = _square_side(image_shape), image_shape[-1]
    start = side // 4
    inputs, latents = conditioning.generator_inputs(latent_dim, num_classes)
    x = layers.Dense(start * start * 2 * width, use_bias=False)(latents)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Reshape((start, start, 2 * width))(x)
    x = layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    images = layers.Conv2DTranspose(
        channels, 4, strides=2, padding="same", activation="tanh", name="images"
    )(x)
    return keras.Model(inputs, images, name="dcgan_generator")


def dcgan_discriminator(
    image_shape=(28, 28, 1),
    *,
    width=64,
    dropout=0.3,
    spectral_norm=False,
    num_classes=None,
):
    """A DCGAN discriminator (Radford et al. 2016) for square images.

    Two stride-2 convolutions with leaky ReLU (slope 0.2) and dropout, then one
    logit. No batch norm: D sees real and generated batches separately, and
    batch statistics would let it tell them apart by the batch, not the image.

    Args:
        image_shape: ``(S, S, C)`` of the images it judges.
        width: channel count of the first convolution; capacity knob.
        dropout: dropout rate after each convolution; 0 for none (when a
            gradient penalty regularises D instead).
        spectral_norm: wrap both convolutions and the logit layer in
            ``keras.layers.SpectralNormalization`` (SN-GAN).
        num_classes: with a number of classes, D(x, y): inputs ``[images,
            labels]`` and a projection head (``conditioning``).
    """
    _square_side(image_shape)
    images = keras.Input(image_shape, name="images")
    x = images
    for filters in (width, 2 * width):
        conv = layers.Conv2D(filters, 4, strides=2, padding="same")
        x = spectrally_normalised(conv, spectral_norm)(x)
        x = SelectLeakyReLU(0.2)(x)  # LeakyReLU(0.2); see SelectLeakyReLU for why
        if dropout:
            x = seeded_dropout(dropout)(x)
    features = layers.Flatten()(x)
    logits = layers.Dense(1, dtype="float32", name="logits")
    logits = spectrally_normalised(logits, spectral_norm)(features)
    return conditioning.discriminator_model(
        images, features, logits, num_classes, name="dcgan_discriminator"
    )


def _square_side(image_shape):
    if len(image_shape) != 3 or image_shape[0] != image_shape[1] or image_shape[0] % 4:
        raise ValueError(
            f"`image_shape` must be (S, S, C) with S divisible by 4 (e.g. (8, 8, 1), "
            f"(28, 28, 1), (32, 32, 3)). Received: image_shape={image_shape}"
        )
    return image_shape[0]

"""The MNIST networks of Goodfellow et al. (2014): a ReLU MLP and a maxout MLP.

Architecture and initialisation from the paper's pylearn2 configuration
(goodfeli/adversarial ``mnist.yaml``).
"""

import keras
import numpy as np
from keras import layers

from keras_gan.networks import conditioning
from keras_gan.networks.layers import Maxout, seeded_dropout, spectrally_normalised
from keras_gan.networks.pixels import PIXEL_RANGES, output_range


def paper_mnist_generator(latent_dim=100, image_shape=(28, 28, 1), *, num_classes=None):
    """The MNIST generator of Goodfellow et al. (2014): a ReLU MLP.

    z -> Dense 1200 ReLU -> Dense 1200 ReLU -> Dense H*W*C sigmoid, reshaped to
    an image in [0, 1], with the paper's initial weights, uniform in
    [-0.05, 0.05] (architecture and initialisation from the paper's pylearn2
    configuration, goodfeli/adversarial ``mnist.yaml``). The paper also
    starts the output biases at the training data's pixel means: see
    ``init_output_bias``.

    With ``num_classes``, G(z, y) (Mirza & Osindero 2014 conditioned these
    MNIST MLPs): inputs ``[latents, labels]``, z joined with a learned class
    embedding before the first layer.
    """
    initializer = keras.initializers.RandomUniform(-0.05, 0.05)
    inputs, latents = conditioning.generator_inputs(latent_dim, num_classes)
    x = layers.Dense(1200, activation="relu", kernel_initializer=initializer)(latents)
    x = layers.Dense(1200, activation="relu", kernel_initializer=initializer)(x)
    x = layers.Dense(
        _num_pixels(image_shape),
        activation="sigmoid",
        kernel_initializer=initializer,
        name="pixels",
    )(x)
    images = layers.Reshape(image_shape, name="images")(x)
    return keras.Model(inputs, images, name="paper_generator")


def init_output_bias(generator, images):
    """Starts a sigmoid generator's output biases at the data's pixel means.

    pylearn2's ``init_sigmoid_bias_from_marginals``, as in the paper: before
    any training the generator draws the mean image, with a black
    background, instead of uniform grey. Without it the paper MLP spends its
    first epochs on speckled grey backgrounds, which the Parzen estimate
    punishes hard.

    Args:
        generator: a model whose last ``Dense`` layer feeds a sigmoid and has
            one unit per pixel (``paper_mnist_generator``).
        images: training images in [0, 1], shape (N, *generator output shape).
    """
    images = np.asarray(images, dtype="float64")
    dense = [layer for layer in generator.layers if isinstance(layer, layers.Dense)]
    if not dense or output_range(generator) != PIXEL_RANGES["sigmoid"]:
        raise ValueError(
            f"`generator` must end in a Dense layer with a sigmoid; "
            f"{generator.name!r} does not."
        )
    pixels = dense[-1].bias.shape[0]
    if images.ndim < 2 or int(np.prod(images.shape[1:])) != pixels:
        raise ValueError(
            f"`images` must hold images of {pixels} values each, as "
            f"{generator.name!r} draws. Received shape {images.shape}."
        )
    if images.min() < 0.0 or images.max() > 1.0:
        raise ValueError(
            "`images` must lie in [0, 1]; received values in "
            f"[{images.min():.3g}, {images.max():.3g}]."
        )
    # Clipped so an always-black pixel gets a large negative logit, not -inf.
    means = np.clip(images.reshape(len(images), -1).mean(axis=0), 1e-3, 1 - 1e-3)
    dense[-1].bias.assign(np.log(means / (1.0 - means)).astype("float32"))


def paper_mnist_discriminator(
    image_shape=(28, 28, 1), *, spectral_norm=False, num_classes=None
):
    """The MNIST discriminator of Goodfellow et al. (2014): a maxout MLP.

    Dropout 0.2 on the input, Maxout(240 x 5) -> dropout 0.5 -> Maxout(240 x 5)
    -> dropout 0.5 -> one logit, with the paper's small initial weights,
    uniform in [-0.005, 0.005].

    Args:
        image_shape: shape of the images it judges.
        spectral_norm: spectrally normalise both maxout layers (their affine
            maps) and the logit layer; not in the paper.
        num_classes: with a number of classes, D(x, y): inputs ``[images,
            labels]`` and a projection head on the second maxout layer's
            features (``conditioning``).
    """
    initializer = keras.initializers.RandomUniform(-0.005, 0.005)
    maxout = {"pieces": 5, "kernel_initializer": initializer}
    images = keras.Input(image_shape, name="images")
    x = layers.Flatten()(images)
    x = seeded_dropout(0.2)(x)
    x = Maxout(240, spectral_norm=spectral_norm, **maxout)(x)
    x = seeded_dropout(0.5)(x)
    x = Maxout(240, spectral_norm=spectral_norm, **maxout)(x)
    features = seeded_dropout(0.5)(x)
    logits = layers.Dense(
        1, dtype="float32", kernel_initializer=initializer, name="logits"
    )
    logits = spectrally_normalised(logits, spectral_norm)(features)
    return conditioning.discriminator_model(
        images, features, logits, num_classes, name="paper_discriminator"
    )


def _num_pixels(image_shape):
    count = 1
    for size in image_shape:
        count *= size
    return count

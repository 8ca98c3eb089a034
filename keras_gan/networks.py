"""Reference generator and discriminator networks.

Pixel-range convention: a generator ending in ``sigmoid`` produces images in
[0, 1], one ending in ``tanh`` produces images in [-1, 1]. ``output_range``
reads the range off a generator, and ``keras_gan.data`` scales real images to
the same range, so D always compares like with like. Discriminators return one
raw logit per image (no sigmoid): the losses work on logits. The logit layer
computes in float32 under mixed precision, so D(x) never rounds to 0 or 1.
"""

import keras
import numpy as np
from keras import layers

from keras_gan.layers import Maxout, spectrally_normalised


def _dropout(rate):
    """Dropout whose masks come from its own seeded state.

    Unseeded, Keras's torch backend draws masks from torch's global generator,
    which no backup holds, so a resumed run would drop other units. A seed
    drawn from numpy's generator (which ``keras.utils.set_random_seed``
    seeds) keeps the masks in the layer's seed state on every backend.
    """
    return layers.Dropout(rate, seed=int(np.random.randint(2**31)))


_RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}


def paper_mnist_generator(latent_dim=100, image_shape=(28, 28, 1)):
    """The MNIST generator of Goodfellow et al. (2014): a ReLU MLP.

    z -> Dense 1200 ReLU -> Dense 1200 ReLU -> Dense H*W*C sigmoid, reshaped to
    an image in [0, 1], with the paper's initial weights, uniform in
    [-0.05, 0.05] (architecture and initialisation from the paper's pylearn2
    configuration, goodfeli/adversarial ``mnist.yaml``). The paper also
    starts the output biases at the training data's pixel means: see
    ``init_output_bias``.
    """
    initializer = keras.initializers.RandomUniform(-0.05, 0.05)
    latents = keras.Input((latent_dim,), name="latents")
    x = layers.Dense(1200, activation="relu", kernel_initializer=initializer)(latents)
    x = layers.Dense(1200, activation="relu", kernel_initializer=initializer)(x)
    x = layers.Dense(
        _num_pixels(image_shape),
        activation="sigmoid",
        kernel_initializer=initializer,
        name="pixels",
    )(x)
    images = layers.Reshape(image_shape, name="images")(x)
    return keras.Model(latents, images, name="paper_generator")


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
    if not dense or output_range(generator) != _RANGES["sigmoid"]:
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


def paper_mnist_discriminator(image_shape=(28, 28, 1), *, spectral_norm=False):
    """The MNIST discriminator of Goodfellow et al. (2014): a maxout MLP.

    Dropout 0.2 on the input, Maxout(240 x 5) -> dropout 0.5 -> Maxout(240 x 5)
    -> dropout 0.5 -> one logit, with the paper's small initial weights,
    uniform in [-0.005, 0.005].

    Args:
        image_shape: shape of the images it judges.
        spectral_norm: spectrally normalise both maxout layers (their affine
            maps) and the logit layer; not in the paper.
    """
    initializer = keras.initializers.RandomUniform(-0.005, 0.005)
    maxout = {"pieces": 5, "kernel_initializer": initializer}
    images = keras.Input(image_shape, name="images")
    x = layers.Flatten()(images)
    x = _dropout(0.2)(x)
    x = Maxout(240, spectral_norm=spectral_norm, **maxout)(x)
    x = _dropout(0.5)(x)
    x = Maxout(240, spectral_norm=spectral_norm, **maxout)(x)
    x = _dropout(0.5)(x)
    logits = layers.Dense(
        1, dtype="float32", kernel_initializer=initializer, name="logits"
    )
    logits = spectrally_normalised(logits, spectral_norm)(x)
    return keras.Model(images, logits, name="paper_discriminator")


def dcgan_generator(latent_dim=100, image_shape=(28, 28, 1), *, width=64):
    """A DCGAN generator (Radford et al. 2016) for square images.

    Dense projection to (S/4, S/4, 2*width), then two stride-2 transposed
    convolutions with batch norm and ReLU; ends in tanh, so images are in
    [-1, 1]. Works for any side S divisible by 4 (8, 28, 32, ...) and any
    channel count.

    Args:
        latent_dim: size of the latent vector z.
        image_shape: ``(S, S, C)`` of the generated images.
        width: channel count of the last hidden layer; capacity knob.
    """
    side, channels = _square_side(image_shape), image_shape[-1]
    start = side // 4
    latents = keras.Input((latent_dim,), name="latents")
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
    return keras.Model(latents, images, name="dcgan_generator")


def dcgan_discriminator(
    image_shape=(28, 28, 1), *, width=64, dropout=0.3, spectral_norm=False
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
    """
    _square_side(image_shape)
    images = keras.Input(image_shape, name="images")
    x = images
    for filters in (width, 2 * width):
        conv = layers.Conv2D(filters, 4, strides=2, padding="same")
        x = spectrally_normalised(conv, spectral_norm)(x)
        x = layers.LeakyReLU(0.2)(x)
        if dropout:
            x = _dropout(dropout)(x)
    x = layers.Flatten()(x)
    logits = layers.Dense(1, dtype="float32", name="logits")
    logits = spectrally_normalised(logits, spectral_norm)(x)
    return keras.Model(images, logits, name="dcgan_discriminator")


NETWORKS = {
    "dcgan": (dcgan_generator, dcgan_discriminator),
    "paper": (paper_mnist_generator, paper_mnist_discriminator),
}


def build_gan(
    image_shape, *, network="dcgan", latent_dim=100, width=None, **gan_kwargs
):
    """A ``GAN`` (not yet compiled) of reference networks for ``image_shape``.

    Args:
        image_shape: ``(H, W, C)`` of the real images.
        network: a name in ``NETWORKS``: ``"dcgan"`` or ``"paper"`` (the
            paper's MNIST MLPs, of fixed size).
        latent_dim: size of z.
        width: capacity of the DCGAN networks (default 64).
        **gan_kwargs: ``keras_gan.GAN`` arguments (``discriminator_steps``,
            ``seed``, ``ema_decay``, ...).
    """
    from keras_gan.gan import GAN  # gan.py sits above this module

    if network not in NETWORKS:
        raise ValueError(
            f"Unknown `network`: {network!r}. Expected one of {sorted(NETWORKS)}."
        )
    if width is not None and network != "dcgan":
        raise ValueError(f"`width` applies to network='dcgan' only; got {network!r}.")
    make_generator, make_discriminator = NETWORKS[network]
    sizes = {} if width is None else {"width": width}
    return GAN(
        make_generator(latent_dim, tuple(image_shape), **sizes),
        make_discriminator(tuple(image_shape), **sizes),
        **gan_kwargs,
    )


def output_range(generator):
    """Returns ``(low, high)``, the pixel range of ``generator``'s images.

    Read from the activation of its last layer that has one: ``sigmoid`` gives
    (0, 1), ``tanh`` gives (-1, 1).
    """
    for layer in reversed(generator.layers):
        activation = getattr(layer, "activation", None)
        name = getattr(activation, "__name__", None)
        if name in _RANGES:
            return _RANGES[name]
        if name not in (None, "linear"):
            break
    raise ValueError(
        f"Cannot tell the pixel range of generator {generator.name!r}: its last "
        "activation is not 'sigmoid' ([0, 1]) or 'tanh' ([-1, 1]). End the "
        "generator with one of them, or pass the range explicitly."
    )


def _num_pixels(image_shape):
    count = 1
    for size in image_shape:
        count *= size
    return count


def _square_side(image_shape):
    if len(image_shape) != 3 or image_shape[0] != image_shape[1] or image_shape[0] % 4:
        raise ValueError(
            f"`image_shape` must be (S, S, C) with S divisible by 4 (e.g. (8, 8, 1), "
            f"(28, 28, 1), (32, 32, 3)). Received: image_shape={image_shape}"
        )
    return image_shape[0]

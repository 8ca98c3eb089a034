"""Reference-network layers: maxout, leaky ReLU, spectral norm, seeded dropout."""

import keras
import numpy as np
from keras import layers, ops


@keras.saving.register_keras_serializable(package="keras_gan")
class Maxout(layers.Layer):
    """Maxout units: the maximum over ``pieces`` affine maps of the input.

    The discriminator unit of Goodfellow et al. (2014), from Goodfellow et al.
    (2013), "Maxout Networks". Equivalent to ``Dense(units * pieces)`` followed
    by a max over each unit's pieces.

    Args:
        units: number of output units.
        pieces: number of linear pieces each unit takes the max over.
        kernel_initializer: initializer of the affine maps.
        spectral_norm: wrap the affine maps, one ``(inputs, units * pieces)``
            kernel, in ``keras.layers.SpectralNormalization``. Its spectral
            norm bounds every piece's, so the unit stays 1-Lipschitz.

    Examples:
        >>> Maxout(240, pieces=5)(keras.ops.ones((2, 784))).shape
        (2, 240)
    """

    def __init__(
        self,
        units,
        pieces=5,
        kernel_initializer="glorot_uniform",
        spectral_norm=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = units
        self.pieces = pieces
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.spectral_norm = spectral_norm

    def build(self, input_shape):
        dense = layers.Dense(
            self.units * self.pieces,
            kernel_initializer=self.kernel_initializer,
            name="affine",
        )
        self.dense = spectrally_normalised(dense, self.spectral_norm)
        self.dense.build(input_shape)

    def call(self, inputs, training=None):
        # `training` reaches spectral normalisation's power iteration.
        affine = self.dense(inputs, training=training)
        pieces = ops.reshape(affine, (-1, self.units, self.pieces))
        return ops.max(pieces, axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "pieces": self.pieces,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "spectral_norm": self.spectral_norm,
        }


def spectrally_normalised(layer, spectral_norm):
    """``layer``, in spectral normalisation if asked (Miyato et al. 2018).

    ``keras.layers.SpectralNormalization`` divides the kernel by its largest
    singular value, estimated by one power iteration per ``training=True``
    call. The wrapper takes the layer's name and dtype policy, so a float32
    logit layer still computes (and returns) float32 under mixed precision.
    """
    if not spectral_norm:
        return layer
    return layers.SpectralNormalization(
        layer, dtype=layer.dtype_policy, name=layer.name
    )


def seeded_dropout(rate):
    """Dropout whose masks come from its own seeded state.

    Unseeded, Keras's torch backend draws masks from torch's global generator,
    which no backup holds, so a resumed run would drop other units. A seed
    drawn from numpy's generator (which ``keras.utils.set_random_seed``
    seeds) keeps the masks in the layer's seed state on every backend.
    """
    return layers.Dropout(rate, seed=int(np.random.randint(2**31)))


@keras.saving.register_keras_serializable(package="keras_gan")
class SelectLeakyReLU(layers.LeakyReLU):
    """``keras.layers.LeakyReLU``, computed as a select on TensorFlow.

    The same values and gradients: ``x`` where ``x > 0``, else
    ``negative_slope * x``. Keras's layer is TensorFlow's ``LeakyRelu`` op,
    whose gradient, ``LeakyReluGrad``, reads the op's input: after a
    convolution, its ``BiasAdd``. With oneDNN on, Grappler's remapper fuses
    Conv2D + BiasAdd + LeakyRelu into one op all the same, then finds the
    gradient reading the ``BiasAdd`` it removed, gives up every fusion of the
    training step and logs ``E0000 ... remapper failed``. A select's gradient
    needs only its mask, so nothing is fused wrongly and Conv2D + BiasAdd
    still fuse. JAX and torch keep Keras's op (the remapper is TensorFlow's,
    and one kernel is cheaper than three in eager torch). The config is
    ``LeakyReLU``'s (``negative_slope``).

    Examples:
        >>> SelectLeakyReLU(0.2)(keras.ops.convert_to_tensor([-1.0, 2.0]))
        [-0.2, 2.0]
    """

    def call(self, inputs):
        if keras.backend.backend() != "tensorflow":
            return super().call(inputs)
        return ops.where(inputs > 0, inputs, inputs * self.negative_slope)

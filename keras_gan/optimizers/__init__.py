"""Optimizers of the two networks, and how a GAN compiles them.

- ``adam``: ``FusedAdam``, Keras's Adam computed by one fused kernel on
  TensorFlow; the GAN's default.
- ``sgd`` and ``schedules``: the paper's SGD with ramped momentum and its
  decaying learning rate.
- ``compiling``: ``TwoOptimizers``, the ``compile`` of a model with a
  generator and a discriminator (one optimizer each, saved with the model).

Below ``keras_gan.gan``: ``GAN.compile`` is ``TwoOptimizers.compile``. A new
optimizer or schedule is one module here, exported below.
"""

from keras_gan.optimizers.adam import FusedAdam
from keras_gan.optimizers.compiling import BothOptimizers, TwoOptimizers, make_optimizer
from keras_gan.optimizers.schedules import DecayingLearningRate
from keras_gan.optimizers.sgd import RampedMomentumSGD

__all__ = [
    "BothOptimizers",
    "DecayingLearningRate",
    "FusedAdam",
    "RampedMomentumSGD",
    "TwoOptimizers",
    "make_optimizer",
]

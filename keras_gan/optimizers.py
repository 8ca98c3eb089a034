"""Adam with TensorFlow's fused update kernel: the GAN's default optimizer.

Keras 3 writes Adam's update as about a dozen element-wise ops per variable
(subtract, multiply, square, sqrt, divide and three assignments), each a pass
over the weights in memory. On a CPU that costs the paper MLP three quarters
as much time as its matrix products (``python tools/profile_step.py``). TensorFlow's
``ResourceApplyAdam`` kernel computes the same update in one pass, with the
same formula:

    alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
    m += (g - m) * (1 - beta_1);  v += (g^2 - v) * (1 - beta_2)
    w -= alpha * m / (sqrt(v) + epsilon)

``FusedAdam`` is ``keras.optimizers.Adam`` with that kernel; everything else
(learning-rate schedules, clipping, weight decay, EMA, gradient accumulation,
loss scaling, tf.distribute, serialization) is Keras's own. Cases the kernel
does not cover (``amsgrad``, sparse gradients, backends other than
TensorFlow) take Keras's element-wise path.

Also here: how ``GAN`` makes its two optimizers (``make_optimizer``); the
losses it gives them are scaled by ``keras_gan.backend.scale_loss``.
"""

import keras
import tensorflow as tf
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gan")
class FusedAdam(keras.optimizers.Adam):
    """``keras.optimizers.Adam`` whose update runs as one fused kernel.

    Takes exactly the arguments of ``keras.optimizers.Adam`` and computes the
    same update (to float32 rounding).

    Example:
    >>> gan.compile(
    ...     generator_optimizer=FusedAdam(2e-4, beta_1=0.5),
    ...     discriminator_optimizer=FusedAdam(2e-4, beta_1=0.5),
    ... )
    """

    def update_step(self, gradient, variable, learning_rate):
        if not self._can_fuse(gradient):
            return super().update_step(gradient, variable, learning_rate)
        dtype = variable.dtype
        index = self._get_variable_index(variable)
        step = ops.cast(self.iterations + 1, dtype)
        beta_1 = ops.cast(self.beta_1, dtype)
        beta_2 = ops.cast(self.beta_2, dtype)
        tf.raw_ops.ResourceApplyAdam(
            var=_handle(variable),
            m=_handle(self._momentums[index]),
            v=_handle(self._velocities[index]),
            beta1_power=ops.power(beta_1, step),
            beta2_power=ops.power(beta_2, step),
            lr=ops.cast(learning_rate, dtype),
            beta1=beta_1,
            beta2=beta_2,
            epsilon=ops.cast(self.epsilon, dtype),
            grad=ops.cast(gradient, dtype),
        )

    def _can_fuse(self, gradient):
        if keras.backend.backend() != "tensorflow" or self.amsgrad:
            return False
        return not isinstance(gradient, tf.IndexedSlices)


def _handle(variable):
    """The resource handle of a Keras or TensorFlow variable.

    Inside ``strategy.extended.update`` a mirrored variable's handle is that
    of the copy on the device being updated.
    """
    if isinstance(variable, keras.Variable):
        variable = variable.value
    return variable.handle


def make_optimizer(optimizer, network, dtype_policy):
    """The optimizer of one network, built for its trainable variables.

    Built at once so that ``fit`` traces once and a loaded checkpoint has
    slot variables to restore into.

    Args:
        optimizer: ``"auto"`` (FusedAdam(2e-4, beta_1=0.5), Radford et al.
            2016), an optimizer name or an instance.
        network: the ``keras.Model`` it updates.
        dtype_policy: the GAN's dtype policy; ``mixed_float16`` wraps the
            optimizer in ``LossScaleOptimizer``.
    """
    if optimizer == "auto":
        optimizer = FusedAdam(learning_rate=2e-4, beta_1=0.5)
    optimizer = keras.optimizers.get(optimizer)
    # Keras wraps only `model.optimizer` for float16; the GAN has two.
    if dtype_policy.name == "mixed_float16" and not isinstance(
        optimizer, keras.optimizers.LossScaleOptimizer
    ):
        optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
    optimizer.build(network.trainable_variables)
    return optimizer

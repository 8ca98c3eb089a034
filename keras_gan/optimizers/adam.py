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
TensorFlow) take Keras's element-wise path, so a ``.keras`` file saved with
it loads on every backend; TensorFlow is imported only on its backend.
"""

import keras
from keras import ops

from keras_gan.utils.requirements import import_tensorflow


@keras.saving.register_keras_serializable(package="keras_gan")
class FusedAdam(keras.optimizers.Adam):
    """``keras.optimizers.Adam`` whose update runs as one fused kernel.

    Takes exactly the arguments of ``keras.optimizers.Adam`` and computes the
    same update (to float32 rounding).

    Examples:
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
        import_tensorflow("FusedAdam").raw_ops.ResourceApplyAdam(
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
        tf = import_tensorflow("FusedAdam")
        return not isinstance(gradient, tf.IndexedSlices)


def _handle(variable):
    """The resource handle of a Keras or TensorFlow variable.

    Inside ``strategy.extended.update`` a mirrored variable's handle is that
    of the copy on the device being updated.
    """
    if isinstance(variable, keras.Variable):
        variable = variable.value
    return variable.handle

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

Also here: how ``GAN`` makes its two optimizers (``make_optimizer``); the
losses it gives them are scaled by ``keras_gan.backend.scale_loss``.
"""

import keras
import numpy as np
from keras import ops

from keras_gan.requirements import import_tensorflow


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


def make_optimizer(optimizer, network, dtype_policy):
    """The optimizer of one network, built for its trainable variables.

    Built at once so that ``fit`` traces once and a loaded checkpoint has
    slot variables to restore into.

    Args:
        optimizer: ``"auto"`` (Adam(2e-4, beta_1=0.5), Radford et al. 2016;
            ``FusedAdam`` on TensorFlow), an optimizer name or an instance.
        network: the ``keras.Model`` it updates.
        dtype_policy: the GAN's dtype policy; ``mixed_float16`` wraps the
            optimizer in ``LossScaleOptimizer``.
    """
    if optimizer == "auto":
        fused = keras.backend.backend() == "tensorflow"
        adam = FusedAdam if fused else keras.optimizers.Adam
        optimizer = adam(learning_rate=2e-4, beta_1=0.5)
    optimizer = keras.optimizers.get(optimizer)
    # Keras wraps only `model.optimizer` for float16; the GAN has two.
    if dtype_policy.name == "mixed_float16" and not isinstance(
        optimizer, keras.optimizers.LossScaleOptimizer
    ):
        optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
    optimizer.build(network.trainable_variables)
    return optimizer


@keras.saving.register_keras_serializable(package="keras_gan")
class DecayingLearningRate(keras.optimizers.schedules.LearningRateSchedule):
    """``max(floor, initial / factor ** step)``: pylearn2's ``ExponentialDecay``.

    The paper's MNIST schedule (goodfeli/adversarial ``mnist.yaml``): 0.1,
    divided by 1.000004 after every update, never below 1e-6.

    Args:
        initial: the rate at step 0.
        factor: the divisor per step (> 0).
        floor: the smallest rate.
    """

    def __init__(self, initial=0.1, factor=1.000004, floor=1e-6):
        if not (initial > 0 and factor > 0 and floor >= 0):
            raise ValueError(
                "`initial` and `factor` must be > 0 and `floor` >= 0. Received: "
                f"initial={initial!r}, factor={factor!r}, floor={floor!r}"
            )
        self.initial, self.factor, self.floor = initial, factor, floor

    def __call__(self, step):
        step = ops.cast(step, "float32")
        rate = self.initial * ops.exp(-step * float(np.log(self.factor)))
        return ops.maximum(ops.cast(self.floor, "float32"), rate)

    def get_config(self):
        return {"initial": self.initial, "factor": self.factor, "floor": self.floor}


@keras.saving.register_keras_serializable(package="keras_gan")
class RampedMomentumSGD(keras.optimizers.SGD):
    """SGD with momentum rising linearly from ``momentum`` to ``final_momentum``.

    pylearn2's ``MomentumAdjustor``, as the paper trained its MNIST MLPs:
    momentum 0.5 until step ``ramp_start``, then linearly up to 0.7 at
    ``ramp_end``, and 0.7 after. The update is Keras's SGD (not Nesterov):
    ``v = mu_t v - lr g; w += v``.

    Args:
        learning_rate: a float or a schedule (e.g. ``DecayingLearningRate``).
        momentum: momentum before ``ramp_start``.
        final_momentum: momentum from ``ramp_end`` on.
        ramp_start: step where the ramp starts (the paper: epoch 1).
        ramp_end: step where it ends (the paper: epoch 250).
        **kwargs: other ``keras.optimizers.SGD`` arguments.

    Example:
    >>> steps = 50_000 // 100  # steps per epoch of the paper's MNIST runs
    >>> RampedMomentumSGD(DecayingLearningRate(), 0.5, 0.7, steps, 250 * steps)
    """

    def __init__(
        self,
        learning_rate=0.1,
        momentum=0.5,
        final_momentum=0.7,
        ramp_start=0,
        ramp_end=1,
        **kwargs,
    ):
        kwargs.pop("nesterov", None)
        super().__init__(learning_rate, momentum=momentum, **kwargs)
        if not 0 <= ramp_start < ramp_end or not 0 <= final_momentum < 1:
            raise ValueError(
                "Expected 0 <= ramp_start < ramp_end and 0 <= final_momentum < 1. "
                f"Received: ramp_start={ramp_start!r}, ramp_end={ramp_end!r}, "
                f"final_momentum={final_momentum!r}"
            )
        self.final_momentum = final_momentum
        self.ramp_start, self.ramp_end = ramp_start, ramp_end

    def momentum_at(self, step):
        """The momentum used by update ``step`` (0-based)."""
        progress = (ops.cast(step, "float32") - self.ramp_start) / (
            self.ramp_end - self.ramp_start
        )
        progress = ops.clip(progress, 0.0, 1.0)
        return self.momentum + (self.final_momentum - self.momentum) * progress

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        velocity = self.momentums[self._get_variable_index(variable)]
        momentum = ops.cast(self.momentum_at(self.iterations), dtype)
        step = ops.multiply(ops.cast(gradient, dtype), ops.cast(learning_rate, dtype))
        self.assign(velocity, ops.subtract(ops.multiply(velocity, momentum), step))
        self.assign_add(variable, velocity)

    def get_config(self):
        config = super().get_config()
        config.pop("nesterov", None)
        return {
            **config,
            "final_momentum": self.final_momentum,
            "ramp_start": self.ramp_start,
            "ramp_end": self.ramp_end,
        }

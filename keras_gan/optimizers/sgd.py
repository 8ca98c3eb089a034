"""The paper's optimizer: SGD whose momentum ramps up over training."""

import keras
from keras import ops


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

    Examples:
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

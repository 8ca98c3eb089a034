"""Learning-rate schedules of the reference recipes."""

import keras
import numpy as np
from keras import ops


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

"""The moving-average generator: a copy of G whose weights trail G's.

Averaging the generator's weights over training steps (Karras et al. 2018,
"Progressive Growing of GANs"; Yazici et al. 2019) gives smoother
and usually better samples than the last weights, at no cost to training:
the average never feeds back into the updates.
"""

import keras
from keras import ops


def copy_generator(generator):
    """A frozen clone of ``generator`` that starts from its current weights.

    Args:
        generator: the ``keras.Model`` to average.

    Returns:
        A non-trainable ``keras.Model`` of the same architecture and weights.
    """
    average = keras.models.clone_model(generator)
    average.set_weights(generator.get_weights())
    average.trainable = False
    return average


def update_moving_average(average, model, decay):
    """One step of the moving average of ``model``'s weights into ``average``.

    For trainable weights ``average = decay * average + (1 - decay) * weight``.
    Non-trainable weights (batch-norm statistics) are copied: they are
    statistics of the current weights' activations, and an average of them
    would describe no network.

    Args:
        average: the model holding the average (see ``copy_generator``).
        model: the model being trained, of the same architecture.
        decay: the weight of the past, in (0, 1); e.g. 0.999.
    """
    decay = ops.cast(decay, "float32")
    # `model.weights` pairs each variable with its trainability; the clone is
    # frozen as a whole, so its own flags say nothing.
    for target, weight in zip(average.weights, model.weights, strict=True):
        if weight.trainable:
            blend = decay * target + (1.0 - decay) * ops.cast(weight, target.dtype)
            target.assign(blend)
        else:
            target.assign(weight)


def decay_for_half_life(steps):
    """The decay whose average halves a step's weight after ``steps`` updates.

    ``0.5 ** (1 / steps)``: StyleGAN's ``ema_kimg`` in steps. A half-life
    sized to the run (a fraction of its planned steps) averages as much of a
    short run as of a long one; a fixed decay (0.999: 693 steps) averages a
    large share of a short run, whose generator is still improving, and lags
    it.

    Args:
        steps: the half-life in generator updates, > 0 (below 1 counts as 1).
    """
    if not steps > 0:
        raise ValueError(
            f"An EMA half-life must be > 0 steps. Received: {steps!r} steps "
            "(`ema_half_life` times `total_steps`)."
        )
    return float(0.5 ** (1.0 / max(steps, 1.0)))


SCHEDULES = ("ramp", "constant")


def decay_at(decay, schedule, updates):
    """The decay of the average's update after ``updates`` generator updates.

    ``"constant"`` is ``decay``. ``"ramp"`` is ``min(decay, (1 + t) / (10 + t))``
    with t = ``updates`` (1 after the first generator step), the ramp of TensorFlow's
    ``ExponentialMovingAverage(num_updates=t)``: early in training the average
    covers about the last tenth of the steps, not the last ``1 / (1 - decay)``
    (1000 for 0.999), which would mostly average the untrained weights
    (StyleGAN2 ramps its half-life for the same reason). It reaches ``decay``
    after ``(10 decay - 1) / (1 - decay)`` updates (8,991 for 0.999).
    """
    decay = ops.cast(decay, "float32")
    if schedule == "constant":
        return decay
    updates = ops.cast(updates, "float32")
    return ops.minimum(decay, (1.0 + updates) / (10.0 + updates))


def check_decay(decay, schedule="constant"):
    """Raises ``ValueError`` unless ``decay`` is None or in (0, 1) and the
    schedule is known."""
    if decay is not None and not 0.0 < decay < 1.0:
        raise ValueError(
            "`ema_decay` must be None or a number in (0, 1), typically 0.999. "
            f"Received: ema_decay={decay!r}"
        )
    if schedule not in SCHEDULES:
        raise ValueError(
            f"`ema_schedule` must be one of {SCHEDULES}. Received: {schedule!r}"
        )

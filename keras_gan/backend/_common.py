"""Seam functions that JAX and torch share: static batch shapes, one worker."""

from keras import ops


def assert_divisible(count, divisor, message):
    """``count``, checked to be divisible by ``divisor`` (raises ``message``).

    On JAX (under jit) and torch a batch's size is a Python int, so the check
    runs when the step is traced or run.
    """
    if int(count) % divisor:
        raise ValueError(message)
    return count


def scale_loss(optimizer, loss):
    """The loss to differentiate: scaled for float16 loss scaling.

    No division by the number of devices: under ``keras.distribution`` (JAX)
    the step sees the global batch, and torch trains on one device.
    """
    return optimizer.scale_loss(loss)


def gradient_norm(optimizer, gradients):
    """Global norm of the gradients of the unscaled mean loss."""
    unscale = scale_loss(optimizer, ops.ones((), "float32"))
    squares = [ops.sum(ops.square(ops.cast(g, "float32"))) for g in gradients]
    return ops.sqrt(sum(squares)) / ops.cast(unscale, "float32")


def in_multi_worker_mode(strategy=None):
    """Multi-worker training is tf.distribute's: never on JAX or torch."""
    return False


def worker_logs(logs):
    """``train_step``'s logs, as every JAX and torch trainer reduces them."""
    return logs

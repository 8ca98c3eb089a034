"""The training-step seam: what differs between Keras backends about a step.

``keras_gan.gan`` and the penalties never call TensorFlow (or JAX, or torch)
directly; they call the few functions here, which come from the module of the
running Keras backend (``keras.backend.backend()``):

- ``compute_gradients(loss_fn, variables, optimizer)``: ``(loss, aux,
  gradients)`` of ``loss, aux = loss_fn()`` with respect to ``variables``,
  the loss scaled for replicas and for float16 loss scaling first.
- ``input_gradients(fn, inputs)``: ``(outputs, gradients)`` of
  ``sum(fn(inputs))`` with respect to ``inputs``, themselves differentiable, so
  a gradient penalty built from them trains the discriminator.
- ``apply_gradients(optimizer, gradients, variables)``.
- ``gradient_norm(optimizer, gradients)``: the global norm of the unscaled
  gradients of one replica's mean loss.
- ``assert_divisible(count, divisor, message)``: ``count`` after a run-time
  check of a batch size that may be unknown while tracing.
- ``scale_loss(optimizer, loss)``: the loss ``compute_gradients``
  differentiates.

Only TensorFlow is implemented so far; see ``backend/tensorflow.py``.
"""

import keras

_NAME = keras.backend.backend()

if _NAME == "tensorflow":
    from keras_gan.backend.tensorflow import (
        apply_gradients,
        assert_divisible,
        compute_gradients,
        gradient_norm,
        input_gradients,
        scale_loss,
    )
else:
    raise ImportError(
        f"keras_gan trains on Keras's TensorFlow backend only so far; "
        f"KERAS_BACKEND is {_NAME!r}. Set KERAS_BACKEND=tensorflow."
    )

__all__ = [
    "apply_gradients",
    "assert_divisible",
    "compute_gradients",
    "gradient_norm",
    "input_gradients",
    "scale_loss",
]

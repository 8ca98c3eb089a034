"""The training-step seam: what differs between Keras backends about a step.

``keras_gan.gan``, the penalties and the noise never call TensorFlow, JAX or
torch directly; they call the few names here, which come from the module of
the running Keras backend (``keras.backend.backend()``): ``tensorflow.py``,
``jax.py`` or ``torch.py``, each with the same interface, as Keras's own
``keras/src/backend/*/trainer.py`` are.

A training step:

- ``StepTrainer``: a mixin of the model class that adapts its stateful
  ``train_step(data)`` to the backend's trainer (jitted through
  ``keras.StatelessScope`` on JAX; nothing to adapt on TensorFlow and torch).
- ``compute_gradients(loss_fn, variables, optimizer)``: ``(loss, aux,
  gradients)`` of ``loss, aux = loss_fn()`` with respect to ``variables``,
  the loss scaled for replicas and for float16 loss scaling first.
- ``input_gradients(fn, inputs)``: ``(outputs, gradients)`` of
  ``sum(fn(inputs))`` with respect to ``inputs``, themselves differentiable, so
  a gradient penalty built from them trains the discriminator.
- ``apply_gradients(optimizer, gradients, variables)``.
- ``cond(pred, true_fn, false_fn)``: ``keras.ops.cond`` for lazy penalties;
  on JAX what a branch assigns (a dropout seed) is discarded.
- ``gradient_norm(optimizer, gradients)``: the global norm of the unscaled
  gradients of one replica's mean loss.
- ``assert_divisible(count, divisor, message)``: ``count`` after a check of a
  batch size that may be unknown while tracing.
- ``scale_loss(optimizer, loss)``: the loss ``compute_gradients``
  differentiates.
- ``sync_state(model)``: makes the model's variables current mid-epoch (JAX
  holds them outside the variables while ``fit`` runs).
- ``worker_logs(logs)``: ``train_step``'s logs in the shape the strategy
  reduces (vectors under tf.distribute's multi-worker strategy), and
  ``in_multi_worker_mode(strategy=None)``.

Counter-based noise (see ``keras_gan.noise``): ``random_key(seed, salt)``,
``fold_in(key, value)``, ``random_bits(shape, key)`` (integers in
[0, 2**32)), ``inverse_normal_cdf(uniform)`` and ``replica_rows(make, shape)``
(this replica's rows of the global batch's noise).
"""

import importlib

import keras

BACKENDS = ("tensorflow", "jax", "torch")
NAME = keras.backend.backend()

if NAME not in BACKENDS:
    raise ImportError(
        f"keras_gan trains on the Keras backends {BACKENDS}; KERAS_BACKEND is "
        f"{NAME!r}. Set KERAS_BACKEND to one of them."
    )

_module = importlib.import_module(f"keras_gan.backend.{NAME}")

StepTrainer = _module.StepTrainer
apply_gradients = _module.apply_gradients
assert_divisible = _module.assert_divisible
compute_gradients = _module.compute_gradients
cond = _module.cond
fold_in = _module.fold_in
gradient_norm = _module.gradient_norm
in_multi_worker_mode = _module.in_multi_worker_mode
input_gradients = _module.input_gradients
inverse_normal_cdf = _module.inverse_normal_cdf
random_bits = _module.random_bits
random_key = _module.random_key
replica_rows = _module.replica_rows
scale_loss = _module.scale_loss
sync_state = _module.sync_state
worker_logs = _module.worker_logs

__all__ = [
    "BACKENDS",
    "NAME",
    "StepTrainer",
    "apply_gradients",
    "assert_divisible",
    "compute_gradients",
    "cond",
    "fold_in",
    "gradient_norm",
    "in_multi_worker_mode",
    "input_gradients",
    "inverse_normal_cdf",
    "random_bits",
    "random_key",
    "replica_rows",
    "scale_loss",
    "sync_state",
    "worker_logs",
]

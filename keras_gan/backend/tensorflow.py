"""The training-step seam on TensorFlow: ``tf.GradientTape`` and tf.distribute."""

import tensorflow as tf
from keras import ops


def scale_loss(optimizer, loss):
    """The loss to differentiate: scaled for replicas and for float16.

    Replica gradients are summed, so each replica's mean loss is divided by the
    replica count (the update is then that of the global batch); under
    mixed_float16 ``scale_loss`` multiplies by the loss scale against underflow.
    Must be called where gradients are recorded (inside ``loss_fn``).
    """
    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    if replicas > 1:
        loss = loss / replicas
    return optimizer.scale_loss(loss)


def compute_gradients(loss_fn, variables, optimizer):
    """``(loss, aux, gradients)`` of ``loss, aux = loss_fn()`` for ``optimizer``."""
    with tf.GradientTape() as tape:
        loss, aux = loss_fn()
        target = scale_loss(optimizer, loss)
    return loss, aux, tape.gradient(target, variables)


def input_gradients(fn, inputs):
    """``(fn(inputs), d sum(fn(inputs)) / d inputs)``, differentiable again.

    Called inside ``compute_gradients``'s ``loss_fn``, the outer tape records
    this inner one, so penalties on these gradients train the network.
    """
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        outputs = fn(inputs)
        total = ops.sum(ops.cast(outputs, "float32"))
    return outputs, tape.gradient(total, inputs)


def cond(pred, true_fn, false_fn):
    """``ops.cond`` (the JAX seam discards what a branch assigns)."""
    return ops.cond(pred, true_fn, false_fn)


def apply_gradients(optimizer, gradients, variables):
    optimizer.apply_gradients(zip(gradients, variables, strict=True))


def gradient_norm(optimizer, gradients):
    """Global norm of the gradients of one replica's unscaled mean loss."""
    unscale = scale_loss(optimizer, tf.constant(1.0))
    return tf.linalg.global_norm(gradients) / unscale


def assert_divisible(count, divisor, message):
    """``count``, once checked at run time to be divisible by ``divisor``.

    Use the returned count: ops computed from it run after the check, so the
    clear ``message`` is raised rather than some later op's shape error.
    """
    check = tf.debugging.assert_equal(count % divisor, 0, message=message)
    with tf.control_dependencies([] if check is None else [check]):
        return tf.identity(count)


class StepTrainer:
    """Keras's TensorFlow trainer runs ``train_step(data)`` in a tf.function."""


def in_multi_worker_mode(strategy=None):
    """Whether ``strategy`` (default: the current one) spans several workers."""
    strategy = strategy or tf.distribute.get_strategy()
    in_mode = getattr(strategy.extended, "_in_multi_worker_mode", lambda: False)
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) and in_mode()


def worker_logs(logs):
    """``train_step``'s logs in the shape every strategy can reduce.

    Keras reduces multi-worker logs with ``reduce(MEAN, axis=0)``, which fails
    on scalars (tensorflow/tensorflow#72388): there they become vectors.
    """
    if in_multi_worker_mode():
        return {name: ops.reshape(value, (1,)) for name, value in logs.items()}
    return logs


def sync_state(model):
    """Variables are always current on TensorFlow."""


# Noise: Philox, counter-based, so a key names the same numbers eagerly, in
# graphs, under XLA and on every replica.


def random_key(seed, salt):
    return tf.cast(tf.stack([seed, salt]), "int64")


def fold_in(key, value):
    return tf.random.experimental.stateless_fold_in(
        key, tf.cast(value, "int64"), alg="philox"
    )


def random_bits(shape, key):
    """uint32 random bits of ``shape``, a pure function of ``key``."""
    return tf.random.stateless_uniform(
        shape, seed=key, minval=None, maxval=None, dtype="uint32", alg="philox"
    )


def inverse_normal_cdf(uniform):
    return tf.math.ndtri(uniform)


def replica_rows(make, shape):
    """``make(shape)`` for this replica: its rows of the global batch's noise.

    So N replicas draw what one device would for the same global batch.
    """
    replica = tf.distribute.get_replica_context()
    replicas = replica.num_replicas_in_sync if replica else 1
    if replicas == 1:
        return make(shape)
    rows = shape[0]
    noise = make((rows * replicas, *shape[1:]))
    start = replica.replica_id_in_sync_group * rows
    return noise[start : start + rows]

"""Where and in which precision training runs: tf.distribute and dtype policies.

Build and compile the GAN inside ``make_strategy(...).scope()`` and it trains
on every replica: losses are scaled for the global batch and each replica
takes its own slice of the global batch's noise (see ``GAN.train_step``).
"""

import os

import keras
import tensorflow as tf

STRATEGIES = ("none", "mirrored", "multi_worker")
PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16")


def make_strategy(distribute="none"):
    """Returns the ``tf.distribute`` strategy named by ``distribute``.

    Args:
        distribute: ``"none"`` (the default strategy: one device),
            ``"mirrored"`` (all local GPUs, or the CPU) or ``"multi_worker"``
            (``MultiWorkerMirroredStrategy``; the cluster comes from the
            ``TF_CONFIG`` environment variable, one process per host).
    """
    if distribute == "none":
        return tf.distribute.get_strategy()
    if distribute == "mirrored":
        return tf.distribute.MirroredStrategy()
    if distribute == "multi_worker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise ValueError(
        f"Unknown `distribute`: {distribute!r}. Expected one of {list(STRATEGIES)}."
    )


def set_precision(precision="float32"):
    """Sets the global Keras dtype policy for networks built afterwards.

    ``mixed_float16`` computes in float16 with float32 weights; the GAN then
    wraps both optimizers in ``LossScaleOptimizer``. ``mixed_bfloat16`` needs
    no loss scaling. Discriminator logits and all losses stay float32.
    """
    if precision not in PRECISIONS:
        raise ValueError(
            f"Unknown `precision`: {precision!r}. Expected one of {list(PRECISIONS)}."
        )
    keras.mixed_precision.set_dtype_policy(precision)


def in_multi_worker_mode(strategy=None):
    """Whether ``strategy`` (default: the current one) spans several workers."""
    strategy = strategy or tf.distribute.get_strategy()
    in_mode = getattr(strategy.extended, "_in_multi_worker_mode", lambda: False)
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) and in_mode()


def make_reproducible(seed):
    """Seeds Keras (weights, dropout) and turns on TensorFlow's op determinism.

    Op determinism turns off XLA auto-clustering and some fast kernels.
    """
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def worker_output_dir(output_dir, strategy):
    """``output_dir``, or ``output_dir/worker_<index>`` for non-chief workers.

    Under ``multi_worker`` every worker trains the same model; only the first
    writes to ``output_dir``, so the others never overwrite its files.
    """
    resolver = getattr(strategy, "cluster_resolver", None)
    task_id = getattr(resolver, "task_id", None) or 0
    if in_multi_worker_mode(strategy) and task_id:
        return os.path.join(output_dir, f"worker_{task_id}")
    return output_dir


def worker_logs(logs):
    """``train_step``'s logs in the shape every strategy can reduce.

    Keras reduces multi-worker logs with ``reduce(MEAN, axis=0)``, which fails
    on scalars (tensorflow/tensorflow#72388): there they become vectors.
    """
    if in_multi_worker_mode():
        return {name: keras.ops.reshape(value, (1,)) for name, value in logs.items()}
    return logs

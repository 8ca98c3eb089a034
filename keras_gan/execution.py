"""Where and in which precision training runs: tf.distribute and dtype policies.

Build and compile the GAN inside ``make_strategy(...).scope()`` and it trains
on every replica: losses are scaled for the global batch and each replica
takes its own slice of the global batch's noise (see ``GAN.train_step``).
"""

import keras
import tensorflow as tf

# Not in TF's public API; Keras reads it from here too.
from tensorflow.python.framework.config import is_op_determinism_enabled

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


def resolve_jit_compile(jit_compile, networks):
    """Decides ``jit_compile="auto"`` for a model made of ``networks``.

    On a CPU, XLA only when no network has a convolution: tools/benchmark.py
    measured XLA speeding up the paper's MLPs and slowing convolutions down.
    On a GPU, "auto" is left to Keras (XLA where every layer supports it). As
    in Keras, no XLA under tf.distribute or with op determinism enabled.
    """
    if jit_compile != "auto" or tf.config.list_physical_devices("GPU"):
        return jit_compile
    if tf.distribute.has_strategy() or is_op_determinism_enabled():
        return False
    convolutions = (keras.layers.Conv2D, keras.layers.Conv2DTranspose)
    return not any(
        isinstance(layer, convolutions)
        for network in networks
        for layer in network._flatten_layers()
    )


def in_multi_worker_mode():
    """Whether training runs on several workers (MultiWorkerMirroredStrategy)."""
    strategy = tf.distribute.get_strategy()
    in_mode = getattr(strategy.extended, "_in_multi_worker_mode", lambda: False)
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) and in_mode()

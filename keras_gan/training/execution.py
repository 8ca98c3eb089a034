"""Where and in which precision training runs: strategies and dtype policies.

Build and compile the GAN inside ``make_strategy(...).scope()`` and it trains
on every replica: losses are scaled for the global batch and each replica
takes its own slice of the global batch's noise (see ``GAN.train_step``).
``mirrored`` and ``multi_worker`` are tf.distribute (TensorFlow backend);
``data_parallel`` is ``keras.distribution.DataParallel`` (JAX backend).
"""

import contextlib
import os
import warnings

import keras

from keras_gan import backend
from keras_gan.utils.requirements import import_tensorflow

STRATEGIES = ("none", "mirrored", "multi_worker", "data_parallel")
PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16", "auto")
# CPU flags of native bfloat16 arithmetic (Linux /proc/cpuinfo names)
BFLOAT16_FLAGS = ("avx512_bf16", "amx_bf16")


class OneDevice:
    """The ``"none"`` strategy off TensorFlow: one device, a scope that does nothing."""

    num_replicas_in_sync = 1

    def scope(self):
        return contextlib.nullcontext()


def make_strategy(distribute="none"):
    """Returns the strategy named by ``distribute``; its ``scope()`` builds the GAN.

    Args:
        distribute: ``"none"`` (one device: TensorFlow's default strategy, a
            ``OneDevice`` on other backends), ``"mirrored"`` (all local GPUs,
            or the CPU), ``"multi_worker"`` (``MultiWorkerMirroredStrategy``;
            the cluster comes from the ``TF_CONFIG`` environment variable,
            one process per host) or ``"data_parallel"`` (JAX: every local
            device, set as the global ``keras.distribution``).
    """
    if distribute not in STRATEGIES:
        raise ValueError(
            f"Unknown `distribute`: {distribute!r}. Expected one of {list(STRATEGIES)}."
        )
    name = keras.backend.backend()
    if distribute == "data_parallel":
        return _data_parallel(name)
    if name != "tensorflow":
        if distribute == "none":
            return OneDevice()
        raise ValueError(
            f"`--distribute {distribute}` is tf.distribute, TensorFlow backend only "
            f"(KERAS_BACKEND is {name!r}); on JAX use --distribute data_parallel."
        )
    tf = import_tensorflow(f"`--distribute {distribute}`")
    if distribute == "none":
        return tf.distribute.get_strategy()
    if distribute == "mirrored":
        return tf.distribute.MirroredStrategy()
    return tf.distribute.MultiWorkerMirroredStrategy()


def _data_parallel(backend_name):
    if backend_name != "jax":
        instead = "mirrored" if backend_name == "tensorflow" else "none"
        raise ValueError(
            "`--distribute data_parallel` is keras.distribution, JAX backend only "
            f"(KERAS_BACKEND is {backend_name!r}); use --distribute {instead}."
        )
    distribution = keras.distribution.DataParallel()  # all local devices
    keras.distribution.set_distribution(distribution)
    return distribution


def set_precision(precision="float32"):
    """Sets the global Keras dtype policy for networks built afterwards.

    ``mixed_float16`` computes in float16 with float32 weights; the GAN then
    wraps both optimizers in ``LossScaleOptimizer``. ``mixed_bfloat16`` needs
    no loss scaling. Discriminator logits and all losses stay float32.
    ``auto`` is ``auto_precision()``: bfloat16 where the CPU computes it
    natively, float32 elsewhere.

    Returns:
        The policy name set.
    """
    if precision not in PRECISIONS:
        raise ValueError(
            f"Unknown `precision`: {precision!r}. Expected one of {list(PRECISIONS)}."
        )
    if precision == "auto":
        precision = auto_precision()
    keras.mixed_precision.set_dtype_policy(precision)
    return precision


def auto_precision(cpu_flags=None):
    """``"mixed_bfloat16"`` where it is native and measured faster, else float32.

    On a CPU with AVX512_BF16 or AMX-BF16 (``BFLOAT16_FLAGS``) TensorFlow's
    oneDNN kernels compute bfloat16 natively: the ``r3gan`` recipe trained
    1.39x the steps per CPU-second and reached a better Frechet distance in
    the same CPU time (docs/frontier.md). Elsewhere bfloat16 is emulated and
    slower, and on JAX and PyTorch's CPU backends it is unmeasured, so those
    keep float32; GPUs keep float32 too (choose a policy explicitly there).

    Args:
        cpu_flags: the CPU's flags; None reads them from /proc/cpuinfo
            (Linux; none elsewhere).
    """
    if keras.backend.backend() != "tensorflow" or _has_gpu():
        return "float32"
    flags = set(_cpu_flags() if cpu_flags is None else cpu_flags)
    return "mixed_bfloat16" if flags & set(BFLOAT16_FLAGS) else "float32"


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as file:
            for line in file:
                if line.startswith("flags"):
                    return line.split(":", 1)[1].split()
    except OSError:
        pass
    return []


def _has_gpu():
    tf = import_tensorflow("Choosing a precision")
    return bool(tf.config.list_physical_devices("GPU"))


def make_reproducible(seed):
    """Seeds Keras (weights, dropout) and asks the backend for deterministic ops.

    TensorFlow: op determinism, which turns off XLA auto-clustering and some
    fast kernels, and one inter-op thread (``serial_tensorflow``). torch:
    ``use_deterministic_algorithms`` in warn-only mode, so an op without a
    deterministic kernel warns instead of stopping the run. JAX gets the seed
    only: its CPU kernels are deterministic already.
    """
    keras.utils.set_random_seed(seed)
    name = keras.backend.backend()
    if name == "tensorflow":
        tf = import_tensorflow("TensorFlow op determinism")
        tf.config.experimental.enable_op_determinism()
        serial_tensorflow(tf)
    elif name == "torch":
        import torch

        torch.use_deterministic_algorithms(True, warn_only=True)


def serial_tensorflow(tf):
    """Runs TensorFlow's independent ops one at a time (one inter-op thread).

    Op determinism is not enough on its own: with two gradient penalties
    (R1 + R2, the r3gan recipe), two SGD steps of a small DCGAN run six at
    a time on 2 cores ended up to 5e-4 away from the same steps run alone in
    10 of 18 runs; run alone, TensorFlow equals JAX and torch to 6e-8. With
    one inter-op thread 0 of 18 differed (with grappler off, 0 of 6), at a
    cost of 0-20% of the r3gan recipe's steps/s on 2 cores (digits).
    TensorFlow fixes its thread pools when it starts: afterwards this warns.
    """
    try:
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:
        warnings.warn(
            "TensorFlow had already started, so its independent ops still run "
            "in parallel and a run with two gradient penalties can differ under "
            "load. For bit-identical runs call make_reproducible before "
            "TensorFlow runs any op, or set TF_NUM_INTEROP_THREADS=1.",
            stacklevel=3,
        )


def worker_output_dir(output_dir, strategy):
    """``output_dir``, or ``output_dir/worker_<index>`` for non-chief workers.

    Under ``multi_worker`` every worker trains the same model; only the first
    writes to ``output_dir``, so the others never overwrite its files.
    ``strategy`` may be None (a model off TensorFlow has none).
    """
    resolver = getattr(strategy, "cluster_resolver", None)
    task_id = getattr(resolver, "task_id", None) or 0
    if backend.in_multi_worker_mode(strategy) and task_id:
        return os.path.join(output_dir, f"worker_{task_id}")
    return output_dir

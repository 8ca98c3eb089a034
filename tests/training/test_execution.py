import os
import subprocess
import sys

import keras
import pytest
import tensorflow as tf

from keras_gan.training import execution


def test_default_strategy_and_errors():
    assert execution.make_strategy("none") is tf.distribute.get_strategy()
    assert execution.make_strategy("mirrored").num_replicas_in_sync == 1
    with pytest.raises(ValueError, match="distribute.*'tpu'.*mirrored"):
        execution.make_strategy("tpu")


def test_set_precision_sets_the_global_policy():
    try:
        execution.set_precision("mixed_bfloat16")
        assert keras.mixed_precision.dtype_policy().name == "mixed_bfloat16"
    finally:
        execution.set_precision("float32")
    with pytest.raises(ValueError, match="precision.*'float8'"):
        execution.set_precision("float8")


def test_auto_precision_is_bfloat16_only_where_the_cpu_computes_it():
    assert execution.auto_precision(["fma", "avx512f", "avx512_bf16"]) == (
        "mixed_bfloat16"
    )
    assert execution.auto_precision(["avx2", "amx_tile", "amx_bf16"]) == (
        "mixed_bfloat16"
    )
    assert execution.auto_precision(["avx2", "avx512f", "fma"]) == "float32"
    assert execution.auto_precision([]) == "float32"
    try:
        chosen = execution.set_precision("auto")
        assert chosen in ("float32", "mixed_bfloat16")
        assert keras.mixed_precision.dtype_policy().name == chosen
        assert chosen == execution.auto_precision()
    finally:
        execution.set_precision("float32")


def test_data_parallel_is_for_jax():
    with pytest.raises(ValueError, match="data_parallel.*JAX backend only.*mirrored"):
        execution.make_strategy("data_parallel")


def test_worker_output_dir_takes_no_strategy():
    assert execution.worker_output_dir("run", None) == "run"


_REPRODUCIBLE = """
import tensorflow as tf
from keras_gan.training import execution
execution.make_reproducible(0)
print(tf.config.threading.get_inter_op_parallelism_threads())
"""


def test_make_reproducible_runs_tensorflow_ops_one_at_a_time():
    # TensorFlow fixes its thread pools when it starts, so in a new process.
    result = subprocess.run(
        [sys.executable, "-c", _REPRODUCIBLE], capture_output=True, text=True,
        env={**os.environ, "KERAS_BACKEND": "tensorflow"}, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["1"]


def test_make_reproducible_warns_once_tensorflow_has_started():
    tf.constant(1.0) + 1.0  # this process's TensorFlow is running
    if tf.config.threading.get_inter_op_parallelism_threads() == 1:
        pytest.skip("this process already runs one inter-op thread")
    with pytest.warns(UserWarning, match="TF_NUM_INTEROP_THREADS=1"):
        execution.serial_tensorflow(tf)

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


def test_data_parallel_is_for_jax():
    with pytest.raises(ValueError, match="data_parallel.*JAX backend only.*mirrored"):
        execution.make_strategy("data_parallel")


def test_worker_output_dir_takes_no_strategy():
    assert execution.worker_output_dir("run", None) == "run"

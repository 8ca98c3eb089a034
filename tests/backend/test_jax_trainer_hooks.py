"""The Keras internals the JAX seam relies on (keras_gan/backend/jax.py).

If Keras changes any of them, these fail with a message naming what moved,
before a training run silently drops optimizer state.
"""

import inspect

import keras
import pytest

pytestmark = [
    pytest.mark.core,
    pytest.mark.skipif(keras.backend.backend() != "jax", reason="JAX trainer"),
]


def _trainer():
    from keras.src.backend.jax.trainer import JAXTrainer

    return JAXTrainer


def test_the_trainer_threads_model_optimizer_variables():
    # BothOptimizers relies on this: the trainer carries (and writes back)
    # `self.optimizer.variables`, so both optimizers' slots must be listed there.
    for method in ("_get_jax_state", "jax_state_sync", "_purge_model_variables"):
        source = inspect.getsource(getattr(_trainer(), method))
        assert "self.optimizer.variables" in source, method


def test_the_step_wrapper_hooks_still_exist():
    trainer = _trainer()
    parameters = inspect.signature(trainer._make_function).parameters
    assert list(parameters)[:2] == ["self", "step_function"]
    assert callable(trainer._get_state_sharding_spec)
    # fit builds the step with make_train_function (StepTrainer overrides it)
    # and calls it with (state, iterator).
    fit = inspect.getsource(trainer.fit)
    assert "self.make_train_function()" in fit
    assert "self.train_function(state, iterator)" in fit


def test_stateless_scope_keeps_its_mapping_by_variable_id():
    variable = keras.Variable(1.0)
    with keras.StatelessScope(state_mapping=[(variable, 2.0)]) as scope:
        variable.assign(3.0)
    assert isinstance(scope.state_mapping, dict)
    assert float(scope.state_mapping[id(variable)]) == 3.0
    assert float(scope.get_current_value(variable)) == 3.0

"""The training-step seam on JAX: pure functions under ``keras.StatelessScope``.

``GAN.train_step`` is written statefully, as Algorithm 1 reads: it calls the
networks, assigns optimizer slots, metrics and the moving average. On JAX the
step must be a pure function of the training state to be jitted, so
``StepTrainer.make_train_function`` runs ``train_step`` inside a
``keras.StatelessScope`` that maps every variable of the state to its traced
value and collects what the step assigns (Keras's own optimizers use the same
scope in ``stateless_apply``). Inside it:

- ``compute_gradients`` differentiates ``loss_fn`` with ``jax.value_and_grad``
  over the values of ``variables``; the values ``loss_fn`` assigns on the way
  (dropout seeds, batch-norm statistics) leave the differentiated function as
  auxiliary outputs and are recorded in the step's scope.
- ``input_gradients`` does the same for the input of a network; nested inside
  ``compute_gradients``, its gradients are differentiable again.

The state Keras's JAX trainer threads through the jitted step is the model's
trainable and non-trainable variables (the EMA generator, dropout seed states
and batch-norm statistics are among the latter), the metrics' variables, and
``model.optimizer.variables``: ``keras_gan.compiling.BothOptimizers`` lists both
optimizers' slots and step counters there, so neither is dropped
(keras-team/keras#18881).
"""

import jax
import numpy as np
from keras import distribution, ops
from keras.src.backend.common import stateless_scope

# Shared by the JAX and torch seams; keras_gan.backend takes them from here.
from keras_gan.backend._common import (  # noqa: F401
    assert_divisible,
    gradient_norm,
    in_multi_worker_mode,
    scale_loss,
    worker_logs,
)


class StepTrainer:
    """Mixin of ``keras.Model`` subclasses whose stateful ``train_step`` is jitted.

    Overrides ``make_train_function``: the one hook into Keras's JAX trainer.
    It builds the step function Keras's ``fit`` calls with ``(state, data)``
    from this model's ``train_step(data)``, and steps through
    ``steps_per_execution`` batches with the trainer's own ``_make_function``.
    """

    def make_train_function(self, force=False):
        if self.train_function is not None and not force:
            return
        step = self._stateless_train_step
        if not self.run_eagerly and self.jit_compile:
            shardings = None
            if distribution.distribution() is not None:
                shardings = (None, self._get_state_sharding_spec())
            step = jax.jit(step, donate_argnums=0, out_shardings=shardings)
        self.train_function = self._make_function(step)

    def _stateless_train_step(self, state, data):
        groups = _state_variables(self)
        mapping = [
            (variable, value)
            for variables, values in zip(groups, state, strict=True)
            for variable, value in zip(variables, values, strict=True)
        ]
        with stateless_scope.StatelessScope(state_mapping=mapping) as scope:
            logs = self.train_step(data)
        new_state = tuple(
            [scope.get_current_value(variable) for variable in variables]
            for variables in groups
        )
        return logs, new_state


def _state_variables(model):
    """The variables of the state Keras's JAX trainer threads, in its order."""
    optimizer_variables = model.optimizer.variables if model.optimizer else []
    return (
        model.trainable_variables,
        model.non_trainable_variables,
        optimizer_variables,
        model.metrics_variables,
    )


def sync_state(model):
    """Writes the trainer's state back into ``model``'s variables.

    Mid-epoch, Keras's JAX trainer holds the state outside the variables;
    callbacks that read weights on a batch end call this first.
    """
    if hasattr(model, "jax_state_sync"):
        model.jax_state_sync()


def _pure(fn, bound):
    """``fn`` as a pure function of the values of the ``bound`` variables.

    Returns ``pure(values, *args) -> (fn(*args), updates)``: ``fn`` runs in a
    scope that sees the enclosing step's current values, with the variables
    in ``bound`` mapped to ``values``; ``updates`` holds what ``fn`` assigned
    to other variables, to be recorded by ``_record`` outside the
    differentiated function (a traced value must not escape it otherwise).
    """
    bound_ids = {id(variable) for variable in bound}

    def pure(values, *args):
        outer = stateless_scope.get_stateless_scope()
        scope = stateless_scope.StatelessScope()
        if outer is not None:
            scope.state_mapping.update(outer.state_mapping)
        before = dict(scope.state_mapping)
        for variable, value in zip(bound, values, strict=True):
            scope.state_mapping[id(variable)] = value
        with scope:
            result = fn(*args)
        updates = {
            key: value
            for key, value in scope.state_mapping.items()
            if key not in bound_ids and before.get(key) is not value
        }
        return result, updates

    return pure


def _record(updates):
    """Records values assigned inside a differentiated function in the step."""
    outer = stateless_scope.get_stateless_scope()
    if outer is not None:
        outer.state_mapping.update(updates)


def compute_gradients(loss_fn, variables, optimizer):
    """``(loss, aux, gradients)`` of ``loss, aux = loss_fn()`` for ``optimizer``."""

    def target():
        loss, aux = loss_fn()
        return scale_loss(optimizer, loss), (loss, aux)

    pure = _pure(target, variables)

    def differentiable(values):
        (scaled, (loss, aux)), updates = pure(values)
        return scaled, (loss, aux, updates)

    values = [variable.value for variable in variables]
    (_, (loss, aux, updates)), gradients = jax.value_and_grad(
        differentiable, has_aux=True
    )(values)
    _record(updates)
    return loss, aux, gradients


def input_gradients(fn, inputs):
    """``(fn(inputs), d sum(fn(inputs)) / d inputs)``, differentiable again."""
    pure = _pure(fn, [])

    def total(images):
        outputs, updates = pure([], images)
        return ops.sum(ops.cast(outputs, "float32")), (outputs, updates)

    (_, (outputs, updates)), gradients = jax.value_and_grad(total, has_aux=True)(inputs)
    _record(updates)
    return outputs, gradients


def cond(pred, true_fn, false_fn):
    """``ops.cond``, with what a branch assigns to variables discarded.

    A branch is traced on its own, so a value it assigns cannot leave it;
    the one such value a penalty's branch assigns is the discriminator's
    dropout seed, which then does not advance on the steps the penalty runs.
    """
    return ops.cond(pred, _discarding_updates(true_fn), _discarding_updates(false_fn))


def _discarding_updates(fn):
    pure = _pure(fn, [])
    return lambda: pure([])[0]


def apply_gradients(optimizer, gradients, variables):
    optimizer.apply(gradients, variables)


# Noise: counter-based threefry keys, pure functions of their integers.


def random_key(seed, salt):
    return jax.random.fold_in(jax.random.PRNGKey(seed), salt)


def fold_in(key, value):
    return jax.random.fold_in(key, ops.cast(value, "uint32"))


def random_bits(shape, key):
    """uint32 random bits of ``shape``, a pure function of ``key``."""
    return jax.random.bits(key, tuple(shape), dtype=np.uint32)


def inverse_normal_cdf(uniform):
    return jax.scipy.special.ndtri(uniform)


def replica_rows(make, shape):
    """``make(shape)``: the step sees the global batch under keras.distribution."""
    return make(shape)

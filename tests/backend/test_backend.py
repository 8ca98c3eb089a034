import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_gan import backend

W = np.array([1.0, -2.0, 3.0], "float32")
X = np.array([[0.5, 1.0, -1.0], [2.0, 0.0, 1.0]], "float32")


def _plain_sgd():
    return keras.optimizers.SGD(learning_rate=0.1)


@pytest.mark.parametrize("traced", [False, True])
def test_compute_gradients_of_a_known_function(traced):
    w = keras.Variable(W)

    def loss_fn():
        # L(w) = sum(w^2) / 2 + 3 w_0, so dL/dw = w + (3, 0, 0).
        loss = ops.sum(w**2) / 2.0 + 3.0 * w[0]
        return loss, w * 2.0

    optimizer = _plain_sgd()

    def run():
        return backend.compute_gradients(loss_fn, [w], optimizer)

    loss, aux, (gradient,) = tf.function(run)() if traced else run()
    assert float(loss) == pytest.approx(7.0 + 3.0)
    np.testing.assert_allclose(aux, 2.0 * W)
    np.testing.assert_allclose(gradient, W + [3.0, 0.0, 0.0], rtol=1e-6)


def test_compute_gradients_scales_for_float16_but_returns_the_loss():
    w = keras.Variable(W)
    optimizer = keras.optimizers.LossScaleOptimizer(_plain_sgd(), initial_scale=8.0)
    loss, _, (gradient,) = backend.compute_gradients(
        lambda: (ops.sum(w), None), [w], optimizer
    )
    assert float(loss) == pytest.approx(2.0)
    np.testing.assert_allclose(gradient, [8.0, 8.0, 8.0])
    # gradient_norm undoes the scale: ||(1, 1, 1)|| = sqrt(3).
    assert float(backend.gradient_norm(optimizer, [gradient])) == pytest.approx(
        np.sqrt(3.0), rel=1e-6
    )


def test_input_gradients_is_the_closed_form():
    w = keras.Variable(W)
    outputs, gradients = backend.input_gradients(
        lambda x: ops.sum(w * x, axis=1), ops.convert_to_tensor(X)
    )
    np.testing.assert_allclose(outputs, X @ W, rtol=1e-6)
    # d/dx sum_i w.x_i = w for every row.
    np.testing.assert_allclose(gradients, np.stack([W, W]), rtol=1e-6)


def test_input_gradients_can_be_differentiated_again():
    w = keras.Variable(W)

    def loss_fn():
        # D(x) = sum(w * x^2): dD/dx = 2 w x, ||.||^2 summed over rows =
        # 4 sum_i sum_j w_j^2 x_ij^2, whose gradient in w is 8 w_j sum_i x_ij^2.
        _, gradients = backend.input_gradients(
            lambda x: ops.sum(w * x**2, axis=1), ops.convert_to_tensor(X)
        )
        return ops.sum(gradients**2), None

    penalty, _, (gradient,) = backend.compute_gradients(loss_fn, [w], _plain_sgd())
    squares = (X**2).sum(axis=0)
    assert float(penalty) == pytest.approx(4.0 * (W**2 * squares).sum(), rel=1e-6)
    np.testing.assert_allclose(gradient, 8.0 * W * squares, rtol=1e-6)


def test_apply_gradients_steps_the_variables():
    w = keras.Variable(W)
    optimizer = _plain_sgd()
    optimizer.build([w])
    backend.apply_gradients(optimizer, [ops.ones(3)], [w])
    np.testing.assert_allclose(w.numpy(), W - 0.1, rtol=1e-6)
    assert int(optimizer.iterations) == 1


def test_gradient_norm_is_the_global_norm():
    gradients = [ops.convert_to_tensor([3.0, 0.0]), ops.convert_to_tensor([[4.0]])]
    assert float(backend.gradient_norm(_plain_sgd(), gradients)) == pytest.approx(5.0)


_TWO_REPLICAS = """
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
halves = [tf.config.LogicalDeviceConfiguration()] * 2
tf.config.set_logical_device_configuration(cpu, halves)
import keras
from keras_gan import backend
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    optimizer = keras.optimizers.SGD()
scaled = strategy.run(lambda: backend.scale_loss(optimizer, tf.constant(6.0)))
print("scaled", sorted(float(v) for v in strategy.experimental_local_results(scaled)))
"""


def test_scale_loss_divides_each_replica_loss_by_the_replica_count():
    # Logical devices must be set before TensorFlow starts: a fresh process.
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", _TWO_REPLICAS],
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "scaled [3.0, 3.0]" in result.stdout
    assert float(backend.scale_loss(_plain_sgd(), tf.constant(6.0))) == 6.0


def test_assert_divisible_raises_when_run():
    check = tf.function(
        lambda n: backend.assert_divisible(n, 3, "not divisible"),
        input_signature=[tf.TensorSpec((), "int32")],
    )
    assert int(check(tf.constant(6))) == 6
    with pytest.raises(tf.errors.InvalidArgumentError, match="not divisible"):
        check(tf.constant(7))

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan.optimizers import FusedAdam


def _train(optimizer, gradients, run_eagerly):
    """Applies `gradients` in turn to one variable; returns its value, m and v."""
    variable = keras.Variable(np.linspace(-1.0, 1.0, 12).reshape(3, 4), dtype="float32")
    optimizer.build([variable])

    def apply(gradient):
        optimizer.apply_gradients([(gradient, variable)])

    step = apply if run_eagerly else tf.function(apply)
    for gradient in gradients:
        step(tf.constant(gradient, "float32"))
    slots = [slot.numpy() for slot in optimizer.variables[2:]]  # iterations, lr
    return variable.numpy(), slots


@pytest.mark.parametrize("run_eagerly", [True, False])
@pytest.mark.parametrize(
    "options",
    [
        {"learning_rate": 0.1, "beta_1": 0.5},
        {"learning_rate": keras.optimizers.schedules.ExponentialDecay(0.1, 2, 0.5)},
        {"learning_rate": 0.05, "clipnorm": 0.1, "weight_decay": 0.01},
        {"learning_rate": 0.05, "amsgrad": True},  # Keras's element-wise path
    ],
    ids=["constant", "schedule", "clip+decay", "amsgrad"],
)
def test_fused_adam_matches_keras_adam(options, run_eagerly):
    gradients = np.random.default_rng(0).normal(size=(5, 3, 4)).astype("float32")
    expected, expected_slots = _train(keras.optimizers.Adam(**options), gradients, True)
    value, slots = _train(FusedAdam(**options), gradients, run_eagerly)
    # Values move by ~0.1 per step: a wrong formula differs at the 1e-2 level;
    # the fused kernel rounds in another order (3e-6 seen after 5 steps).
    np.testing.assert_allclose(value, expected, rtol=1e-5, atol=1e-5)
    for slot, expected_slot in zip(slots, expected_slots, strict=True):
        np.testing.assert_allclose(slot, expected_slot, rtol=1e-5, atol=1e-7)
    assert not np.allclose(value, np.linspace(-1.0, 1.0, 12).reshape(3, 4), atol=0.1)


def test_fused_adam_round_trips_through_config():
    optimizer = FusedAdam(3e-4, beta_1=0.5, beta_2=0.99, epsilon=1e-6)
    restored = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert type(restored) is FusedAdam
    assert restored.get_config() == optimizer.get_config()


def test_decaying_learning_rate_golden_values():
    from keras_gan.optimizers import DecayingLearningRate

    schedule = DecayingLearningRate(0.1, 1.000004, 1e-6)
    for step, expected in (
        (0, 0.1),
        (1, 0.1 / 1.000004),
        (250_000, 0.1 / 1.000004**250_000),
    ):
        np.testing.assert_allclose(float(schedule(step)), expected, rtol=1e-5)
    assert float(schedule(10**8)) == np.float32(1e-6)  # the floor
    again = DecayingLearningRate.from_config(schedule.get_config())
    assert float(again(1000)) == float(schedule(1000))


def test_ramped_momentum_sgd_ramps_and_updates_like_sgd():
    from keras_gan.optimizers import RampedMomentumSGD

    optimizer = RampedMomentumSGD(0.1, 0.5, 0.7, ramp_start=10, ramp_end=20)
    for step, expected in ((0, 0.5), (10, 0.5), (15, 0.6), (20, 0.7), (99, 0.7)):
        np.testing.assert_allclose(
            float(optimizer.momentum_at(step)), expected, rtol=1e-6
        )
    weight = keras.Variable(np.array([1.0, -2.0], "float32"))
    optimizer.build([weight])
    velocity, expected = np.zeros(2), np.array([1.0, -2.0])
    for step in range(3):
        gradient = np.array([0.5, 1.0], "float32") * (step + 1)
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(gradient), weight)])
        velocity = 0.5 * velocity - 0.1 * gradient  # momentum 0.5 before step 10
        expected = expected + velocity
    np.testing.assert_allclose(weight.numpy(), expected, rtol=1e-6)
    again = RampedMomentumSGD.from_config(optimizer.get_config())
    assert (again.final_momentum, again.ramp_start, again.ramp_end) == (0.7, 10, 20)
    with pytest.raises(ValueError, match="ramp_start < ramp_end"):
        RampedMomentumSGD(ramp_start=5, ramp_end=5)

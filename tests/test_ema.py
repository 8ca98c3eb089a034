import keras
import numpy as np
import pytest
from conftest import tensorflow_only
from keras import ops

from keras_gan import ema

pytestmark = pytest.mark.core


def _batch_norm_net():
    inputs = keras.Input((2,))
    outputs = keras.layers.BatchNormalization()(keras.layers.Dense(2)(inputs))
    return keras.Model(inputs, outputs)


def test_copy_starts_equal_and_is_independent():
    model = _batch_norm_net()
    average = ema.copy_generator(model)
    assert average is not model and not average.trainable
    for got, expected in zip(average.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(got, expected)
    model.layers[1].kernel.assign(np.ones((2, 2), "float32"))
    assert not np.array_equal(
        ops.convert_to_numpy(average.layers[1].kernel), np.ones((2, 2))
    )


def test_update_blends_trainable_weights_by_the_formula():
    model = _batch_norm_net()
    average = ema.copy_generator(model)
    dense, average_dense = model.layers[1], average.layers[1]
    average_dense.kernel.assign([[1.0, 2.0], [3.0, 4.0]])
    dense.kernel.assign([[5.0, 6.0], [7.0, 8.0]])
    ema.update_moving_average(average, model, 0.9)
    # 0.9 * 1 + 0.1 * 5 = 1.4, 0.9 * 2 + 0.1 * 6 = 2.4, ... by hand.
    np.testing.assert_allclose(
        ops.convert_to_numpy(average_dense.kernel), [[1.4, 2.4], [3.4, 4.4]], rtol=1e-6
    )
    ema.update_moving_average(average, model, 0.9)
    # 0.9 * 1.4 + 0.1 * 5 = 1.76
    assert ops.convert_to_numpy(average_dense.kernel)[0, 0] == pytest.approx(
        1.76, rel=1e-6
    )
    # The model itself is untouched.
    np.testing.assert_array_equal(
        ops.convert_to_numpy(dense.kernel), [[5.0, 6.0], [7.0, 8.0]]
    )


def test_non_trainable_statistics_are_copied_not_averaged():
    model = _batch_norm_net()
    average = ema.copy_generator(model)
    norm, average_norm = model.layers[2], average.layers[2]
    average_norm.moving_mean.assign([10.0, 20.0])
    norm.moving_mean.assign([1.0, 2.0])
    norm.moving_variance.assign([3.0, 4.0])
    norm.gamma.assign([2.0, 2.0])  # trainable: averaged with the copy's ones
    ema.update_moving_average(average, model, 0.75)
    np.testing.assert_array_equal(
        ops.convert_to_numpy(average_norm.moving_mean), [1.0, 2.0]
    )
    np.testing.assert_array_equal(
        ops.convert_to_numpy(average_norm.moving_variance), [3.0, 4.0]
    )
    np.testing.assert_allclose(ops.convert_to_numpy(average_norm.gamma), [1.25, 1.25])


@tensorflow_only
def test_update_works_inside_a_traced_function():
    import tensorflow as tf

    model = _batch_norm_net()
    average = ema.copy_generator(model)
    average.layers[1].bias.assign([0.0, 0.0])
    model.layers[1].bias.assign([1.0, -1.0])
    tf.function(lambda: ema.update_moving_average(average, model, 0.5))()
    np.testing.assert_allclose(
        ops.convert_to_numpy(average.layers[1].bias), [0.5, -0.5]
    )


@pytest.mark.parametrize("decay", [0.0, 1.0, -0.5, 2])
def test_decay_outside_the_open_unit_interval_is_refused(decay):
    with pytest.raises(ValueError, match=f"ema_decay={decay!r}"):
        ema.check_decay(decay)
    ema.check_decay(None)


def test_a_half_life_gives_the_decay_that_halves_a_weight_in_that_many_steps():
    # 0.999 halves a step's weight in ln 0.5 / ln 0.999 = 692.8 updates.
    np.testing.assert_allclose(ema.decay_for_half_life(692.8), 0.999, atol=1e-7)
    decay = ema.decay_for_half_life(250)
    np.testing.assert_allclose(decay**250, 0.5, rtol=1e-12)
    assert ema.decay_for_half_life(0.25) == 0.5  # below one step counts as one


@pytest.mark.parametrize("steps", [0, -3.0])
def test_a_half_life_of_no_steps_is_refused(steps):
    with pytest.raises(
        ValueError, match=f"half-life must be > 0 steps. Received: {steps}"
    ):
        ema.decay_for_half_life(steps)

import numpy as np
import pytest
import tensorflow as tf

from keras_gan.data import minibatches


def test_split_hands_each_update_its_own_consecutive_images():
    batch = np.arange(6 * 2, dtype="float32").reshape(6, 2, 1, 1)
    parts = minibatches.split(tf.constant(batch), 3, (2, 1, 1))
    assert len(parts) == 3
    for index, part in enumerate(parts):
        np.testing.assert_array_equal(part, batch[2 * index : 2 * index + 2])


def test_split_names_wrong_shapes_and_sizes():
    with pytest.raises(ValueError, match=r"shape \(3, 1, 1\).*expects \(2, 1, 1\)"):
        minibatches.split(tf.zeros((4, 3, 1, 1)), 2, (2, 1, 1))
    with pytest.raises(ValueError, match="batch of 5 real images.*steps=2"):
        minibatches.split(tf.zeros((5, 2, 1, 1)), 2, (2, 1, 1))
    with pytest.raises(ValueError, match="discriminator_steps=0"):
        minibatches.check_discriminator_steps(0)


def test_a_batch_size_unknown_while_tracing_is_checked_when_run():
    split = tf.function(
        lambda batch: minibatches.split(batch, 2, (2, 1, 1)),
        input_signature=[tf.TensorSpec((None, 2, 1, 1), "float32")],
    )
    assert len(split(tf.zeros((4, 2, 1, 1)))) == 2
    with pytest.raises(tf.errors.InvalidArgumentError, match="batch of \\? real"):
        split(tf.zeros((5, 2, 1, 1)))

import numpy as np
import tensorflow as tf

from keras_gan.noise import (
    sample_latents,
    standard_normal,
    training_noise,
    uniform_from_bits,
)


def test_noise_is_the_same_under_xla_and_standard_normal():
    seed = tf.constant([5, 9], "int64")
    eager = standard_normal((20000,), seed).numpy()
    xla = tf.function(standard_normal, jit_compile=True)((20000,), seed).numpy()
    # Equal up to the ulps of two ndtri implementations (largest in the tails).
    np.testing.assert_allclose(eager, xla, rtol=5e-6, atol=1e-6)
    assert abs(eager.mean()) < 0.03 and abs(eager.std() - 1) < 0.03
    # Fourth moment of N(0, 1) is 3: checks the shape, not just the scale.
    assert abs((eager**4).mean() - 3) < 0.15


def test_extreme_random_bits_give_finite_noise():
    # With 24 bits, all-ones rounded to exactly 1.0 and ndtri(1.0) = inf.
    bits = tf.constant([0, 1, 2**31, 2**32 - 1], "uint32")
    uniform = uniform_from_bits(bits).numpy()
    assert np.all((uniform > 0) & (uniform < 1))
    assert np.all(np.isfinite(tf.math.ndtri(uniform).numpy()))


def test_training_noise_is_a_pure_function_of_seed_step_and_phase():
    first = training_noise(1, tf.constant(5), 0, 4, 3).numpy()
    np.testing.assert_array_equal(first, training_noise(1, tf.constant(5), 0, 4, 3))
    for other in (training_noise(2, 5, 0, 4, 3), training_noise(1, 6, 0, 4, 3),
                  training_noise(1, 5, 1, 4, 3), sample_latents(4, 3, 1)):  # fmt: skip
        assert not np.allclose(first, other)

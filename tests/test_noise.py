import numpy as np
import pytest
import tensorflow as tf

from keras_gan.noise import (
    check_truncation,
    interpolate,
    sample_latents,
    standard_normal,
    training_noise,
    truncate,
    uniform_from_bits,
    uniform_stream,
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


def _three_draws(seed, step, phase):
    draw = uniform_stream(seed, step, phase)
    return draw((64, 3)), draw((64, 3)), draw((2, 1, 1, 1))


def test_uniform_stream_is_reproducible_and_each_key_differs():
    first, second, small = [x.numpy() for x in _three_draws(3, tf.constant(7), 1)]
    again = [x.numpy() for x in _three_draws(3, 7, 1)]
    for got, expected in zip(again, (first, second, small), strict=True):
        np.testing.assert_array_equal(got, expected)
    assert small.shape == (2, 1, 1, 1) and small.dtype == np.float32
    # The i-th call, the step, the phase and the seed each change the noise.
    others = [second, _three_draws(3, 8, 1)[0], _three_draws(3, 7, 2)[0],
              _three_draws(4, 7, 1)[0], training_noise(3, 7, 1, 64, 3)]  # fmt: skip
    for other in others:
        assert not np.allclose(first, other)


def test_uniform_stream_draws_uniforms_strictly_inside_the_unit_interval():
    noise = uniform_stream(0, 0, 0)((100000,)).numpy()
    assert noise.min() > 0 and noise.max() < 1
    assert abs(noise.mean() - 0.5) < 0.005 and abs(noise.var() - 1 / 12) < 0.002


def test_uniform_stream_is_the_same_eagerly_in_graphs_and_under_xla():
    eager = [x.numpy() for x in _three_draws(5, tf.constant(11), 0)]
    for jit_compile in (False, True):
        compiled = tf.function(_three_draws, jit_compile=jit_compile)
        got = compiled(tf.constant(5), tf.constant(11), tf.constant(0))
        for value, expected in zip(got, eager, strict=True):
            np.testing.assert_array_equal(value.numpy(), expected)


def test_uniform_stream_accepts_a_symbolic_batch_size():
    @tf.function(input_signature=[tf.TensorSpec((None, 4))])
    def weights(images):
        return uniform_stream(1, 0, 0)((tf.shape(images)[0], 1))

    assert weights(tf.zeros((5, 4))).shape == (5, 1)


def test_uniform_latents_are_the_papers_unit_variance_uniform():
    from keras_gan.noise import sample_latents, training_noise

    latents = np.asarray(sample_latents(4000, 50, 3, distribution="uniform"))
    bound = np.sqrt(3.0)
    assert latents.min() > -bound and latents.max() < bound
    assert abs(latents.mean()) < 0.01 and abs(latents.var() - 1.0) < 0.01
    # The same bits as the normal latents of that seed, mapped another way.
    normal = np.asarray(sample_latents(4000, 50, 3))
    from scipy.stats import norm

    np.testing.assert_allclose(norm.cdf(normal), (latents / bound + 1) / 2, atol=2e-6)
    noise = training_noise(1, 0, 0, 8, 4, distribution="uniform")
    assert np.abs(np.asarray(noise)).max() < bound
    with pytest.raises(ValueError, match="latent_distribution"):
        sample_latents(2, 2, 0, distribution="cauchy")


def test_truncation_one_is_the_prior_bit_for_bit_and_smaller_psi_scales():
    latents = sample_latents(64, 8, seed=3)
    assert truncate(latents, 1.0) is latents  # not even a multiply by 1.0
    np.testing.assert_array_equal(
        np.asarray(truncate(latents, 0.5)), 0.5 * np.asarray(latents)
    )


@pytest.mark.parametrize("psi", [0.0, -0.5, 1.5, "0.7", True, None])
def test_truncation_outside_zero_one_is_named(psi):
    with pytest.raises(ValueError, match=r"`truncation` \(psi\) must be .*\(0, 1\]"):
        check_truncation(psi)


def test_normal_interpolation_is_spherical_and_uniform_is_linear():
    start, end = np.array([3.0, 0.0]), np.array([0.0, 3.0])
    arc = interpolate(start, end, 5)
    np.testing.assert_array_equal(arc[0], start)  # both ends exact
    np.testing.assert_array_equal(arc[-1], end)
    np.testing.assert_allclose(np.linalg.norm(arc, axis=1), 3.0, rtol=1e-6)
    np.testing.assert_allclose(arc[2], [3 / np.sqrt(2)] * 2, rtol=1e-6)
    line = interpolate(start, end, 5, distribution="uniform")
    np.testing.assert_allclose(line[2], [1.5, 1.5])
    assert arc.dtype == line.dtype == np.float32


def test_interpolation_needs_two_steps():
    with pytest.raises(ValueError, match=r"`steps` must be an integer >= 2.*=1"):
        interpolate(np.zeros(2), np.ones(2), 1)

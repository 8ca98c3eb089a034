import numpy as np
import pytest
import tensorflow as tf

from keras_gan import sample_latents
from keras_gan.export.hash_noise import hash_normal


def _mix(x):
    """lowbias32 on uint32 with true logical shifts, the documented algorithm."""
    x = x ^ (x >> np.uint32(16))
    x = x * np.uint32(0x7FEB352D)
    x = x ^ (x >> np.uint32(15))
    x = x * np.uint32(0x846CA68B)
    return x ^ (x >> np.uint32(16))


def reference_normal(num_samples, latent_dim, seed):
    """An independent numpy reading of the module docstring's algorithm."""
    with np.errstate(over="ignore"):
        key = _mix(np.uint32(np.int64(seed) % 2**32) ^ np.uint32(0x5BD1E995))
        counters = np.arange(2 * num_samples * latent_dim, dtype=np.uint32)
        bits = _mix(_mix(counters) ^ key)
    uniform = ((bits >> np.uint32(8)).astype(np.float64) + 0.5) / 2**24
    pairs = uniform.reshape(-1, 2)
    normal = np.sqrt(-2 * np.log(pairs[:, 0])) * np.cos(2 * np.pi * pairs[:, 1])
    return normal.reshape(num_samples, latent_dim)


@pytest.mark.parametrize("seed", [0, 7, -5, 2**31 - 1])
def test_matches_the_documented_algorithm(seed):
    got = hash_normal(50, 30, seed).numpy()
    np.testing.assert_allclose(got, reference_normal(50, 30, seed), atol=2e-5)


def test_is_standard_normal():
    noise = hash_normal(2000, 100, 3).numpy().ravel()
    assert abs(noise.mean()) < 0.01
    assert abs(noise.std() - 1.0) < 0.01
    # Tail mass of N(0, 1): P(|z| > 2) = 0.0455.
    assert abs(np.mean(np.abs(noise) > 2.0) - 0.0455) < 0.003
    # Neighbouring draws must not be correlated.
    assert abs(np.corrcoef(noise[:-1], noise[1:])[0, 1]) < 0.01


def test_seed_names_the_noise():
    first = hash_normal(4, 8, 1).numpy()
    np.testing.assert_array_equal(first, hash_normal(4, 8, 1).numpy())
    assert not np.allclose(first, hash_normal(4, 8, 2).numpy())
    # More samples extend the stream: the first rows stay the same.
    np.testing.assert_array_equal(first, hash_normal(9, 8, 1).numpy()[:4])


def test_is_not_sample_latents():
    # Documented: a seed names other latents in a .tflite file.
    assert not np.allclose(hash_normal(4, 8, 1), sample_latents(4, 8, 1), atol=0.1)


def test_traces_with_tensor_shapes():
    traced = tf.function(
        hash_normal,
        input_signature=[
            tf.TensorSpec((), "int32"),
            tf.TensorSpec((), "int32"),
            tf.TensorSpec((), "int32"),
        ],
    )
    np.testing.assert_allclose(traced(3, 5, 11), hash_normal(3, 5, 11), atol=1e-6)

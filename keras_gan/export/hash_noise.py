"""Seeded normal noise from builtin LiteRT ops only: a counter-based hash.

TensorFlow's stateless random ops (Philox, behind ``keras_gan.sample_latents``)
have no LiteRT builtin kernel; a ``.tflite`` using them needs the Flex
delegate, which the pip LiteRT runtimes lack. This module draws standard
normal noise with integer arithmetic that converts to builtin ops
(``BITWISE_XOR``, ``RIGHT_SHIFT``, ``FLOOR_MOD``, int32 ``MUL``, ``RANGE``)
plus ``LOG``, ``SQRT`` and ``COS`` for the Box-Muller transform, so a
``.tflite`` file can map a seed to images by itself.

The stream (a function of ``seed`` and the element index only):

1. ``key = mix(seed ^ 0x5BD1E995)``, where ``mix`` is the "lowbias32"
   integer finaliser (xor-shift 16, multiply 0x7FEB352D, xor-shift 15,
   multiply 0x846CA68B, xor-shift 16) on 32-bit words with logical shifts.
2. For counter ``c = 0, 1, ..., 2 * num_samples * latent_dim - 1``:
   ``bits[c] = mix(mix(c) ^ key)``.
3. ``u[c] = ((bits[c] >> 8) + 0.5) / 2**24``, uniform in (0, 1).
4. Box-Muller on consecutive pairs: ``z[i] = sqrt(-2 log u[2i]) * cos(2 pi
   u[2i+1])``, reshaped row-major to ``(num_samples, latent_dim)``.
   Uniform latents (``hash_latents(..., "uniform")``) are instead
   ``z[i] = (2 u[i] - 1) * sqrt(3)`` for the first ``num_samples * latent_dim``
   counters.

These are NOT the values of ``keras_gan.sample_latents``: a seed names one
set of latents in ``GAN.sample`` and the SavedModel, and another in a
``.tflite`` file. The first ``n`` rows do not depend on ``num_samples``.
The ops are TensorFlow's, as the converter must see them: every function
here needs TensorFlow, imported on the first call.
"""

import numpy as np

from keras_gan.utils.requirements import import_tensorflow

_SEED_SALT = 0x5BD1E995
_MULTIPLIERS = (0x7FEB352D, 0x846CA68B)
# 2*pi split into a float16-exact head and a small tail, so that float16
# quantization, which rounds float constants, keeps the angle to ~1e-6.
_TWO_PI_HEAD = 6.28125
_TWO_PI_TAIL = 2 * np.pi - _TWO_PI_HEAD


def _tf():
    return import_tensorflow(
        "keras_gan.export.hash_noise (the noise of .tflite export)"
    )


def _int32(value):
    """The int32 with the same 32 bits as the unsigned ``value``."""
    return _tf().constant(np.uint32(value).view(np.int32))


def _logical_right_shift(x, bits):
    tf = _tf()
    # int32 right shifts are arithmetic; reducing modulo 2**(32 - bits)
    # clears the copies of the sign bit, as an unsigned shift would.
    return tf.math.floormod(tf.bitwise.right_shift(x, bits), 1 << (32 - bits))


def _mix(x):
    """lowbias32: a bijection of 32-bit words with strong avalanche."""
    tf = _tf()
    x = tf.bitwise.bitwise_xor(x, _logical_right_shift(x, 16))
    x = x * _int32(_MULTIPLIERS[0])  # int32 products wrap modulo 2**32
    x = tf.bitwise.bitwise_xor(x, _logical_right_shift(x, 15))
    x = x * _int32(_MULTIPLIERS[1])
    return tf.bitwise.bitwise_xor(x, _logical_right_shift(x, 16))


def hash_latents(num_samples, latent_dim, seed, distribution="normal"):
    """``hash_normal``, or its uniform counterpart on [-sqrt 3, sqrt 3].

    The latents of an exported ``.tflite`` ``sample`` signature, drawn from
    the GAN's ``latent_distribution``.
    """
    tf = _tf()
    if distribution == "uniform":
        uniform = _hash_uniform(num_samples * latent_dim, seed)
        return tf.reshape((2.0 * uniform - 1.0) * 3.0**0.5, (num_samples, latent_dim))
    return hash_normal(num_samples, latent_dim, seed)


def _hash_uniform(count, seed):
    tf = _tf()
    seed = tf.cast(seed, "int32")
    key = _mix(tf.bitwise.bitwise_xor(seed, _int32(_SEED_SALT)))
    counters = tf.range(count, dtype="int32")
    bits = _mix(tf.bitwise.bitwise_xor(_mix(counters), key))
    return (tf.cast(_logical_right_shift(bits, 8), "float32") + 0.5) * 2.0**-24


def hash_normal(num_samples, latent_dim, seed):
    """Standard normal ``(num_samples, latent_dim)`` float32 noise from ``seed``.

    Use it inside functions converted to LiteRT, where
    ``keras_gan.sample_latents`` cannot run. The algorithm is in the module
    docstring, so other runtimes can reproduce the stream.

    Args:
        num_samples: int32 scalar tensor or int, rows of noise.
        latent_dim: int, columns of noise.
        seed: int32 scalar tensor or int.

    Examples:
        >>> hash_normal(2, 3, seed=0).shape
        TensorShape([2, 3])
    """
    tf = _tf()
    pairs = tf.reshape(_hash_uniform(2 * num_samples * latent_dim, seed), (-1, 2))
    radius = tf.sqrt(-2.0 * tf.math.log(pairs[:, 0]))
    angle = pairs[:, 1] * _TWO_PI_HEAD + pairs[:, 1] * _TWO_PI_TAIL
    return tf.reshape(radius * tf.cos(angle), (num_samples, latent_dim))

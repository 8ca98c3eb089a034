"""Noise for GAN training and sampling, the same in every execution mode.

All noise is a pure function of integer seeds (no generator state), so a run
restored from a checkpoint draws exactly the noise it would have drawn, and a
seed names the same latents eagerly, in graphs, under XLA and on every replica.
Each Keras backend supplies its counter-based generator (``keras_gan.backend``:
Philox on TensorFlow, threefry on JAX, a hash-seeded torch generator on
torch); the numbers differ between backends, the purity does not.
"""

import itertools
import numbers

import numpy as np
from keras import ops

from keras_gan import backend

_NOISE_SALT = 0x6B67  # separates the training noise stream from `sample(seed=...)`


# Both have mean 0 and variance 1. "uniform" is the paper's: pylearn2's
# mnist.yaml draws z uniform on [-sqrt(3), sqrt(3)].
LATENT_DISTRIBUTIONS = ("normal", "uniform")


def check_distribution(distribution):
    if distribution not in LATENT_DISTRIBUTIONS:
        raise ValueError(
            f"`latent_distribution` must be one of {LATENT_DISTRIBUTIONS}. "
            f"Received: {distribution!r}"
        )
    return distribution


def sample_latents(num_samples, latent_dim, seed, distribution="normal"):
    """Latents from ``distribution``, a pure function of ``(num_samples, seed)``.

    The same function backs ``GAN.sample`` and the exported ``sample``
    signature, so a seed names the same images everywhere.

    Args:
        num_samples: rows.
        latent_dim: columns.
        seed: int or int32 tensor.
        distribution: ``"normal"`` (N(0, 1)) or ``"uniform"`` (U(-sqrt 3,
            sqrt 3)); see ``LATENT_DISTRIBUTIONS``.
    """
    key = backend.random_key(seed, 0)
    return latents_from_bits(
        backend.random_bits((num_samples, latent_dim), key), distribution
    )


def standard_normal(shape, seed):
    """N(0, 1) noise that is the same for a seed eagerly, in graphs and in XLA."""
    key = backend.random_key(seed[0], seed[1])
    return latents_from_bits(backend.random_bits(shape, key), "normal")


def latents_from_bits(bits, distribution):
    """Maps uint32 random bits to latents of ``distribution``.

    ``tf.random.stateless_normal`` gives other numbers under XLA; Philox's raw
    bits do not, so the normal is drawn from them by the inverse CDF.
    """
    uniform = uniform_from_bits(bits)
    if check_distribution(distribution) == "uniform":
        return (2.0 * uniform - 1.0) * 3.0**0.5
    return backend.inverse_normal_cdf(uniform)


def uniform_from_bits(bits):
    """Maps uint32 random bits to uniforms strictly inside (0, 1).

    The top 23 bits plus one half, times 2**-23: every value is exact in
    float32 (24 significant bits), so none rounds to 0 or 1, where the
    inverse normal CDF is infinite.
    """
    top = ops.floor_divide(bits, ops.cast(2**9, bits.dtype))  # bits >> 9
    return (ops.cast(top, "float32") + 0.5) * (2.0**-23)


def training_noise(seed, step, phase, batch_size, latent_dim, distribution="normal"):
    """Fresh latents, a pure function of (seed, step, phase, replica).

    Keyed on the optimizer step rather than a stateful generator, so a run
    restored from a checkpoint draws exactly the noise it would have. Under
    tf.distribute each replica takes its own slice of the noise of the global
    batch: replicas differ, and N replicas draw what one device would for the
    same global batch.

    Args:
        seed: the GAN's integer noise seed.
        step: the generator optimizer's step counter (a variable or tensor).
        phase: 0..k-1 for the discriminator updates, k for the generator's.
        batch_size: images per replica.
        latent_dim: size of z.
        distribution: see ``sample_latents``.
    """
    key = backend.random_key(seed, _NOISE_SALT)
    for value in (step, phase):
        key = backend.fold_in(key, value)
    return backend.replica_rows(
        lambda shape: latents_from_bits(backend.random_bits(shape, key), distribution),
        (batch_size, latent_dim),
    )


_UNIFORM_SALT = 0x7573  # separates `uniform_stream` from the latent noise


def uniform_stream(seed, step, phase):
    """A source of U(0, 1) noise for one phase of one training step.

    For the random parts of a step other than the latents: the interpolation
    weights of a gradient penalty, the offsets of DiffAugment. Returns
    ``draw(shape)``, whose i-th call gives float32 uniforms strictly inside
    (0, 1) keyed on ``(seed, step, phase, i)``: every call draws fresh noise,
    and the noise is a pure function of the step, so a resumed run draws what
    it would have drawn. Make the stream inside the step and call ``draw`` in
    a fixed Python order: ``i`` counts calls while tracing, as eagerly.

    The first axis of ``shape`` is the batch: under tf.distribute each replica
    takes its slice of the noise of the global batch, as ``training_noise``
    does, so N replicas draw what one device would.

    Args:
        seed: the GAN's integer noise seed (an int or an integer tensor).
        step: the optimizer step (a variable or tensor).
        phase: which update of the step the noise is for.

    Examples:
        >>> draw = uniform_stream(seed=1, step=0, phase=0)
        >>> epsilon = draw((16, 1, 1, 1))  # one weight per image
    """
    key = backend.random_key(seed, _UNIFORM_SALT)
    for value in (step, phase):
        key = backend.fold_in(key, value)
    calls = itertools.count()

    def draw(shape):
        call_key = backend.fold_in(key, next(calls))
        return backend.replica_rows(
            lambda rows: uniform_from_bits(backend.random_bits(rows, call_key)),
            shape,
        )

    return draw


def check_truncation(truncation):
    """``truncation`` as a float; raises unless it lies in (0, 1]."""
    if (
        isinstance(truncation, bool)
        or not isinstance(truncation, numbers.Real)
        or not 0.0 < truncation <= 1.0
    ):
        raise ValueError(
            "`truncation` (psi) must be a number in (0, 1]; 1 is no truncation. "
            f"Received: truncation={truncation!r}"
        )
    return float(truncation)


def truncate(latents, truncation):
    """The truncation trick: latents scaled towards their mean, ``psi * z``.

    Trades variety for fidelity (Brock et al. 2019; Karras et al. 2019): the
    smaller psi, the closer every sample stays to the centre of the latent
    distribution, where G has seen the most training noise. Done by scaling
    (StyleGAN's ``w_avg + psi (w - w_avg)``, with the mean 0 of z) rather than
    by redrawing values beyond a threshold (BigGAN): scaling is one multiply,
    the same in every runtime (a ``.tflite`` file and a web page included,
    where a redraw loop has no builtin op), changes samples smoothly as psi
    moves, and at psi = 1 returns the latents bit for bit. For the uniform
    prior on [-sqrt 3, sqrt 3] it is exact truncation: ``psi * z`` is uniform
    on [-psi sqrt 3, psi sqrt 3], the prior cut at psi of its range.

    Args:
        latents: latents of a zero-mean prior.
        truncation: psi in (0, 1].
    """
    truncation = check_truncation(truncation)
    if truncation == 1.0:
        return latents
    return latents * ops.cast(truncation, latents.dtype)


def interpolate(start, end, steps, distribution="normal"):
    """``steps`` latents from ``start`` to ``end``, both included.

    Spherical (slerp) for the normal prior, whose samples lie near a sphere of
    radius sqrt(latent_dim): a straight line between two of them passes
    through the low-density centre (White 2016, "Sampling Generative
    Networks"). Linear for the uniform prior, whose box a straight line never
    leaves.

    Args:
        start: one latent vector ``(latent_dim,)``.
        end: another.
        steps: number of points (>= 2).
        distribution: ``"normal"`` or ``"uniform"``.

    Returns:
        float32 latents ``(steps, latent_dim)``, a numpy array.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 2:
        raise ValueError(
            "`steps` must be an integer >= 2 (both ends included). "
            f"Received: steps={steps!r}"
        )
    start = np.asarray(ops.convert_to_numpy(start), "float64").ravel()
    end = np.asarray(ops.convert_to_numpy(end), "float64").ravel()
    fractions = np.linspace(0.0, 1.0, steps)[:, None]
    path = start + fractions * (end - start)
    if check_distribution(distribution) == "normal":
        cosine = start @ end / (np.linalg.norm(start) * np.linalg.norm(end))
        angle = np.arccos(np.clip(cosine, -1.0, 1.0))
        if angle > 1e-6:  # else the same point twice: the line is the arc
            path = (
                np.sin((1.0 - fractions) * angle) * start
                + np.sin(fractions * angle) * end
            ) / np.sin(angle)
    path[0], path[-1] = start, end  # the ends exactly, whatever the rounding
    return path.astype("float32")

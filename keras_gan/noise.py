"""Noise for GAN training and sampling, the same in every execution mode.

All noise is a pure function of integer seeds (no generator state), so a run
restored from a checkpoint draws exactly the noise it would have drawn, and a
seed names the same latents eagerly, in graphs, under XLA and on every replica.
"""

import itertools

import tensorflow as tf

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
    seed = tf.cast(tf.stack([seed, 0]), "int64")
    return latents_from_bits(
        _random_bits((num_samples, latent_dim), seed), distribution
    )


def standard_normal(shape, seed):
    """N(0, 1) noise that is the same for a seed eagerly, in graphs and in XLA."""
    return latents_from_bits(_random_bits(shape, seed), "normal")


def latents_from_bits(bits, distribution):
    """Maps uint32 random bits to latents of ``distribution``.

    ``tf.random.stateless_normal`` gives other numbers under XLA; Philox's raw
    bits do not, so the normal is drawn from them by the inverse CDF.
    """
    uniform = uniform_from_bits(bits)
    if check_distribution(distribution) == "uniform":
        return (2.0 * uniform - 1.0) * 3.0**0.5
    return tf.math.ndtri(uniform)


def uniform_from_bits(bits):
    """Maps uint32 random bits to uniforms strictly inside (0, 1).

    The top 23 bits plus one half, times 2**-23: every value is exact in
    float32 (24 significant bits), so none rounds to 0 or 1, where the
    inverse normal CDF is infinite.
    """
    top = tf.bitwise.right_shift(bits, tf.constant(9, "uint32"))
    return (tf.cast(top, "float32") + 0.5) * (2.0**-23)


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
    key = tf.constant([seed, _NOISE_SALT], "int64")
    for value in (step, phase):
        key = _fold_in(key, value)
    return _replica_rows(
        lambda shape: latents_from_bits(_random_bits(shape, key), distribution),
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

    Example:
    >>> draw = uniform_stream(seed=1, step=0, phase=0)
    >>> epsilon = draw((16, 1, 1, 1))  # one weight per image
    """
    key = tf.stack([tf.cast(seed, "int64"), tf.constant(_UNIFORM_SALT, "int64")])
    for value in (step, phase):
        key = _fold_in(key, value)
    calls = itertools.count()

    def draw(shape):
        call_key = _fold_in(key, next(calls))
        return _replica_rows(
            lambda rows: uniform_from_bits(_random_bits(rows, call_key)), shape
        )

    return draw


def _fold_in(key, value):
    return tf.random.experimental.stateless_fold_in(
        key, tf.cast(value, "int64"), alg="philox"
    )


def _random_bits(shape, key):
    return tf.random.stateless_uniform(
        shape, seed=key, minval=None, maxval=None, dtype="uint32", alg="philox"
    )


def _replica_rows(make, shape):
    """``make(shape)`` for this replica: its rows of the global batch's noise."""
    replica = tf.distribute.get_replica_context()
    replicas = replica.num_replicas_in_sync if replica else 1
    if replicas == 1:
        return make(shape)
    rows = shape[0]
    noise = make((rows * replicas, *shape[1:]))
    start = replica.replica_id_in_sync_group * rows
    return noise[start : start + rows]

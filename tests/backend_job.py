"""Training jobs that run in their own process, on the Keras backend of its
environment (Keras fixes the backend per process).

Usage: python backend_job.py JOB OUTPUT.npz

- ``parity_non_saturating``, ``parity_penalised``, ``parity_conditional``: 2
  training steps at k = 2 with SGD, from initial weights and injected noise
  that are the same on every backend (the last: a conditional GAN of 3
  classes with R1, so labels reach G, D and the penalty); writes the weights
  (tests/test_other_backends.py compares them across TensorFlow, JAX and
  torch).
- ``data_parallel_single``, ``data_parallel`` (and their ``_conditional``
  twins): one SGD step of a GAN on one device, or under
  ``keras.distribution.DataParallel`` over the devices JAX has (2 CPUs with
  ``XLA_FLAGS=--xla_force_host_platform_device_count=2``).
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import ops  # noqa: E402

from keras_gan import data, networks, penalties  # noqa: E402
from keras_gan.gan import GAN  # noqa: E402
from keras_gan.training import execution  # noqa: E402

SHAPE, LATENT_DIM, M, K, STEPS, CLASSES = (8, 8, 1), 4, 4, 2, 2, 3


class InjectedNoiseGAN(GAN):
    """Draws its training latents from a fixed table, the same on every backend."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        table = np.random.default_rng(5).normal(size=(STEPS * (K + 1), M, LATENT_DIM))
        self._table = table.astype("float32")

    def _noise(self, step, phase, size):
        index = ops.cast(step, "int32") * (K + 1) + phase
        return ops.take(ops.convert_to_tensor(self._table), index, axis=0)


def _networks(num_classes=None):
    # No dropout (its masks are backend-specific random numbers); the
    # generator's batch norm, the convolutions and the transposed convolutions
    # (and the class embedding and projection) are all compared.
    classes = {"num_classes": num_classes}
    generator = networks.dcgan_generator(LATENT_DIM, SHAPE, width=4, **classes)
    discriminator = networks.dcgan_discriminator(SHAPE, width=4, dropout=0.0, **classes)
    rng = np.random.default_rng(0)
    for network in (generator, discriminator):
        for weight in network.weights:
            if weight.trainable:
                weight.assign(rng.uniform(-0.3, 0.3, weight.shape).astype("float32"))
    return generator, discriminator


def _images(count):
    return np.random.default_rng(1).uniform(0, 1, (count, *SHAPE)).astype("float32")


def _labels(count):
    return np.arange(count) % CLASSES


def parity(objective, penalty_list, num_classes=None):
    gan = InjectedNoiseGAN(
        *_networks(num_classes), discriminator_steps=K, objective=objective,
        penalties=penalty_list, seed=0,
    )  # fmt: skip
    gan.compile(
        generator_optimizer=keras.optimizers.SGD(0.05),
        discriminator_optimizer=keras.optimizers.SGD(0.05),
    )
    count = STEPS * K * M
    labels = None if num_classes is None else _labels(count)
    batches = data.from_array(
        _images(count), labels=labels, batch_size=M, discriminator_steps=K,
        value_range=(-1, 1), shuffle=False,
    )  # fmt: skip
    gan.fit(batches, epochs=1, verbose=0)
    return gan


def data_parallel(distributed, num_classes=None):
    if distributed:
        devices = keras.distribution.list_devices()
        assert len(devices) == 2, devices
        keras.distribution.set_distribution(
            keras.distribution.DataParallel(devices=devices)
        )
    keras.utils.set_random_seed(0)
    gan = GAN(*_networks(num_classes), seed=3)
    gan.compile(
        generator_optimizer=keras.optimizers.SGD(0.05),
        discriminator_optimizer=keras.optimizers.SGD(0.05),
    )
    images = data.rescale(_images(16), (-1, 1))
    labels = None if num_classes is None else _labels(16).astype("int32")
    gan.fit(images, labels, batch_size=16, epochs=1, shuffle=False, verbose=0)
    return gan


JOBS = {
    "parity_non_saturating": lambda: parity("non_saturating", []),
    "parity_penalised": lambda: parity(
        "relativistic", [penalties.R1(1.0), penalties.R2(1.0)]
    ),
    "parity_conditional": lambda: parity("non_saturating", [penalties.R1(1.0)], 3),
    "data_parallel_single": lambda: data_parallel(False),
    "data_parallel": lambda: data_parallel(True),
    "data_parallel_single_conditional": lambda: data_parallel(False, CLASSES),
    "data_parallel_conditional": lambda: data_parallel(True, CLASSES),
}


def main(job, output):
    # As `keras-gan train --seed` does; on TensorFlow this also runs one op at
    # a time, without which the R1 + R2 job differed by up to 5e-4 under load.
    execution.make_reproducible(0)
    generator, discriminator = _networks(CLASSES if "conditional" in job else None)
    initial = generator.get_weights() + discriminator.get_weights()
    gan = JOBS[job]()
    weights = gan.generator.get_weights() + gan.discriminator.get_weights()
    pairs = zip(weights, initial, strict=True)
    moved = max(float(np.abs(a - b).max()) for a, b in pairs)
    steps = int(ops.convert_to_numpy(gan.generator_optimizer.iterations))
    arrays = {f"weight_{i}": weight for i, weight in enumerate(weights)}
    np.savez(output, steps=steps, moved=moved, **arrays)


if __name__ == "__main__":
    main(*sys.argv[1:])

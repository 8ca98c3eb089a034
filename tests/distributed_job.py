"""A training job run in its own process by test_gan_distributed.py.

Usage: python distributed_job.py MODE OUTPUT.npz [STEPS [K [OPTIMIZER]]], MODE
one of ``single``, ``mirrored`` (2 logical CPUs) or ``worker`` (TF_CONFIG
set); OPTIMIZER ``sgd`` (SGD 0.5) or ``auto`` (the GAN's default, FusedAdam).
Devices must be configured before TensorFlow runs any op, hence a process.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_gan.gan import GAN  # noqa: E402

GLOBAL_BATCH = 16


def tiny_networks():
    # No dropout or batch norm: their randomness and statistics are per
    # replica by design, and this job compares exact updates.
    keras.utils.set_random_seed(1)
    generator = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8, "relu"),
            keras.layers.Dense(6, "tanh"),
        ]
    )
    discriminator = keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(8, "relu"), keras.layers.Dense(1)]
    )
    return generator, discriminator


def train(steps, discriminator_steps, optimizer):
    gan = GAN(*tiny_networks(), seed=3, discriminator_steps=discriminator_steps)
    if optimizer == "sgd":
        gan.compile(
            generator_optimizer=keras.optimizers.SGD(0.5),
            discriminator_optimizer=keras.optimizers.SGD(0.5),
        )
    else:
        gan.compile()
    images = np.random.default_rng(0).uniform(-1, 1, (1024, 6)).astype("float32")
    batch = GLOBAL_BATCH * discriminator_steps
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(
        batch, drop_remainder=True
    )
    history = gan.fit(dataset.take(steps), epochs=1, verbose=0)
    return gan, history


def main(mode, output, steps=1, discriminator_steps=1, optimizer="sgd"):
    if mode == "mirrored":
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2
        )
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    elif mode == "worker":
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
    else:
        strategy = tf.distribute.get_strategy()
    with strategy.scope():
        gan, history = train(int(steps), int(discriminator_steps), optimizer)
    np.savez(
        output,
        replicas=strategy.num_replicas_in_sync,
        copies_agree=_copies_agree(strategy, gan.weights),
        g_steps=gan.generator_optimizer.iterations.numpy(),
        d_steps=gan.discriminator_optimizer.iterations.numpy(),
        d_loss=history.history["d_loss"][-1],
        **{f"w{index}": weight for index, weight in enumerate(gan.get_weights())},
    )


def _copies_agree(strategy, weights):
    """Whether every replica's copy of every weight holds the same values."""
    for weight in weights:
        copies = [
            copy.numpy() for copy in strategy.experimental_local_results(weight.value)
        ]
        if any(not np.array_equal(copy, copies[0]) for copy in copies):
            return False
    return True


if __name__ == "__main__":
    main(*sys.argv[1:])

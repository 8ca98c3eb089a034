"""A training job run in its own process by test_gan_distributed.py.

Usage: python distributed_job.py MODE OUTPUT.npz [STEPS [K [OPTIMIZER
[CLASSES]]]], MODE one of ``single``, ``mirrored`` (2 logical CPUs) or
``worker`` (TF_CONFIG set); OPTIMIZER ``sgd`` (SGD 0.5) or ``auto`` (the
GAN's default, FusedAdam); CLASSES > 0 makes the GAN conditional.
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


def tiny_conditional_networks(classes):
    """G(z, y) with a class embedding beside z; D(x, y) with a projection head."""
    keras.utils.set_random_seed(1)
    latents, labels = keras.Input((4,)), keras.Input((), dtype="int32")
    joined = keras.layers.Concatenate()(
        [latents, keras.layers.Embedding(classes, 3)(labels)]
    )
    hidden = keras.layers.Dense(8, "relu")(joined)
    generator = keras.Model([latents, labels], keras.layers.Dense(6, "tanh")(hidden))
    images, image_labels = keras.Input((6,)), keras.Input((), dtype="int32")
    features = keras.layers.Dense(8, "relu")(images)
    projection = keras.layers.Dot(axes=1)(
        [features, keras.layers.Embedding(classes, 8)(image_labels)]
    )
    logits = keras.layers.Add()([keras.layers.Dense(1)(features), projection])
    return generator, keras.Model([images, image_labels], logits)


def train(steps, discriminator_steps, optimizer, classes=0):
    networks = tiny_conditional_networks(classes) if classes else tiny_networks()
    gan = GAN(*networks, seed=3, discriminator_steps=discriminator_steps)
    if optimizer == "sgd":
        gan.compile(
            generator_optimizer=keras.optimizers.SGD(0.5),
            discriminator_optimizer=keras.optimizers.SGD(0.5),
        )
    else:
        gan.compile()
    images = np.random.default_rng(0).uniform(-1, 1, (1024, 6)).astype("float32")
    batch = GLOBAL_BATCH * discriminator_steps
    if classes:
        labels = np.arange(len(images), dtype="int32") % classes
        images = (images, labels)
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(
        batch, drop_remainder=True
    )
    history = gan.fit(dataset.take(steps), epochs=1, verbose=0)
    return gan, history


def main(mode, output, steps=1, discriminator_steps=1, optimizer="sgd", classes=0):
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
        gan, history = train(
            int(steps), int(discriminator_steps), optimizer, int(classes)
        )
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

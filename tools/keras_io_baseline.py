"""The benchmark's baseline: a GAN written as in the keras.io examples.

The "DCGAN to generate face images" and "WGAN-GP" examples on keras.io: one
``train_step`` that concatenates generated and real images into one
discriminator batch with (noisy) labels, a ``BinaryCrossentropy`` loss, noise
from a ``SeedGenerator``, and a k-step critic loop that reuses the same real
batch k times. Compiled with default Keras settings. Used only by
``tools/benchmark.py``; not part of the package.
"""

import keras
import tensorflow as tf
from keras import ops


class KerasIoGAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim, discriminator_steps=1):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.discriminator_steps = discriminator_steps
        self.seed_generator = keras.random.SeedGenerator(1337)

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn
        self.d_loss_metric = keras.metrics.Mean(name="d_loss")
        self.g_loss_metric = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        return [self.d_loss_metric, self.g_loss_metric]

    def train_step(self, real_images):
        batch_size = ops.shape(real_images)[0]
        for _ in range(self.discriminator_steps):
            noise = keras.random.normal(
                (batch_size, self.latent_dim), seed=self.seed_generator
            )
            generated = self.generator(noise)
            combined = ops.concatenate([generated, real_images], axis=0)
            labels = ops.concatenate(
                [ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0
            )
            labels += 0.05 * keras.random.uniform(
                ops.shape(labels), seed=self.seed_generator
            )
            with tf.GradientTape() as tape:
                predictions = self.discriminator(combined)
                d_loss = self.loss_fn(labels, predictions)
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(
                zip(grads, self.discriminator.trainable_weights, strict=True)
            )
        noise = keras.random.normal(
            (batch_size, self.latent_dim), seed=self.seed_generator
        )
        misleading_labels = ops.zeros((batch_size, 1))
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(noise))
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(
            zip(grads, self.generator.trainable_weights, strict=True)
        )
        self.d_loss_metric.update_state(d_loss)
        self.g_loss_metric.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}


def build(generator, discriminator, latent_dim, discriminator_steps):
    gan = KerasIoGAN(discriminator, generator, latent_dim, discriminator_steps)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5),
        loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    return gan


def dataset(images, batch_size):
    """The examples' pipeline: shuffle and batch, no cache or prefetch."""
    return tf.data.Dataset.from_tensor_slices(images).shuffle(1024).batch(batch_size)

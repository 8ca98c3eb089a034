"""Hand-written GAN loops in each Keras backend's keras.io guide style.

The comparison points of ``tools/benchmark.py --backend ...``; not part of the
package. Every loop trains the same game as ``keras_gan.GAN`` with its
defaults: k discriminator updates (each on its own m real images and fresh
normal noise, real and generated images in one discriminator call), then one
generator update on fresh noise; the non-saturating objective (D minimises
``mean softplus(-D(x)) + mean softplus(D(G(z)))``, G minimises ``mean
softplus(-D(G(z)))``); Adam(2e-4, beta_1=0.5) for each network. Networks are
called with ``training=True`` (dropout on, batch statistics in batch norm), as
the package calls them, so every loop trains the same model (unlike
``tools/keras_io_baseline.py``, whose networks run in inference mode inside
``fit``).

- ``TensorFlowLoop``: keras.io "Writing a training loop from scratch in
  TensorFlow" / "Customizing what happens in fit() (GAN)": ``tf.GradientTape``
  inside one ``tf.function`` step, ``optimizer.apply_gradients``.
- ``JaxLoop``: keras.io "Writing a training loop from scratch in JAX": one
  ``jax.jit``-ed stateless step, ``model.stateless_call`` and
  ``optimizer.stateless_apply`` for both networks, the state threaded through
  as arrays.
- ``TorchLoop``: keras.io "Writing a training loop from scratch in PyTorch":
  Keras models on the torch backend, ``zero_grad()``, ``loss.backward()``,
  ``optimizer.apply(grads, weights)`` under ``torch.no_grad()``.
- ``PlainTorchLoop`` (in ``plain_torch.py``): no Keras at all.

Each loop has ``step(real)`` (one generator update; ``real`` a numpy array of
k*m images in the generator's pixel range, NHWC, or NCHW for the plain torch
loop) and ``sync()``, which waits for the queued work and returns ``(d_loss,
g_loss)`` of the last step as floats.
"""

import numpy as np

LEARNING_RATE = 2e-4
BETA_1 = 0.5


def make_loop(generator, discriminator, *, latent_dim=100, discriminator_steps=1):
    """The guide-style loop of the running Keras backend for two Keras models."""
    import keras

    loops = {"tensorflow": TensorFlowLoop, "jax": JaxLoop, "torch": TorchLoop}
    backend = keras.backend.backend()
    if backend not in loops:
        raise ValueError(f"No guide-style loop for Keras backend {backend!r}.")
    return loops[backend](generator, discriminator, latent_dim, discriminator_steps)


def _adam():
    import keras

    return keras.optimizers.Adam(LEARNING_RATE, beta_1=BETA_1)


def _discriminator_loss(logits, m):
    from keras import ops

    real, fake = logits[:m], logits[m:]
    return ops.mean(ops.softplus(-real)) + ops.mean(ops.softplus(fake))


def _generator_loss(fake_logits):
    from keras import ops

    return ops.mean(ops.softplus(-fake_logits))


class _KerasLoop:
    """What every guide loop holds: the two networks and one Adam each."""

    def __init__(self, generator, discriminator, latent_dim, discriminator_steps):
        self.generator, self.discriminator = generator, discriminator
        self.latent_dim, self.k = latent_dim, discriminator_steps
        self.g_optimizer, self.d_optimizer = _adam(), _adam()
        self.g_optimizer.build(generator.trainable_variables)
        self.d_optimizer.build(discriminator.trainable_variables)
        self.losses = None


class TensorFlowLoop(_KerasLoop):
    """``tf.GradientTape`` in a ``tf.function``, as in the keras.io TF guides."""

    def __init__(self, generator, discriminator, latent_dim, discriminator_steps):
        import keras
        import tensorflow as tf

        super().__init__(generator, discriminator, latent_dim, discriminator_steps)
        self.tf = tf
        self.seed_generator = keras.random.SeedGenerator(1337)
        self._train_step = tf.function(self._step)

    def _step(self, real_images):
        import keras

        tf, generator, discriminator = self.tf, self.generator, self.discriminator
        m = tf.shape(real_images)[0] // self.k
        for i in range(self.k):
            real = real_images[i * m : (i + 1) * m]
            noise = keras.random.normal((m, self.latent_dim), seed=self.seed_generator)
            fake = generator(noise, training=True)
            with tf.GradientTape() as tape:
                logits = discriminator(tf.concat([real, fake], 0), training=True)
                d_loss = _discriminator_loss(logits, m)
            weights = discriminator.trainable_weights
            grads = tape.gradient(d_loss, weights)
            self.d_optimizer.apply_gradients(zip(grads, weights, strict=True))
        noise = keras.random.normal((m, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake_logits = discriminator(generator(noise, training=True), training=True)
            g_loss = _generator_loss(fake_logits)
        weights = generator.trainable_weights
        grads = tape.gradient(g_loss, weights)
        self.g_optimizer.apply_gradients(zip(grads, weights, strict=True))
        return d_loss, g_loss

    def step(self, real):
        self.losses = self._train_step(self.tf.convert_to_tensor(real))

    def sync(self):
        return tuple(float(loss) for loss in self.losses)


class JaxLoop(_KerasLoop):
    """One ``jax.jit``-ed stateless step, as in the keras.io JAX guide."""

    def __init__(self, generator, discriminator, latent_dim, discriminator_steps):
        import jax

        super().__init__(generator, discriminator, latent_dim, discriminator_steps)
        self.jax = jax

        def values(variables):
            return [v.value for v in variables]

        self.state = (
            values(generator.trainable_variables),
            values(generator.non_trainable_variables),
            values(discriminator.trainable_variables),
            values(discriminator.non_trainable_variables),
            values(self.g_optimizer.variables),
            values(self.d_optimizer.variables),
            jax.random.key(1337),
        )
        self._d_grad = jax.value_and_grad(self._d_loss, has_aux=True)
        self._g_grad = jax.value_and_grad(self._g_loss, has_aux=True)
        self._train_step = jax.jit(self._step)

    def _d_loss(self, d_trainable, d_non_trainable, real, fake):
        import jax.numpy as jnp

        logits, d_non_trainable = self.discriminator.stateless_call(
            d_trainable, d_non_trainable, jnp.concatenate([real, fake]), training=True
        )
        return _discriminator_loss(logits, real.shape[0]), d_non_trainable

    def _g_loss(self, g_trainable, g_non_trainable, d_trainable, d_non_trainable, z):
        fake, g_non_trainable = self.generator.stateless_call(
            g_trainable, g_non_trainable, z, training=True
        )
        logits, d_non_trainable = self.discriminator.stateless_call(
            d_trainable, d_non_trainable, fake, training=True
        )
        return _generator_loss(logits), (g_non_trainable, d_non_trainable)

    def _step(self, state, real_images):
        jax = self.jax
        g_tv, g_ntv, d_tv, d_ntv, g_opt, d_opt, key = state
        m = real_images.shape[0] // self.k
        for i in range(self.k):
            key, noise_key = jax.random.split(key)
            z = jax.random.normal(noise_key, (m, self.latent_dim))
            fake, g_ntv = self.generator.stateless_call(g_tv, g_ntv, z, training=True)
            fake = jax.lax.stop_gradient(fake)
            real = real_images[i * m : (i + 1) * m]
            (d_loss, d_ntv), grads = self._d_grad(d_tv, d_ntv, real, fake)
            d_tv, d_opt = self.d_optimizer.stateless_apply(d_opt, grads, d_tv)
        key, noise_key = jax.random.split(key)
        z = jax.random.normal(noise_key, (m, self.latent_dim))
        (g_loss, (g_ntv, d_ntv)), grads = self._g_grad(g_tv, g_ntv, d_tv, d_ntv, z)
        g_tv, g_opt = self.g_optimizer.stateless_apply(g_opt, grads, g_tv)
        return (g_tv, g_ntv, d_tv, d_ntv, g_opt, d_opt, key), (d_loss, g_loss)

    def step(self, real):
        self.state, self.losses = self._train_step(self.state, real)

    def sync(self):
        return tuple(float(loss) for loss in self.losses)  # float() blocks


class TorchLoop(_KerasLoop):
    """Keras models trained by ``loss.backward()``, as in the keras.io PyTorch guide."""

    def __init__(self, generator, discriminator, latent_dim, discriminator_steps):
        import keras
        import torch

        super().__init__(generator, discriminator, latent_dim, discriminator_steps)
        self.torch = torch
        self.seed_generator = keras.random.SeedGenerator(1337)

    def _apply(self, optimizer, model, loss):
        model.zero_grad()
        loss.backward()
        weights = model.trainable_weights
        grads = [w.value.grad for w in weights]
        with self.torch.no_grad():
            optimizer.apply(grads, weights)

    def step(self, real):
        import keras

        torch, generator, discriminator = self.torch, self.generator, self.discriminator
        real_images = keras.ops.convert_to_tensor(real)  # on Keras's device
        m = real_images.shape[0] // self.k
        for i in range(self.k):
            real = real_images[i * m : (i + 1) * m]
            noise = keras.random.normal((m, self.latent_dim), seed=self.seed_generator)
            with torch.no_grad():
                fake = generator(noise, training=True)
            logits = discriminator(torch.cat([real, fake]), training=True)
            d_loss = _discriminator_loss(logits, m)
            self._apply(self.d_optimizer, discriminator, d_loss)
        noise = keras.random.normal((m, self.latent_dim), seed=self.seed_generator)
        fake_logits = discriminator(generator(noise, training=True), training=True)
        g_loss = _generator_loss(fake_logits)
        self._apply(self.g_optimizer, generator, g_loss)
        self.losses = (d_loss.detach(), g_loss.detach())

    def sync(self):
        return tuple(float(loss) for loss in self.losses)


class Batches:
    """Step batches of k*m images from an array, a new order every epoch."""

    def __init__(self, images, step_batch, seed=0):
        self.images, self.step_batch = images, step_batch
        self.rng = np.random.default_rng(seed)
        self.order, self.position = None, len(images)

    def __next__(self):
        if self.position + self.step_batch > len(self.images):
            self.order = self.images[self.rng.permutation(len(self.images))]
            self.position = 0
        batch = self.order[self.position : self.position + self.step_batch]
        self.position += self.step_batch
        return batch

    def __iter__(self):
        return self

"""Hand-written GAN loops: each Keras backend's keras.io guide style; plain PyTorch.

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
- ``PlainTorchLoop``: no Keras at all: ``torch.nn`` modules of the same
  architectures (``plain_torch_networks``), ``torch.optim.Adam``, NCHW images,
  eager mode. D's weights stop requiring gradients during the generator
  update (a common idiom), so torch does not compute gradients it discards.

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


# --- Plain PyTorch: the same networks as keras_gan.networks, without Keras ---


def plain_torch_networks(name, latent_dim=100, image_shape=(28, 28, 1), width=64):
    """``(generator, discriminator)`` as ``torch.nn`` modules, NCHW images.

    ``name`` is ``"paper"`` (``paper_mnist_generator`` / ``_discriminator``:
    ReLU MLP 1200-1200-sigmoid; dropout 0.2, maxout 240x5, dropout 0.5,
    maxout 240x5, dropout 0.5, one logit) or ``"dcgan"`` (``dcgan_generator``
    / ``_discriminator`` at ``width``: Dense -> BN -> ReLU -> 4x4/2
    transposed convs, BN, ReLU, tanh; two 4x4/2 convs with leaky ReLU 0.2 and
    dropout 0.3, one logit). Batch norm uses Keras's defaults (momentum 0.99,
    epsilon 1e-3); the paper MLPs start from the paper's uniform weights.
    """
    from torch import nn

    side, channels = image_shape[0], image_shape[-1]
    pixels = side * side * channels

    class Maxout(nn.Module):
        def __init__(self, inputs, units, pieces=5):
            super().__init__()
            self.units, self.pieces = units, pieces
            self.affine = nn.Linear(inputs, units * pieces)

        def forward(self, x):
            return self.affine(x).view(-1, self.units, self.pieces).amax(-1)

    class Unflatten(nn.Module):
        def __init__(self, *shape):
            super().__init__()
            self.shape = shape

        def forward(self, x):
            return x.view(x.shape[0], *self.shape)

    def bn(kind, features):
        return kind(features, eps=1e-3, momentum=0.01)

    if name == "paper":
        generator = nn.Sequential(
            nn.Linear(latent_dim, 1200), nn.ReLU(),
            nn.Linear(1200, 1200), nn.ReLU(),
            nn.Linear(1200, pixels), nn.Sigmoid(),
            Unflatten(channels, side, side),
        )  # fmt: skip
        discriminator = nn.Sequential(
            nn.Flatten(), nn.Dropout(0.2),
            Maxout(pixels, 240), nn.Dropout(0.5),
            Maxout(240, 240), nn.Dropout(0.5),
            nn.Linear(240, 1),
        )  # fmt: skip
        for network, scale in ((generator, 0.05), (discriminator, 0.005)):
            for module in network.modules():
                if isinstance(module, nn.Linear):
                    nn.init.uniform_(module.weight, -scale, scale)
                    nn.init.zeros_(module.bias)
    elif name == "dcgan":
        start = side // 4
        generator = nn.Sequential(
            nn.Linear(latent_dim, start * start * 2 * width, bias=False),
            bn(nn.BatchNorm1d, start * start * 2 * width), nn.ReLU(),
            Unflatten(2 * width, start, start),
            nn.ConvTranspose2d(2 * width, width, 4, 2, padding=1, bias=False),
            bn(nn.BatchNorm2d, width), nn.ReLU(),
            nn.ConvTranspose2d(width, channels, 4, 2, padding=1), nn.Tanh(),
        )  # fmt: skip
        discriminator = nn.Sequential(
            nn.Conv2d(channels, width, 4, 2, padding=1), nn.LeakyReLU(0.2),
            nn.Dropout(0.3),
            nn.Conv2d(width, 2 * width, 4, 2, padding=1), nn.LeakyReLU(0.2),
            nn.Dropout(0.3),
            nn.Flatten(), nn.Linear(2 * width * start * start, 1),
        )  # fmt: skip
    else:
        raise ValueError(f"Unknown network {name!r}: expected 'paper' or 'dcgan'.")
    return generator, discriminator


class PlainTorchLoop:
    """An eager PyTorch GAN loop on ``torch.nn`` modules (no Keras)."""

    def __init__(self, generator, discriminator, latent_dim=100, discriminator_steps=1):
        import torch

        self.torch = torch
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.generator = generator.to(self.device).train()
        self.discriminator = discriminator.to(self.device).train()
        self.latent_dim, self.k = latent_dim, discriminator_steps
        adam = {"lr": LEARNING_RATE, "betas": (BETA_1, 0.999), "eps": 1e-7}
        self.g_optimizer = torch.optim.Adam(generator.parameters(), **adam)
        self.d_optimizer = torch.optim.Adam(discriminator.parameters(), **adam)
        self.losses = None

    def step(self, real):
        import torch.nn.functional as F

        torch, generator, discriminator = self.torch, self.generator, self.discriminator
        real_images = torch.from_numpy(real).to(self.device)
        m = real_images.shape[0] // self.k
        for i in range(self.k):
            real = real_images[i * m : (i + 1) * m]
            noise = torch.randn(m, self.latent_dim, device=self.device)
            with torch.no_grad():
                fake = generator(noise)
            logits = discriminator(torch.cat([real, fake]))
            d_loss = F.softplus(-logits[:m]).mean() + F.softplus(logits[m:]).mean()
            self.d_optimizer.zero_grad()
            d_loss.backward()
            self.d_optimizer.step()
        discriminator.requires_grad_(False)
        noise = torch.randn(m, self.latent_dim, device=self.device)
        g_loss = F.softplus(-discriminator(generator(noise))).mean()
        self.g_optimizer.zero_grad()
        g_loss.backward()
        self.g_optimizer.step()
        discriminator.requires_grad_(True)
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

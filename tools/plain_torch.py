"""The same GAN as ``keras_gan.GAN`` in plain PyTorch: no Keras at all.

``plain_torch_networks`` builds ``torch.nn`` modules of the reference
architectures (NCHW images); ``PlainTorchLoop`` trains them as
``guide_loops``' loops do (same game, losses and Adam), eagerly, with
``torch.optim.Adam``. D's weights stop requiring gradients during the
generator update (a common idiom), so torch does not compute gradients it
discards. It has ``step(real)`` and ``sync()`` like the guide loops.
"""

from guide_loops import BETA_1, LEARNING_RATE


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

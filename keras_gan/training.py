"""The ``keras-gan train`` command: build, fit and save a GAN on a dataset."""

import os

import keras

from keras_gan import data, images, networks
from keras_gan.gan import GAN
from keras_gan.saving import save_model

NETWORKS = {
    "dcgan": (networks.dcgan_generator, networks.dcgan_discriminator),
    "paper": (networks.paper_mnist_generator, networks.paper_mnist_discriminator),
}


def build_gan(image_shape, *, network="dcgan", latent_dim=100, **gan_kwargs):
    """A compiled-ready ``GAN`` with reference networks for ``image_shape``."""
    if network not in NETWORKS:
        raise ValueError(
            f"Unknown `network`: {network!r}. Expected one of {sorted(NETWORKS)}."
        )
    make_generator, make_discriminator = NETWORKS[network]
    return GAN(
        make_generator(latent_dim, image_shape),
        make_discriminator(image_shape),
        **gan_kwargs,
    )


def train(
    dataset,
    *,
    output_dir,
    epochs,
    batch_size=64,
    discriminator_steps=1,
    generator_loss="non_saturating",
    network="dcgan",
    latent_dim=100,
    seed=None,
    data_dir=None,
    verbose="auto",
):
    """Trains a GAN on ``dataset`` and writes ``gan.keras`` and ``samples.png``."""
    if seed is not None:
        keras.utils.set_random_seed(seed)
    real_images, _ = data.load_arrays(dataset, data_dir=data_dir)
    gan = build_gan(
        real_images.shape[1:],
        network=network,
        latent_dim=latent_dim,
        discriminator_steps=discriminator_steps,
        generator_loss=generator_loss,
        seed=seed,
    )
    pixel_range = networks.output_range(gan.generator)
    pipeline = data.from_array(
        real_images,
        batch_size=batch_size,
        discriminator_steps=discriminator_steps,
        value_range=pixel_range,
        seed=seed,
    )
    gan.compile()
    gan.fit(pipeline, epochs=epochs, shuffle=False, verbose=verbose)
    save_model(gan, os.path.join(output_dir, "gan.keras"))
    grid = images.tile(images.to_uint8(gan.sample(64, seed=0), pixel_range), columns=8)
    images.save_png(os.path.join(output_dir, "samples.png"), grid, scale=4)
    return gan

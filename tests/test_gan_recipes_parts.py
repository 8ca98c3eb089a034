"""GAN with the training-recipe parts: objectives, penalties, augmentation, latents."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import LATENT_DIM, make_tiny_gan

from keras_gan import GAN, augment, losses, penalties


def _dataset(images, batch_size=16):
    return tf.data.Dataset.from_tensor_slices(images).batch(
        batch_size, drop_remainder=True
    )


def _sgd_gan(**kwargs):
    keras.utils.set_random_seed(0)
    gan = make_tiny_gan(**kwargs)
    gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1))
    return gan


@pytest.mark.parametrize("objective", sorted(losses.LOSSES))
def test_every_objective_trains(real_images, objective):
    gan = _sgd_gan(objective=objective)
    history = gan.fit(_dataset(real_images), epochs=1, verbose=0)
    assert all(np.isfinite(values).all() for values in history.history.values())
    assert gan.discriminator_loss_fn is losses.LOSSES[objective][1]


def test_a_zero_penalty_leaves_the_discriminator_update_unchanged(real_images):
    batch = _dataset(real_images).take(1)
    plain, zero = _sgd_gan(), _sgd_gan(penalties=[penalties.R1(0.0), penalties.R2(0.0)])
    plain.fit(batch, verbose=0)
    history = zero.fit(batch, verbose=0)
    assert history.history["d_penalty"] == [0.0]
    for a, b in zip(
        plain.discriminator.weights, zero.discriminator.weights, strict=True
    ):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7)
    penalised = _sgd_gan(penalties=[penalties.R1(10.0)])
    history = penalised.fit(batch, verbose=0)
    assert history.history["d_penalty"][0] > 0
    kernel = penalised.discriminator.weights[0].numpy()
    assert not np.allclose(kernel, plain.discriminator.weights[0].numpy())


class _Counting(augment.DiffAugment):
    calls = 0

    def __call__(self, images, draw):
        type(self).calls += 1
        return super().__call__(images, draw)


@pytest.mark.parametrize(
    "objective, calls", [("non_saturating", 3), ("relativistic", 4)]
)
def test_augmentation_reaches_every_batch_discriminator_sees(
    real_images, objective, calls
):
    # D update: real and fake; G update: fake (and real, for relativistic).
    _Counting.calls = 0
    gan = _sgd_gan(objective=objective, augmentation=_Counting("translation"))
    gan.compile(run_eagerly=True)
    gan.fit(_dataset(real_images).take(1), verbose=0)
    assert _Counting.calls == calls


def test_uniform_latents_train_sample_and_survive_saving(tmp_path, real_images):
    gan = _sgd_gan(latent_distribution="uniform", ema_decay=0.9)
    gan.fit(_dataset(real_images).take(2), verbose=0)
    seen = []
    gan.generator.call = _spy(gan.generator.call, seen)
    gan.sample(300, seed=1)
    latents = np.concatenate(seen)
    assert np.abs(latents).max() < np.sqrt(3) and latents.std() > 0.9
    gan.save(tmp_path / "gan.keras")
    loaded = keras.models.load_model(tmp_path / "gan.keras")
    assert loaded.latent_distribution == "uniform"
    np.testing.assert_array_equal(loaded.sample(4, seed=2), gan.sample(4, seed=2))


def _spy(call, seen):
    def spied(inputs, *args, **kwargs):
        seen.append(keras.ops.convert_to_numpy(inputs))
        return call(inputs, *args, **kwargs)

    return spied


def test_penalties_augmentation_and_objective_pairs_survive_saving(
    tmp_path, real_images
):
    pair = (losses.hinge_generator_loss, losses.hinge_discriminator_loss)
    gan = _sgd_gan(
        objective=pair,
        penalties=[penalties.R1(1.0, every=4), penalties.GradientPenalty(5.0)],
        augmentation=augment.DiffAugment("color,translation"),
        ema_decay=0.9, ema_schedule="constant",
    )  # fmt: skip
    gan.fit(_dataset(real_images).take(1), verbose=0)
    gan.save(tmp_path / "gan.keras")
    loaded = keras.models.load_model(tmp_path / "gan.keras")
    keys = ("objective", "penalties", "augmentation", "ema_schedule", "ema_decay")
    assert {k: loaded.get_config()[k] for k in keys} == {
        k: gan.get_config()[k] for k in keys
    }
    assert loaded.generator_loss_fn is losses.hinge_generator_loss
    assert [type(p) for p in loaded.penalties] == [
        penalties.R1,
        penalties.GradientPenalty,
    ]
    assert (
        loaded.penalties[0].every == 4
        and loaded.augmentation.policy == "color,translation"
    )
    assert loaded.ema_schedule == "constant"


def test_generator_loss_is_deprecated_for_objective():
    with pytest.warns(DeprecationWarning, match="objective='minimax'"):
        gan = make_tiny_gan(generator_loss="minimax")
    assert gan.objective == "minimax"
    with pytest.raises(ValueError, match="Unknown GAN `objective`"):
        make_tiny_gan(objective="hinge_loss")
    with pytest.raises(ValueError, match="ema_schedule"):
        make_tiny_gan(ema_decay=0.9, ema_schedule="cosine")


def test_files_from_before_objective_still_load():
    gan = make_tiny_gan()
    config = gan.get_config()
    for key in (
        "objective",
        "penalties",
        "augmentation",
        "latent_distribution",
        "ema_schedule",
    ):
        config.pop(key)
    old = GAN.from_config({**config, "generator_loss": "minimax"})
    assert old.objective == "minimax" and old.latent_distribution == "normal"
    assert old.latent_dim == LATENT_DIM

"""Conditional GANs: the same GAN with networks that take labels (every backend)."""

import keras
import numpy as np
import pytest
from conftest import IMAGE_SHAPE, LATENT_DIM

from keras_gan import GAN, augment, data, networks, penalties
from keras_gan.utils.atomic import save_model

pytestmark = pytest.mark.core

CLASSES = 10


def _conditional_gan(**kwargs):
    kwargs.setdefault("seed", 7)
    classes = {"num_classes": CLASSES}
    return GAN(
        networks.dcgan_generator(LATENT_DIM, IMAGE_SHAPE, width=4, **classes),
        networks.dcgan_discriminator(IMAGE_SHAPE, width=4, **classes),
        **kwargs,
    )


def test_networks_that_take_labels_make_the_gan_conditional():
    gan = _conditional_gan(class_names=[f"class {i}" for i in range(CLASSES)])
    assert gan.conditional and gan.num_classes == CLASSES  # read off the embedding
    assert gan.latent_dim == LATENT_DIM and gan.image_shape == IMAGE_SHAPE
    unconditional = networks.build_gan(IMAGE_SHAPE, width=4, latent_dim=LATENT_DIM)
    assert not unconditional.conditional and unconditional.num_classes is None
    assert "num_classes" not in unconditional.get_config()  # old configs unchanged


def test_mismatched_networks_and_class_counts_are_refused():
    generator = networks.dcgan_generator(
        LATENT_DIM, IMAGE_SHAPE, width=4, num_classes=3
    )
    plain_d = networks.dcgan_discriminator(IMAGE_SHAPE, width=4)
    with pytest.raises(
        ValueError, match="generator with 2 input.*discriminator with 1"
    ):
        GAN(generator, plain_d)
    plain_g = networks.dcgan_generator(LATENT_DIM, IMAGE_SHAPE, width=4)
    with pytest.raises(ValueError, match="num_classes.*=4.*take no labels"):
        GAN(plain_g, plain_d, num_classes=4)
    with pytest.raises(ValueError, match="class_names.*num_classes=10.*2 names"):
        _conditional_gan(class_names=["a", "b"])


class _RecordingGAN(GAN):
    """Records what each update of an eager train step is given."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = []

    def _discriminator_update(self, real_images, labels, noise, draw):
        self.seen.append(("d", _numpy(real_images), _numpy(labels)))
        return super()._discriminator_update(real_images, labels, noise, draw)

    def _generator_update(self, noise, labels, real_images, draw):
        self.seen.append(("g", None, _numpy(labels)))
        return super()._generator_update(noise, labels, real_images, draw)


def _numpy(tensor):
    return np.array(keras.ops.convert_to_numpy(tensor))


def test_each_discriminator_update_sees_its_own_minibatch_with_its_labels():
    # Image i is filled with i / 63 and labelled i % 10: a label names its image.
    count, k, m = 64, 2, 8
    images = np.broadcast_to(
        (np.arange(count) / (count - 1)).reshape(-1, 1, 1, 1), (count, *IMAGE_SHAPE)
    ).astype("float32")
    labels = np.arange(count) % CLASSES
    classes = {"num_classes": CLASSES}
    gan = _RecordingGAN(
        networks.dcgan_generator(LATENT_DIM, IMAGE_SHAPE, width=4, **classes),
        networks.dcgan_discriminator(IMAGE_SHAPE, width=4, **classes),
        discriminator_steps=k, seed=1,
    )  # fmt: skip
    gan.compile(run_eagerly=True)
    batches = data.from_array(
        images, labels=labels, batch_size=m, discriminator_steps=k, seed=3,
        value_range=(0.0, 1.0),
    )  # fmt: skip
    gan.fit(batches, epochs=1, steps_per_epoch=1, verbose=0)
    assert [kind for kind, _, _ in gan.seen] == ["d", "d", "g"]
    for step in range(1):
        (_, first, first_labels), (_, second, second_labels), (_, _, g_labels) = (
            gan.seen[3 * step : 3 * step + 3]
        )
        for real, real_labels in ((first, first_labels), (second, second_labels)):
            assert real.shape[0] == m and real_labels.shape == (m,)
            index = np.round(real[:, 0, 0, 0] * (count - 1)).astype(int)
            np.testing.assert_array_equal(real_labels, index % CLASSES)
        assert not set(np.round(first[:, 0, 0, 0] * 63)) & set(
            np.round(second[:, 0, 0, 0] * 63)
        )  # each update its own images
        np.testing.assert_array_equal(g_labels, second_labels)


def test_a_conditional_gan_learns_which_class_it_is_asked_for():
    # Class 0 lights the left half, class 1 the right half.
    keras.utils.set_random_seed(0)
    labels = np.arange(512) % 2
    images = np.zeros((512, 8, 8, 1), "float32")
    images[labels == 0, :, :4] = 1.0
    images[labels == 1, :, 4:] = 1.0
    gan = networks.build_gan((8, 8, 1), width=8, latent_dim=8, num_classes=2, seed=0)
    adam = {"learning_rate": 2e-3, "beta_1": 0.5}
    gan.compile(keras.optimizers.Adam(**adam), keras.optimizers.Adam(**adam))
    batches = data.from_array(
        images, labels=labels, batch_size=32, value_range=(-1, 1), seed=0
    )
    gan.fit(batches, epochs=6, verbose=0)
    for label, sign in ((0, 1.0), (1, -1.0)):
        drawn = gan.sample(64, seed=1, labels=label)
        left_minus_right = float((drawn[:, :, :4] - drawn[:, :, 4:]).mean())
        assert sign * left_minus_right > 1.0, (label, left_minus_right)


def test_sampling_labels_one_for_all_one_each_or_class_balanced():
    gan = _conditional_gan()
    balanced = gan.sample_labels(20)
    np.testing.assert_array_equal(np.bincount(balanced), [2] * CLASSES)
    assert list(balanced[:4]) == [0, 0, 1, 1]  # grouped by class
    assert list(gan.sample_labels(3, 7)) == [7, 7, 7]
    np.testing.assert_array_equal(
        gan.sample(3, seed=0, labels=[4, 4, 4]), gan.sample(3, seed=0, labels=4)
    )
    assert not np.allclose(
        gan.sample(3, seed=0, labels=1), gan.sample(3, seed=0, labels=2)
    )
    per_class = gan.sample_per_class(2, seed=5, classes=[3, 4])
    np.testing.assert_allclose(
        per_class[:2], gan.sample(2, seed=5, labels=3), atol=1e-6
    )
    np.testing.assert_allclose(
        per_class[2:], gan.sample(2, seed=5, labels=4), atol=1e-6
    )


@pytest.mark.parametrize(
    "labels, message",
    [
        (10, "must be < num_classes=10; received 10"),
        (-1, "must be >= 0; received -1"),
        ([1.5, 2.0, 3.0], "integer class indices; received dtype float"),
        (["a", "b", "c"], "integer class indices; received dtype <U1"),
        ([1, 2], "2 labels for 3 images"),
    ],
)
def test_bad_sample_labels_are_named(labels, message):
    with pytest.raises(ValueError, match=message):
        _conditional_gan().sample(3, seed=0, labels=labels)


def test_labels_for_an_unconditional_gan_and_images_without_labels_are_refused():
    unconditional = networks.build_gan(IMAGE_SHAPE, width=4, latent_dim=LATENT_DIM)
    with pytest.raises(ValueError, match="`labels` were given, but this GAN is unc"):
        unconditional.sample(2, seed=0, labels=1)
    gan = _conditional_gan()
    gan.compile()
    images = np.zeros((16, *IMAGE_SHAPE), "float32")
    with pytest.raises(ValueError, match="conditional \\(num_classes=10\\): fit it on"):
        gan.fit(data.from_array(images, batch_size=8), epochs=1, verbose=0)


def test_a_conditional_gan_with_ema_and_r1_trains_and_round_trips(tmp_path):
    names = [f"digit {i}" for i in range(CLASSES)]
    gan = _conditional_gan(
        ema_decay=0.9, penalties=[penalties.R1(1.0)], class_names=names
    )
    gan.compile()
    images = np.random.default_rng(0).uniform(-1, 1, (64, *IMAGE_SHAPE))
    labels = np.arange(64) % CLASSES
    batches = data.from_array(
        (images + 1) / 2, labels=labels, batch_size=16, value_range=(-1, 1), seed=0
    )
    history = gan.fit(batches, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_penalty"][-1])
    save_model(gan, tmp_path / "gan.keras")
    loaded = keras.saving.load_model(tmp_path / "gan.keras")
    assert loaded.num_classes == CLASSES and loaded.class_names == names
    for use_ema in (False, True):
        np.testing.assert_allclose(
            loaded.sample(6, seed=1, labels=[0, 1, 2, 3, 4, 5], use_ema=use_ema),
            gan.sample(6, seed=1, labels=[0, 1, 2, 3, 4, 5], use_ema=use_ema),
            atol=1e-6,
        )


def test_stacked_mnist_sized_labels_with_augmentation_k2_relativistic_lazy_r1_r2():
    # 1000 classes as Stacked MNIST has; DiffAugment moves the images and
    # leaves the labels; R1 and R2 differentiate D(x, y) at the batch's labels.
    keras.utils.set_random_seed(0)
    gan = networks.build_gan(
        IMAGE_SHAPE, width=4, latent_dim=LATENT_DIM, num_classes=1000, seed=3,
        discriminator_steps=2, objective="relativistic",
        penalties=[penalties.R1(1.0), penalties.R2(1.0, every=2)],
        augmentation=augment.DiffAugment("translation,cutout"),
    )  # fmt: skip
    gan.compile()
    images = np.random.default_rng(1).uniform(0, 1, (64, *IMAGE_SHAPE))
    labels = np.random.default_rng(2).integers(0, 1000, 64)
    batches = data.from_array(
        images, labels=labels, batch_size=16, value_range=(-1, 1), seed=0
    )
    history = gan.fit(batches, epochs=1, verbose=0)
    # Batches of k * m = 16: 4 outer steps of 2 discriminator updates on 8.
    assert int(gan.generator_optimizer.iterations) == 4
    assert int(gan.discriminator_optimizer.iterations) == 8
    for name in ("d_loss", "g_loss", "d_penalty"):
        assert np.isfinite(history.history[name][-1]), name
    np.testing.assert_array_equal(np.bincount(gan.sample_labels(2000)), [2] * 1000)
    assert gan.sample(2, seed=0, labels=999).shape == (2, *IMAGE_SHAPE)

import time

import numpy as np
import pytest
import tensorflow_datasets as tfds
from conftest import SHARED_DATA
from PIL import Image

from keras_gan import data

MNIST = SHARED_DATA / "mnist.npz"


def test_digits_are_the_offline_default():
    images, labels = data.load_arrays("digits")
    assert images.shape == (1797, 8, 8, 1) and images.dtype == np.float32
    assert images.min() == 0.0 and images.max() == 1.0
    assert set(labels) == set(range(10))


def test_npz_in_keras_datasets_layout(tmp_path):
    path = tmp_path / "tiny.npz"
    x = np.arange(2 * 4 * 4, dtype="uint8").reshape(2, 4, 4) * 8
    np.savez(path, x_train=x, y_train=np.array([3, 4]), x_test=x[:1], y_test=[5])
    images, labels = data.load_arrays(path)
    assert images.shape == (2, 4, 4, 1)
    np.testing.assert_allclose(images[..., 0], x / 255.0)
    np.testing.assert_array_equal(labels, [3, 4])
    images, labels = data.load_arrays(path, split="test")
    assert len(images) == 1 and list(labels) == [5]
    with pytest.raises(ValueError, match="no 'x_valid'.*x_train"):
        data.load_arrays(path, split="valid")


def test_real_mnist_file_loads():
    images, labels = data.load_arrays(MNIST, split="test")
    assert images.shape == (10000, 28, 28, 1)
    assert np.bincount(labels)[0] == 980  # per the dataset's README


def test_image_folder(tmp_path):
    for index in range(3):
        pixels = np.full((6, 6, 3), 40 * index, "uint8")
        Image.fromarray(pixels).save(tmp_path / f"{index}.png")
    images, labels = data.load_arrays(tmp_path)
    assert images.shape == (3, 6, 6, 3) and labels is None
    np.testing.assert_allclose(images[:, 0, 0, 0], [0, 40 / 255, 80 / 255])
    Image.fromarray(np.zeros((5, 5), "uint8")).save(tmp_path / "odd.png")
    with pytest.raises(ValueError, match="one size"):
        data.load_arrays(tmp_path)


def test_tfds_names_load_through_tensorflow_datasets():
    with tfds.testing.mock_data(num_examples=12):
        images, labels = data.load_arrays("mnist")
    assert images.shape == (12, 28, 28, 1) and labels.shape == (12,)
    assert 0.0 <= images.min() and images.max() <= 1.0


def test_missing_tfds_data_offline_fails_fast_with_a_way_out(tmp_path, monkeypatch):
    monkeypatch.setattr(data.sources, "_can_reach", lambda address, timeout=3.0: False)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="no prepared copy of 'mnist'.*\\.npz"):
        data.load_arrays("mnist", data_dir=str(tmp_path))
    assert time.monotonic() - start < 10


def test_unknown_sources_are_named(tmp_path):
    with pytest.raises(ValueError, match="'no_such_dataset_xyz'"):
        data.load_arrays("no_such_dataset_xyz")
    with pytest.raises(FileNotFoundError, match="missing.npz"):
        data.load_arrays(tmp_path / "missing.npz")


@pytest.mark.parametrize("k", [1, 3])
def test_from_array_batches_k_times_m_in_the_generator_range(k):
    images = np.random.default_rng(0).uniform(size=(50, 4, 4, 1)).astype("float32")
    dataset = data.from_array(
        images, batch_size=5, discriminator_steps=k, value_range=(-1, 1), seed=1
    )
    batches = [batch.numpy() for batch in dataset]
    assert len(batches) == 50 // (5 * k)
    assert all(batch.shape == (5 * k, 4, 4, 1) for batch in batches)
    assert dataset.element_spec.shape[0] == 5 * k  # static: drop_remainder
    seen = np.concatenate(batches)
    assert seen.min() >= -1 and seen.max() <= 1
    assert len(np.unique(seen[:, 0, 0, 0])) == len(seen)  # no image repeated
    with pytest.raises(ValueError, match="batch_size"):
        data.from_array(images, batch_size=60)


def test_bad_npz_files_are_named_with_what_is_wrong(tmp_path):
    (tmp_path / "text.npz").write_text("not a zip")
    with pytest.raises(ValueError, match="is not a NumPy .npz archive"):
        data.load_arrays(tmp_path / "text.npz")
    np.savez(tmp_path / "empty.npz", x_train=np.zeros((0, 28, 28), "uint8"))
    with pytest.raises(ValueError, match=r"empty.npz:x_train` holds no images"):
        data.load_arrays(tmp_path / "empty.npz")
    pixels = np.full((5, 4, 4), 0.5, "float32")
    pixels[2, 0, 0] = np.inf
    np.savez(tmp_path / "inf.npz", x_train=pixels)
    with pytest.raises(
        ValueError, match="1 NaN or infinite values .the first in image 2"
    ):
        data.load_arrays(tmp_path / "inf.npz")
    np.savez(tmp_path / "range.npz", x_train=pixels.clip(0, 2))
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\].*\[0.5, 2\]"):
        data.load_arrays(tmp_path / "range.npz")


def test_from_array_refuses_non_finite_images():
    images = np.full((8, 4, 4, 1), 0.5, "float32")
    images[1] = np.nan
    with pytest.raises(ValueError, match="16 NaN or infinite values"):
        data.from_array(images, batch_size=4)


def test_stacked_mnist_stacks_three_digits_with_1000_mode_labels(tmp_path):
    # Digit d is an image filled with d (so each channel names its digit).
    labels = np.arange(40) % 10
    digits = np.repeat(labels.astype("uint8") * 20, 16).reshape(40, 4, 4)
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=digits, y_train=labels, x_test=digits, y_test=labels)
    images, modes = data.load_arrays(f"stacked_mnist:{path}")
    assert images.shape == (40, 4, 4, 3) and modes.shape == (40,)
    channels = np.round(images[:, 0, 0, :] * 255 / 20).astype(int)
    np.testing.assert_array_equal(channels @ np.array([100, 10, 1]), modes)
    again, _ = data.load_arrays(f"stacked_mnist:{path}")
    np.testing.assert_array_equal(images, again)  # the same stacking everywhere
    test, test_modes = data.load_arrays(f"stacked_mnist:{path}", split="test")
    assert not np.array_equal(test_modes, modes)  # its own stream
    assert len(np.unique(modes)) > 30


def test_stacked_mnist_needs_labelled_one_channel_digits(tmp_path):
    np.savez(tmp_path / "rgb.npz", x_train=np.zeros((4, 4, 4, 3), "uint8"))
    with pytest.raises(ValueError, match="needs a one-channel MNIST .npz"):
        data.load_arrays(f"stacked_mnist:{tmp_path / 'rgb.npz'}")


@pytest.mark.parametrize("shuffle", [True, False])
def test_tf_data_pipelines_do_not_autotune(shuffle):
    # tf.data's autotuning thread made every `fit` that stopped mid-stream
    # wait for its next wake-up (keras_gan.data.order.prefetched).
    images = np.zeros((8, 4, 4, 1), "float32")
    one_epoch = data.from_array(images, batch_size=2, shuffle=shuffle, seed=0)
    resumed = data.epoch_batches(
        images, step_batch_size=2, seed=0, start_epoch=0, end_epoch=2, skip=1
    )
    for pipeline, batches in [(one_epoch, 4), (resumed, 2 * 4 - 1)]:
        assert pipeline.options().autotune.enabled is False
        assert len(list(pipeline)) == batches

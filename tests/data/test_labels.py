"""Class labels: checks, balanced samples, and labels travelling with images."""

import os

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gan import data

pytestmark = pytest.mark.core


def test_check_labels_accepts_int_class_indices():
    checked = data.check_labels(
        np.array([0, 2, 1], "int64"), num_images=3, num_classes=3
    )
    assert checked.dtype == np.int32 and list(checked) == [0, 2, 1]


@pytest.mark.parametrize(
    "labels, message",
    [
        ([0.0, 1.0], "integer class indices; received dtype float64"),
        (["0", "1"], "integer class indices; received dtype <U1"),
        ([True, False], "integer class indices; received dtype bool"),
        ([[0, 1]], r"shape \(N,\); received shape \(1, 2\)"),
        ([0, 1, 2], "3 labels for 2 images"),
        ([0, -1], "must be >= 0; received -1"),
        ([0, 5], "must be < num_classes=5; received 5"),
    ],
)
def test_bad_labels_are_named_in_one_line(labels, message):
    with pytest.raises(ValueError, match=message):
        data.check_labels(labels, num_images=2, num_classes=5)


def test_balanced_labels_give_every_class_its_share_grouped():
    np.testing.assert_array_equal(data.balanced_labels(6, 3), [0, 0, 1, 1, 2, 2])
    counts = np.bincount(data.balanced_labels(25, 10))
    assert counts.min() == 2 and counts.max() == 3 and counts.sum() == 25
    assert data.count_classes([0, 4, 2]) == 5


def _numpy(batch):
    return [keras.ops.convert_to_numpy(part) for part in batch]


def test_from_array_batches_each_image_with_its_own_label():
    # Image i is filled with i / 99 and labelled i % 7.
    images = np.broadcast_to(
        (np.arange(100) / 99.0).reshape(-1, 1, 1, 1), (100, 4, 4, 1)
    ).astype("float32")
    labels = np.arange(100) % 7
    dataset = data.from_array(
        images, labels=labels, batch_size=8, discriminator_steps=2, seed=1
    )
    seen = []
    for batch in list(iter(dataset))[:3]:
        pixels, batch_labels = _numpy(batch)
        assert pixels.shape == (16, 4, 4, 1) and batch_labels.shape == (16,)
        index = np.round(pixels[:, 0, 0, 0] * 99).astype(int)
        np.testing.assert_array_equal(batch_labels, index % 7)
        seen += list(index)
    assert len(set(seen)) == len(seen)  # a shuffled epoch repeats no image
    with pytest.raises(ValueError, match="99 labels for 100 images"):
        data.from_array(images, labels=labels[:99], batch_size=8)


def test_epoch_batches_resume_the_labelled_order_of_from_array():
    images = np.random.default_rng(0).uniform(size=(40, 4, 4, 1)).astype("float32")
    labels = np.arange(40) % 5
    whole = [
        _numpy(b)
        for b in iter(data.from_array(images, labels=labels, batch_size=8, seed=4))
    ]
    resumed = data.epoch_batches(
        images, labels=labels, step_batch_size=8, seed=4, start_epoch=0,
        end_epoch=1, skip=2,
    )  # fmt: skip
    for expected, got in zip(
        whole[2:], [_numpy(b) for b in iter(resumed)], strict=True
    ):
        np.testing.assert_array_equal(expected[0], got[0])
        np.testing.assert_array_equal(expected[1], got[1])


def test_a_folder_of_class_sub_folders_is_labelled_by_sorted_names(tmp_path):
    for name, value in (("zebra", 200), ("ant", 50), ("moth", 120)):
        os.makedirs(tmp_path / name)
        for index in range(2):
            Image.fromarray(np.full((4, 4), value + index, "uint8")).save(
                tmp_path / name / f"{index}.png"
            )
    dataset = data.load_dataset(str(tmp_path))
    assert dataset.class_names == ["ant", "moth", "zebra"]
    np.testing.assert_array_equal(dataset.labels, [0, 0, 1, 1, 2, 2])
    np.testing.assert_allclose(dataset.images[::2, 0, 0, 0] * 255, [50, 120, 200])
    Image.fromarray(np.zeros((4, 4), "uint8")).save(tmp_path / "stray.png")
    with pytest.raises(ValueError, match="mixes images at its top"):
        data.load_dataset(str(tmp_path))


def test_a_flat_folder_and_digits_say_what_labels_they_have(tmp_path):
    Image.fromarray(np.zeros((4, 4), "uint8")).save(tmp_path / "a.png")
    flat = data.load_dataset(str(tmp_path))
    assert flat.labels is None and flat.class_names is None
    digits = data.load_dataset("digits")
    assert digits.labels.shape == (1797,) and digits.class_names is None

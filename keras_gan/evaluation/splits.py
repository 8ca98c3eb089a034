"""The real images an evaluation compares generated images with."""

import collections
import os

import numpy as np

from keras_gan import data

RealData = collections.namedtuple(
    "RealData", ["train", "train_labels", "validation", "test", "test_labels"]
)
RealData.__doc__ = """Real images in [0, 1] (N, H, W, C) and their labels (or None).

``train`` is what the judge classifier learns from and what memorisation
searches; ``validation`` chooses the Parzen sigma; ``test`` is the held-out
set every metric scores against."""

MNIST_TRAIN_SIZE = 50_000  # the paper's 50k/10k train/validation split
VALIDATION_SIZE = 1_000  # parzen_ll.py's `limit_size`


def load_real(dataset, *, data_dir=None):
    """Loads the train, validation and test images of ``dataset``.

    The splits follow the paper's Parzen protocol (goodfeli/adversarial,
    ``parzen_ll.py``): with 60,000 training images or more (MNIST, Fashion-
    MNIST), validation is the first 1,000 images of ``train[50000:]`` and test
    is the test split. A smaller training split gives its last 10 % (at most
    1,000 images) to validation. A source with a single split (``"digits"``,
    an image folder) keeps its last 20 % as the test set.

    Args:
        dataset: anything ``keras_gan.data.load_arrays`` takes.
        data_dir: tensorflow-datasets data directory.

    Returns:
        A ``RealData`` tuple.
    """
    train, train_labels = data.load_arrays(dataset, split="train", data_dir=data_dir)
    if _has_test_split(dataset):
        test, test_labels = data.load_arrays(dataset, split="test", data_dir=data_dir)
    else:
        cut = len(train) - len(train) // 5
        test, test_labels = train[cut:], _slice(train_labels, cut, None)
        train, train_labels = train[:cut], _slice(train_labels, None, cut)
    if len(train) >= MNIST_TRAIN_SIZE + VALIDATION_SIZE:
        start = MNIST_TRAIN_SIZE
    else:
        start = len(train) - min(VALIDATION_SIZE, max(1, len(train) // 10))
    validation = train[start : start + VALIDATION_SIZE]
    return RealData(train, train_labels, validation, test, test_labels)


def _has_test_split(dataset):
    source = os.fspath(dataset)
    return source != "digits" and not os.path.isdir(source)


def _slice(labels, start, stop):
    return None if labels is None else np.asarray(labels)[start:stop]

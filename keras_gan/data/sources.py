"""Loaders of real images: digits, .npz files, image folders, tfds, Stacked MNIST.

Every loader returns images as float32 arrays of shape (N, H, W, C) in [0, 1]
and integer labels (or None), after checking that the images are there and
finite: a bad file fails here, with its name, before anything trains.

Sources: ``"digits"`` (scikit-learn's bundled 8x8 digits, offline), a ``.npz``
file in the ``keras.datasets`` layout (``x_train``, ``y_train``, ``x_test``,
``y_test``), ``"stacked_mnist:PATH"`` (three MNIST digits of ``PATH``'s
``.npz`` as the R, G and B channels, 1000 modes), a folder of image files, or
a tensorflow-datasets name. Only the last needs TensorFlow.
"""

import os
import socket
from typing import NamedTuple

import numpy as np

from keras_gan.data.checks import as_nhwc, to_unit_range
from keras_gan.data.folders import load_folder
from keras_gan.data.npz import load_npz
from keras_gan.data.stacked_mnist import STACKED_PREFIX, load_stacked_mnist
from keras_gan.utils.requirements import import_optional, import_tensorflow

_TFDS_HOST = ("storage.googleapis.com", 443)


class Dataset(NamedTuple):
    """A loaded source: images, their labels and the classes' names."""

    images: np.ndarray
    labels: np.ndarray | None = None
    class_names: list | None = None


def load_arrays(source, *, split="train", data_dir=None):
    """Loads ``(images, labels)`` from a named or local source.

    ``load_dataset`` gives the class names too.

    Args:
        source: ``"digits"``, a path to a ``.npz`` file or an image folder, or
            a tensorflow-datasets name such as ``"mnist"``.
        split: ``"train"`` or ``"test"`` (``.npz`` and tfds; ``digits`` and
            folders have one split).
        data_dir: tensorflow-datasets data directory.

    Returns:
        float32 images (N, H, W, C) in [0, 1], and int64 labels or None.
    """
    images, labels, _ = load_dataset(source, split=split, data_dir=data_dir)
    return images, labels


def load_dataset(source, *, split="train", data_dir=None):
    """A ``Dataset``: ``load_arrays``'s images and labels, and the class names.

    Class names are known for digits ("0" to "9"), image folders with class
    sub-folders (their names, sorted), tensorflow-datasets sets and ``.npz``
    files holding a ``class_names`` array; else None.
    """
    source = os.fspath(source)
    if source == "digits":
        return Dataset(*_load_digits(), [str(digit) for digit in range(10)])
    if source.startswith(STACKED_PREFIX):
        return Dataset(*load_stacked_mnist(source[len(STACKED_PREFIX) :], split=split))
    if source.endswith(".npz"):
        return Dataset(*load_npz(source, split))
    if os.path.isdir(source):
        return Dataset(*load_folder(source))
    if os.sep in source or os.path.exists(source):
        raise ValueError(
            f"`dataset` {source!r} is not a .npz file or a folder of images, or "
            "does not exist."
        )
    return Dataset(*_load_tfds(source, split, data_dir))


def _load_digits():
    from sklearn.datasets import load_digits

    digits = load_digits()
    # Pixel intensities of this set are counts 0..16.
    return as_nhwc(digits.images / 16.0), digits.target.astype("int64")


def _import_tfds(name):
    """``tensorflow_datasets``, after checking TensorFlow, which it runs on."""
    feature = (
        f"`dataset` {name!r} is not 'digits', a .npz file or an image folder, so "
        "it names a tensorflow-datasets set, and loading one"
    )
    import_tensorflow(feature)
    return import_optional(
        "tensorflow_datasets", feature, package="tensorflow-datasets",
        install="pip install tensorflow-datasets",
    )  # fmt: skip


def _load_tfds(name, split, data_dir):
    tfds = _import_tfds(name)
    try:
        builder = tfds.builder(name, data_dir=data_dir, try_gcs=False)
    except tfds.core.registered.DatasetNotFoundError as error:
        raise ValueError(
            f"`dataset` {name!r} is not 'digits', an existing .npz file or folder, "
            "or a tensorflow-datasets name."
        ) from error
    try:
        dataset = builder.as_dataset(split=split, as_supervised=True)
    except AssertionError:  # tfds's way of saying "not prepared in data_dir"
        if not _can_reach(_TFDS_HOST):
            raise RuntimeError(
                f"tensorflow-datasets has no prepared copy of {name!r} in "
                f"{builder.data_dir!r} and this machine cannot reach the internet "
                f"to download it. Either run `tfds build {name}` on a connected "
                "machine and pass its directory as `data_dir`, or pass a local "
                ".npz file (keras.datasets layout) or an image folder instead."
            ) from None
        builder.download_and_prepare()
        dataset = builder.as_dataset(split=split, as_supervised=True)
    batches = list(tfds.as_numpy(dataset.batch(4096)))
    images = np.concatenate([images for images, _ in batches])
    labels = np.concatenate([labels for _, labels in batches])
    label = builder.info.features[builder.info.supervised_keys[1]]
    names = list(getattr(label, "names", None) or []) or None
    return to_unit_range(images), labels.astype("int64"), names


def _can_reach(address, timeout=3.0):
    try:
        socket.create_connection(address, timeout=timeout).close()
        return True
    except OSError:
        return False

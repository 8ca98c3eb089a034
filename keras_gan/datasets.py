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
import zipfile

import numpy as np

from keras_gan.requirements import import_optional, import_tensorflow

_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
_TFDS_HOST = ("storage.googleapis.com", 443)
STACKED_PREFIX = "stacked_mnist:"


def load_arrays(source, *, split="train", data_dir=None):
    """Loads ``(images, labels)`` from a named or local source.

    Args:
        source: ``"digits"``, a path to a ``.npz`` file or an image folder, or
            a tensorflow-datasets name such as ``"mnist"``.
        split: ``"train"`` or ``"test"`` (``.npz`` and tfds; ``digits`` and
            folders have one split).
        data_dir: tensorflow-datasets data directory.

    Returns:
        float32 images (N, H, W, C) in [0, 1], and int64 labels or None.
    """
    source = os.fspath(source)
    if source == "digits":
        return _load_digits()
    if source.startswith(STACKED_PREFIX):
        return load_stacked_mnist(source[len(STACKED_PREFIX) :], split=split)
    if source.endswith(".npz"):
        return _load_npz(source, split)
    if os.path.isdir(source):
        return _load_folder(source), None
    if os.sep in source or os.path.exists(source):
        raise ValueError(
            f"`dataset` {source!r} is not a .npz file or a folder of images, or "
            "does not exist."
        )
    return _load_tfds(source, split, data_dir)


def _load_digits():
    from sklearn.datasets import load_digits

    digits = load_digits()
    # Pixel intensities of this set are counts 0..16.
    return as_nhwc(digits.images / 16.0), digits.target.astype("int64")


def _load_npz(path, split):
    if not os.path.isfile(path):
        raise FileNotFoundError(f"`dataset` file {path!r} does not exist.")
    # np.load reads anything that is not a zip as a pickle, and then
    # complains about allow_pickle: say what the file is not instead.
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"`dataset` {path!r} is not a NumPy .npz archive (it is not a zip "
            "file). Expected np.savez output in the keras.datasets layout "
            "(x_train, y_train, x_test, y_test)."
        )
    with np.load(path, allow_pickle=False) as archive:
        key = f"x_{split}"
        if key not in archive:
            raise ValueError(
                f"{path!r} has no {key!r} array for split={split!r}; it holds "
                f"{sorted(archive.files)}. Expected the keras.datasets layout "
                "(x_train, y_train, x_test, y_test)."
            )
        images = _to_unit_range(archive[key], f"{path}:{key}")
        labels = archive.get(f"y_{split}")
    return images, None if labels is None else labels.astype("int64").ravel()


def _load_folder(folder):
    from PIL import Image

    paths = sorted(
        os.path.join(root, name)
        for root, _, names in os.walk(folder)
        for name in names
        if name.lower().endswith(_IMAGE_SUFFIXES)
    )
    if not paths:
        raise ValueError(
            f"`dataset` folder {folder!r} holds no image files "
            f"({', '.join(_IMAGE_SUFFIXES)})."
        )
    with Image.open(paths[0]) as first:
        mode = "L" if first.mode in ("1", "L", "LA", "I", "I;16") else "RGB"
        size = first.size
    images = []
    for path in paths:
        with Image.open(path) as image:
            if image.size != size:
                raise ValueError(
                    f"All images in {folder!r} must have one size; {paths[0]!r} is "
                    f"{size} but {path!r} is {image.size}. Resize them first."
                )
            images.append(np.asarray(image.convert(mode)))
    return _to_unit_range(np.stack(images))


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
    return _to_unit_range(images), labels.astype("int64")


def _can_reach(address, timeout=3.0):
    try:
        socket.create_connection(address, timeout=timeout).close()
        return True
    except OSError:
        return False


def _to_unit_range(images, name="dataset"):
    images = np.asarray(images)
    if images.dtype == np.uint8:
        return check_images(as_nhwc(images.astype("float32") / 255.0), name)
    if not np.issubdtype(images.dtype, np.number):
        raise ValueError(
            f"`{name}` must hold uint8 or float pixels; received dtype {images.dtype}."
        )
    return check_images(as_nhwc(images.astype("float32")), name)


def as_nhwc(images):
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise ValueError(
            "Expected images of shape (N, H, W) or (N, H, W, C); received shape "
            f"{images.shape}."
        )
    return images.astype("float32")


def check_images(images, name="images"):
    """Returns ``images``; raises unless they are non-empty and finite in [0, 1]."""
    if len(images) == 0:
        raise ValueError(
            f"`{name}` holds no images (shape {images.shape}); expected at least one."
        )
    finite = np.isfinite(images)
    if not finite.all():
        first = int(np.argmin(finite.reshape(len(images), -1).all(axis=1)))
        raise ValueError(
            f"`{name}` holds {int(images.size - finite.sum())} NaN or infinite "
            f"values (the first in image {first}); expected finite pixels in [0, 1]."
        )
    low, high = float(images.min()), float(images.max())
    if low < 0.0 or high > 1.0:
        raise ValueError(
            f"`{name}` must lie in [0, 1] (uint8 sources are divided by 255); "
            f"received values in [{low:g}, {high:g}]."
        )
    return images


def load_stacked_mnist(path, *, split="train", seed=0):
    """Stacked MNIST: three MNIST digits as the R, G and B channels of one image.

    The standard mode-collapse benchmark (Metz et al. 2017; Srivastava et al.
    2017): each image stacks three digits drawn independently at random, so
    there are 1000 modes, the label ``100 * red + 10 * green + blue``. As many
    images as the split has digits are built, from a fixed ``seed`` (the
    test split uses another stream), so the set is the same on every machine.

    Args:
        path: the MNIST ``.npz`` file (keras.datasets layout).
        split: ``"train"`` or ``"test"``.
        seed: which random stacking.

    Returns:
        float32 images (N, 28, 28, 3) in [0, 1] and int64 labels 0..999.
    """
    digits, labels = _load_npz(path, split)
    if labels is None or digits.shape[-1] != 1:
        raise ValueError(
            f"`dataset` {STACKED_PREFIX}{path} needs a one-channel MNIST .npz with "
            f"y_{split} labels; found images of shape {digits.shape[1:]}"
            + ("" if labels is not None else " and no labels")
            + "."
        )
    stream = np.random.default_rng([seed, 0 if split == "train" else 1])
    picks = stream.integers(0, len(digits), size=(len(digits), 3))
    images = np.concatenate([digits[picks[:, c]] for c in range(3)], axis=-1)
    stacked = labels[picks] @ np.array([100, 10, 1])
    return images, stacked.astype("int64")

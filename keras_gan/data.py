"""Real-image pipelines for GAN training.

Every loader returns images as float32 arrays of shape (N, H, W, C) in [0, 1]
and integer labels (or None). ``from_array`` then rescales them to the
generator's pixel range and batches them at k*m images, the batch one
``GAN.train_step`` splits into k discriminator minibatches of m.

Sources: ``"digits"`` (scikit-learn's bundled 8x8 digits, offline), a ``.npz``
file in the ``keras.datasets`` layout (``x_train``, ``y_train``, ``x_test``,
``y_test``), a folder of image files, or a tensorflow-datasets name.
"""

import os
import socket

import numpy as np
import tensorflow as tf

_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
_TFDS_HOST = ("storage.googleapis.com", 443)


def from_array(
    images,
    *,
    batch_size,
    discriminator_steps=1,
    value_range=(0.0, 1.0),
    shuffle=True,
    seed=None,
):
    """A ``tf.data`` pipeline of real images batched for ``GAN.fit``.

    Each element holds ``discriminator_steps * batch_size`` images, so every
    discriminator update of a step gets its own ``batch_size`` (m) images
    (Goodfellow et al. 2014, Algorithm 1). The remainder is dropped.

    Args:
        images: array (N, H, W, C) (or (N, H, W)) with values in [0, 1].
        batch_size: m, images per discriminator update.
        discriminator_steps: k, discriminator updates per generator update.
        value_range: pixel range of the generator, e.g. ``(-1, 1)`` for tanh;
            see ``keras_gan.networks.output_range``.
        shuffle: reshuffle every epoch.
        seed: shuffle seed, for reproducible data order.

    Example:
    >>> images, _ = load_arrays("digits")
    >>> dataset = from_array(images, batch_size=64, value_range=(-1, 1))
    """
    images = _as_nhwc(np.asarray(images, dtype="float32"))
    step_batch = discriminator_steps * batch_size
    if not 0 < step_batch <= len(images):
        raise ValueError(
            f"`batch_size` * `discriminator_steps` = {batch_size} * "
            f"{discriminator_steps} must be between 1 and the number of images "
            f"({len(images)})."
        )
    images = rescale(images, value_range)
    dataset = tf.data.Dataset.from_tensor_slices(images).cache()
    if shuffle:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(step_batch, drop_remainder=True)
    return dataset.prefetch(tf.data.AUTOTUNE)


def rescale(images, value_range):
    """Maps float32 images from [0, 1] to ``value_range`` (the generator's)."""
    low, high = value_range
    return images * np.float32(high - low) + np.float32(low)


def make_dataset(source, *, split="train", data_dir=None, **kwargs):
    """``from_array(load_arrays(source, split=split)[0], **kwargs)``."""
    images, _ = load_arrays(source, split=split, data_dir=data_dir)
    return from_array(images, **kwargs)


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
    return _as_nhwc(digits.images / 16.0), digits.target.astype("int64")


def _load_npz(path, split):
    if not os.path.isfile(path):
        raise FileNotFoundError(f"`dataset` file {path!r} does not exist.")
    with np.load(path) as archive:
        key = f"x_{split}"
        if key not in archive:
            raise ValueError(
                f"{path!r} has no {key!r} array for split={split!r}; it holds "
                f"{sorted(archive.files)}. Expected the keras.datasets layout "
                "(x_train, y_train, x_test, y_test)."
            )
        images = _to_unit_range(archive[key])
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


def _load_tfds(name, split, data_dir):
    import tensorflow_datasets as tfds

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


def _to_unit_range(images):
    images = np.asarray(images)
    if images.dtype == np.uint8:
        return _as_nhwc(images.astype("float32") / 255.0)
    images = images.astype("float32")
    if images.min() < 0.0 or images.max() > 1.0:
        raise ValueError(
            "Expected uint8 images (0..255) or float images in [0, 1]; received "
            f"{images.dtype} values in [{images.min()}, {images.max()}]."
        )
    return _as_nhwc(images)


def _as_nhwc(images):
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise ValueError(
            "Expected images of shape (N, H, W) or (N, H, W, C); received shape "
            f"{images.shape}."
        )
    return images.astype("float32")

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
import zipfile

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
    (Goodfellow et al. 2014, Algorithm 1). The remainder is dropped. Each
    pass over the dataset (each epoch of ``fit``) visits the images in the
    order ``epoch_order(N, seed, epoch)``, the order ``keras-gan train`` and
    its resume use, so a seed names the same batches either way.

    Args:
        images: array (N, H, W, C) (or (N, H, W)) with finite values in [0, 1].
        batch_size: m, images per discriminator update.
        discriminator_steps: k, discriminator updates per generator update.
        value_range: pixel range of the generator, e.g. ``(-1, 1)`` for tanh;
            see ``keras_gan.networks.output_range``.
        shuffle: a new order every epoch; False keeps the array's order.
        seed: data-order seed; None draws one.

    Example:
    >>> images, _ = load_arrays("digits")
    >>> dataset = from_array(images, batch_size=64, value_range=(-1, 1))
    """
    images = check_images(_as_nhwc(np.asarray(images, dtype="float32")))
    step_batch = check_step_batch(len(images), batch_size, discriminator_steps)
    images = rescale(images, value_range)
    if not shuffle:
        dataset = tf.data.Dataset.from_tensor_slices(images).cache()
        return dataset.batch(step_batch, drop_remainder=True).prefetch(2)
    seed = int(np.random.randint(2**31)) if seed is None else seed
    # Counts the passes over the dataset: each `iter()` (one per epoch of
    # `fit`) runs `next_epoch` again and takes the next epoch's order.
    passes = tf.Variable(0, dtype="int64", trainable=False, name="epochs_started")
    pixels = tf.constant(images)

    def next_epoch(_):
        return _epoch(pixels, step_batch, seed, passes.assign_add(1) - 1)

    dataset = tf.data.Dataset.range(1).flat_map(next_epoch)
    dataset = dataset.apply(
        tf.data.experimental.assert_cardinality(len(images) // step_batch)
    )
    return dataset.prefetch(tf.data.AUTOTUNE)


def rescale(images, value_range):
    """Maps float32 images from [0, 1] to ``value_range`` (the generator's)."""
    low, high = value_range
    return images * np.float32(high - low) + np.float32(low)


def epoch_order(count, seed, epoch):
    """The order in which epoch ``epoch`` visits ``count`` images.

    ``stateless_shuffle(range(count), (seed, epoch))``: a pure function of
    its arguments, so a new process can rebuild any epoch's order.
    """
    key = tf.stack([tf.cast(seed, "int64"), tf.cast(epoch, "int64")])
    return tf.random.experimental.stateless_shuffle(tf.range(count), key)


def _epoch(pixels, step_batch, seed, epoch):
    """The batches of one epoch of ``pixels`` (a tensor), remainder dropped."""
    count = pixels.shape[0]
    batches = count // step_batch
    order = epoch_order(count, seed, epoch)[: batches * step_batch]
    indices = tf.data.Dataset.from_tensor_slices(tf.reshape(order, (batches, -1)))
    return indices.map(lambda index: tf.gather(pixels, index))


def epoch_batches(images, *, step_batch_size, seed, start_epoch, end_epoch, skip=0):
    """Batches of epochs ``start_epoch .. end_epoch - 1``, skipping the first ``skip``.

    The batches ``from_array(..., seed=seed)`` yields in those epochs, so an
    interrupted run can rebuild its data stream in a new process: ``skip=s``
    starts at batch s of ``start_epoch``. Each element holds
    ``step_batch_size`` images (k*m for a GAN with k discriminator steps).

    Args:
        images: array (N, H, W, C), already in the generator's pixel range.
        step_batch_size: images per training step.
        seed: int, the data-order seed.
        start_epoch: first epoch (0-based).
        end_epoch: one past the last epoch.
        skip: batches of ``start_epoch`` already trained on.
    """
    check_step_batch(len(images), step_batch_size, 1)
    pixels = tf.constant(images)
    dataset = tf.data.Dataset.range(start_epoch, end_epoch).flat_map(
        lambda epoch: _epoch(pixels, step_batch_size, seed, epoch)
    )
    return dataset.skip(skip).prefetch(tf.data.AUTOTUNE)


def check_step_batch(num_images, batch_size, discriminator_steps):
    """Returns k*m, the images of one step; raises unless 1 <= k*m <= N."""
    for name, value in (
        ("batch_size", batch_size),
        ("discriminator_steps", discriminator_steps),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"`{name}` must be an integer >= 1. Received: {value!r}")
    step_batch = batch_size * discriminator_steps
    if step_batch > num_images:
        raise ValueError(
            f"`batch_size` * `discriminator_steps` = {batch_size} * "
            f"{discriminator_steps} = {step_batch} images per training step, but "
            f"the dataset has only {num_images} images. Use a smaller batch size "
            "or more data."
        )
    return step_batch


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


def _to_unit_range(images, name="dataset"):
    images = np.asarray(images)
    if images.dtype == np.uint8:
        return check_images(_as_nhwc(images.astype("float32") / 255.0), name)
    if not np.issubdtype(images.dtype, np.number):
        raise ValueError(
            f"`{name}` must hold uint8 or float pixels; received dtype {images.dtype}."
        )
    return check_images(_as_nhwc(images.astype("float32")), name)


def _as_nhwc(images):
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise ValueError(
            "Expected images of shape (N, H, W) or (N, H, W, C); received shape "
            f"{images.shape}."
        )
    return images.astype("float32")

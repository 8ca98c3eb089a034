"""Real-image pipelines for GAN training, and the one data order.

Loaders (``load_arrays``, from ``keras_gan.datasets``) return images as
float32 arrays of shape (N, H, W, C) in [0, 1] and integer labels (or None).
``from_array`` then rescales them to the generator's pixel range and batches
them at k*m images, the batch one ``GAN.train_step`` splits into k
discriminator minibatches of m. Epoch e visits the images in the order
``epoch_order(N, seed, e)``, through ``from_array`` and through
``epoch_batches`` (which ``keras-gan train`` resumes with) alike.

On the TensorFlow backend the batches come as a ``tf.data`` pipeline (fast,
and what ``tf.distribute`` splits); on JAX and torch as ``EpochBatches``, a
``keras.utils.PyDataset`` of numpy arrays that needs no TensorFlow. Each
backend has its own epoch order (TensorFlow's stateless shuffle, or numpy's
generator seeded with ``(seed, epoch)``); within a backend it is one.
"""

import keras
import numpy as np

from keras_gan.datasets import as_nhwc, check_images, load_arrays


def _uses_tf_data():
    return keras.backend.backend() == "tensorflow"


def _tf():
    import tensorflow as tf  # only the TensorFlow backend's pipelines need it

    return tf


def from_array(
    images,
    *,
    batch_size,
    discriminator_steps=1,
    value_range=(0.0, 1.0),
    shuffle=True,
    seed=None,
):
    """Real images batched for ``GAN.fit``: ``tf.data``, or ``EpochBatches``.

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
    images = check_images(as_nhwc(np.asarray(images, dtype="float32")))
    step_batch = check_step_batch(len(images), batch_size, discriminator_steps)
    images = rescale(images, value_range)
    seed = int(np.random.randint(2**31)) if seed is None else seed
    if not _uses_tf_data():
        return EpochBatches(images, step_batch, seed, shuffle=shuffle)
    tf = _tf()
    if not shuffle:
        dataset = tf.data.Dataset.from_tensor_slices(images).cache()
        return dataset.batch(step_batch, drop_remainder=True).prefetch(2)
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

    ``stateless_shuffle(range(count), (seed, epoch))`` on TensorFlow (a
    tensor), ``numpy.random.default_rng((seed, epoch)).permutation(count)``
    on JAX and torch: a pure function of its arguments, so a new process can
    rebuild any epoch's order.
    """
    if not _uses_tf_data():
        return np.random.default_rng((int(seed), int(epoch))).permutation(count)
    tf = _tf()
    key = tf.stack([tf.cast(seed, "int64"), tf.cast(epoch, "int64")])
    return tf.random.experimental.stateless_shuffle(tf.range(count), key)


def _epoch(pixels, step_batch, seed, epoch):
    """The batches of one epoch of ``pixels`` (a tensor), remainder dropped."""
    tf = _tf()
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
    if not _uses_tf_data():
        return EpochBatches(
            images, step_batch_size, seed, start_epoch=start_epoch,
            end_epoch=end_epoch, skip=skip,
        )  # fmt: skip
    tf = _tf()
    pixels = tf.constant(images)
    dataset = tf.data.Dataset.range(start_epoch, end_epoch).flat_map(
        lambda epoch: _epoch(pixels, step_batch_size, seed, epoch)
    )
    return dataset.skip(skip).prefetch(tf.data.AUTOTUNE)


class EpochBatches(keras.utils.PyDataset):
    """The batches of ``from_array`` as a ``keras.utils.PyDataset`` (no TensorFlow).

    Batch i of epoch e holds images ``epoch_order(N, seed, e)[i*B:(i+1)*B]``
    (B = ``step_batch_size``, the remainder dropped). Each epoch of ``fit``
    starts with ``on_epoch_begin``, which moves to the next epoch's order
    (Keras calls ``on_epoch_end`` at other times too, so it cannot count
    epochs), so two ``fit`` calls continue the order as one would. Batches
    are served in that order whatever index Keras asks for: ``fit``'s
    default ``shuffle=True`` permutes a ``PyDataset``'s indices with Python's
    global generator, which would give an order no seed names.

    Args:
        images: array (N, H, W, C), already in the generator's pixel range.
        step_batch_size: images per training step (k*m).
        seed: the data-order seed.
        shuffle: False keeps the array's order every epoch.
        start_epoch: the epoch of the first batch.
        end_epoch: with ``skip``, the epoch after the (only) one to finish.
        skip: batches of ``start_epoch`` already trained on; its epoch then
            has ``N // B - skip`` batches.
    """

    def __init__(
        self, images, step_batch_size, seed, *, shuffle=True, start_epoch=0,
        end_epoch=None, skip=0,
    ):  # fmt: skip
        super().__init__()
        if skip and end_epoch != start_epoch + 1:
            raise ValueError(
                "`skip` finishes one interrupted epoch: `end_epoch` must be "
                f"`start_epoch` + 1. Received: start_epoch={start_epoch}, "
                f"end_epoch={end_epoch}, skip={skip}"
            )
        self.images, self.step_batch_size = images, step_batch_size
        self.seed, self.shuffle = seed, shuffle
        self.start_epoch, self.skip = start_epoch, skip
        self.epoch, self._next_epoch, self._order = start_epoch, start_epoch, None
        self._served = 0

    def __len__(self):
        return len(self.images) // self.step_batch_size - self._skipped()

    def _skipped(self):
        return self.skip if self.epoch == self.start_epoch else 0

    def __getitem__(self, index):
        del index  # see the class docstring: the order is this object's own
        served, self._served = self._served % len(self), self._served + 1
        if self._order is None:
            count = len(self.images)
            order = epoch_order(count, self.seed, self.epoch)
            self._order = order if self.shuffle else np.arange(count)
        start = (self._skipped() + served) * self.step_batch_size
        return self.images[self._order[start : start + self.step_batch_size]]

    def on_epoch_begin(self):
        self.epoch, self._order, self._served = self._next_epoch, None, 0
        self._next_epoch += 1


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


def make_dataset(source, *, split="train", data_dir=None, **kwargs):
    """``from_array(load_arrays(source, split=split)[0], **kwargs)``."""
    images, _ = load_arrays(source, split=split, data_dir=data_dir)
    return from_array(images, **kwargs)


__all__ = [
    "EpochBatches",
    "check_images",
    "check_step_batch",
    "epoch_batches",
    "epoch_order",
    "from_array",
    "load_arrays",
    "make_dataset",
    "rescale",
]

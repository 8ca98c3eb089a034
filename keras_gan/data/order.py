"""The one data order: epoch e visits the images in ``epoch_order(N, seed, e)``.

``from_array`` and ``epoch_batches`` (which exact resume rebuilds a run's
data stream with) both follow it, so a seed names the same batches either
way. Each backend has its own order (TensorFlow's stateless shuffle, or
numpy's generator seeded with ``(seed, epoch)``); within a backend it is one.
"""

import keras
import numpy as np

from keras_gan.data.minibatches import check_step_batch


def uses_tf_data():
    """Whether batches come as ``tf.data`` (the TensorFlow backend)."""
    return keras.backend.backend() == "tensorflow"


def _tf():
    import tensorflow as tf  # only the TensorFlow backend's pipelines need it

    return tf


def prefetched(dataset):
    """``dataset`` with two batches prefetched and tf.data's autotuning off.

    Autotuning keeps a thread that sleeps between tuning rounds, and deleting
    an iterator mid-stream waited for it: each ``fit`` that stopped before
    the end of its data (``steps_per_epoch``, ``--steps``, a budget, the
    partial epoch of a resume) ended late. 100 DCGAN-28 steps (7.4-7.9 s)
    returned after 10.23-10.24 s in 6 of 8 fits, 220 steps after 20.5 s,
    the "slow starts" of ``tools/start_speeds.py``; with autotuning off, 0 of
    8 (7.4-8.8 s). The pipeline has no parallel map to tune, and two batches
    ahead keep the training step fed.
    """
    options = _tf().data.Options()
    options.autotune.enabled = False
    return dataset.prefetch(2).with_options(options)


def epoch_order(count, seed, epoch):
    """The order in which epoch ``epoch`` visits ``count`` images.

    ``stateless_shuffle(range(count), (seed, epoch))`` on TensorFlow (a
    tensor), ``numpy.random.default_rng((seed, epoch)).permutation(count)``
    on JAX and torch: a pure function of its arguments, so a new process can
    rebuild any epoch's order.
    """
    if not uses_tf_data():
        return np.random.default_rng((int(seed), int(epoch))).permutation(count)
    tf = _tf()
    key = tf.stack([tf.cast(seed, "int64"), tf.cast(epoch, "int64")])
    return tf.random.experimental.stateless_shuffle(tf.range(count), key)


def epoch_of(examples, step_batch, seed, epoch):
    """The batches of one epoch of ``examples``, remainder dropped.

    ``examples`` is a tensor of images, or a tuple ``(images, labels)`` of
    tensors whose rows are gathered together.
    """
    tf = _tf()
    count = tf.nest.flatten(examples)[0].shape[0]
    batches = count // step_batch
    order = epoch_order(count, seed, epoch)[: batches * step_batch]
    indices = tf.data.Dataset.from_tensor_slices(tf.reshape(order, (batches, -1)))
    return indices.map(
        lambda index: tf.nest.map_structure(lambda t: tf.gather(t, index), examples)
    )


def examples_of(images, labels=None):
    """What a batch holds: images, or ``(images, labels)`` when labelled."""
    return images if labels is None else (images, labels)


def epoch_batches(
    images, *, step_batch_size, seed, start_epoch, end_epoch, skip=0, labels=None
):
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
        labels: int labels of the images, batched beside them; None: images
            alone.
    """
    check_step_batch(len(images), step_batch_size, 1)
    if not uses_tf_data():
        return EpochBatches(
            images, step_batch_size, seed, labels=labels, start_epoch=start_epoch,
            end_epoch=end_epoch, skip=skip,
        )  # fmt: skip
    tf = _tf()
    examples = tf.nest.map_structure(tf.constant, examples_of(images, labels))
    dataset = tf.data.Dataset.range(start_epoch, end_epoch).flat_map(
        lambda epoch: epoch_of(examples, step_batch_size, seed, epoch)
    )
    return prefetched(dataset.skip(skip))


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
        labels: int labels of the images; batches are then ``(images,
            labels)``.
        shuffle: False keeps the array's order every epoch.
        start_epoch: the epoch of the first batch.
        end_epoch: with ``skip``, the epoch after the (only) one to finish.
        skip: batches of ``start_epoch`` already trained on; its epoch then
            has ``N // B - skip`` batches.
    """

    def __init__(
        self, images, step_batch_size, seed, *, labels=None, shuffle=True,
        start_epoch=0, end_epoch=None, skip=0,
    ):  # fmt: skip
        super().__init__()
        if skip and end_epoch != start_epoch + 1:
            raise ValueError(
                "`skip` finishes one interrupted epoch: `end_epoch` must be "
                f"`start_epoch` + 1. Received: start_epoch={start_epoch}, "
                f"end_epoch={end_epoch}, skip={skip}"
            )
        self.images, self.labels = images, labels
        self.step_batch_size = step_batch_size
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
        rows = self._order[start : start + self.step_batch_size]
        if self.labels is None:
            return self.images[rows]
        return self.images[rows], self.labels[rows]

    def on_epoch_begin(self):
        self.epoch, self._order, self._served = self._next_epoch, None, 0
        self._next_epoch += 1

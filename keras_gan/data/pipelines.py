"""Real-image pipelines for ``GAN.fit``: images batched at k*m.

Loaders (``keras_gan.data.load_arrays``) return images as float32 arrays of
shape (N, H, W, C) in [0, 1] and integer labels (or None). ``from_array``
rescales them to the generator's pixel range and batches them at k*m images,
the batch one ``GAN.train_step`` splits into k discriminator minibatches of m
(``keras_gan.data.minibatches``), in the one data order
(``keras_gan.data.order``).

On the TensorFlow backend the batches come as a ``tf.data`` pipeline (fast,
and what ``tf.distribute`` splits); on JAX and torch as ``EpochBatches``, a
``keras.utils.PyDataset`` of numpy arrays that needs no TensorFlow.
"""

import numpy as np

from keras_gan.data.checks import as_nhwc, check_images
from keras_gan.data.labels import check_labels
from keras_gan.data.minibatches import check_step_batch
from keras_gan.data.order import (
    EpochBatches,
    epoch_of,
    examples_of,
    prefetched,
    uses_tf_data,
)
from keras_gan.data.sources import load_arrays


def from_array(
    images,
    *,
    batch_size,
    labels=None,
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
        labels: one int class index per image, for a conditional GAN: each
            element is then ``(images, labels)``, the labels of its images.
        discriminator_steps: k, discriminator updates per generator update.
        value_range: pixel range of the generator, e.g. ``(-1, 1)`` for tanh;
            see ``keras_gan.networks.output_range``.
        shuffle: a new order every epoch; False keeps the array's order.
        seed: data-order seed; None draws one.

    Examples:
        >>> images, _ = load_arrays("digits")
        >>> dataset = from_array(images, batch_size=64, value_range=(-1, 1))
    """
    images = check_images(as_nhwc(np.asarray(images, dtype="float32")))
    if labels is not None:
        labels = check_labels(labels, num_images=len(images))
    step_batch = check_step_batch(len(images), batch_size, discriminator_steps)
    images = rescale(images, value_range)
    seed = int(np.random.randint(2**31)) if seed is None else seed
    if not uses_tf_data():
        return EpochBatches(images, step_batch, seed, labels=labels, shuffle=shuffle)
    import tensorflow as tf  # the TensorFlow backend's pipelines only

    examples = examples_of(images, labels)
    if not shuffle:
        dataset = tf.data.Dataset.from_tensor_slices(examples).cache()
        return prefetched(dataset.batch(step_batch, drop_remainder=True))
    # Counts the passes over the dataset: each `iter()` (one per epoch of
    # `fit`) runs `next_epoch` again and takes the next epoch's order.
    passes = tf.Variable(0, dtype="int64", trainable=False, name="epochs_started")
    tensors = tf.nest.map_structure(tf.constant, examples)

    def next_epoch(_):
        return epoch_of(tensors, step_batch, seed, passes.assign_add(1) - 1)

    dataset = tf.data.Dataset.range(1).flat_map(next_epoch)
    dataset = dataset.apply(
        tf.data.experimental.assert_cardinality(len(images) // step_batch)
    )
    return prefetched(dataset)


def rescale(images, value_range):
    """Maps float32 images from [0, 1] to ``value_range`` (the generator's)."""
    low, high = value_range
    return images * np.float32(high - low) + np.float32(low)


def make_dataset(source, *, split="train", data_dir=None, labels=False, **kwargs):
    """``from_array`` of ``load_arrays(source, split=split)``.

    Args:
        labels: batch the source's labels beside the images (for a
            conditional GAN); an error if the source has none.
    """
    images, source_labels = load_arrays(source, split=split, data_dir=data_dir)
    if labels and source_labels is None:
        raise ValueError(f"`dataset` {source!r} has no labels to batch.")
    return from_array(images, labels=source_labels if labels else None, **kwargs)

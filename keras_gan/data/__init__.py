"""Real data for GAN training: sources, pipelines, the data order, minibatches.

- ``sources``: ``load_arrays(source)`` (and ``load_dataset``, which also
  gives class names) for ``"digits"``, ``.npz`` files
  (``npz``), image folders (``folders``), Stacked MNIST (``stacked_mnist``)
  and tensorflow-datasets names; every loader ends in the ``checks``.
- ``pipelines``: ``from_array``, images batched at k*m for ``GAN.fit``.
- ``order``: the one data order, ``epoch_order(N, seed, epoch)``, and
  ``epoch_batches``, the batches of any stretch of a run (exact resume).
- ``minibatches``: Algorithm 1's split of a k*m batch into k minibatches.
- ``labels``: class labels (a conditional GAN's): their checks, and the
  labels of a class-balanced sample. Labels travel with their images through
  every pipeline above.

Below ``keras_gan.gan``, which splits each batch with ``minibatches``.
"""

from keras_gan.data.checks import as_nhwc, check_images
from keras_gan.data.labels import balanced_labels, check_labels, count_classes
from keras_gan.data.minibatches import check_step_batch
from keras_gan.data.order import EpochBatches, epoch_batches, epoch_order
from keras_gan.data.pipelines import from_array, make_dataset, rescale
from keras_gan.data.sources import Dataset, load_arrays, load_dataset
from keras_gan.data.stacked_mnist import STACKED_PREFIX, load_stacked_mnist

__all__ = [
    "STACKED_PREFIX",
    "Dataset",
    "EpochBatches",
    "as_nhwc",
    "balanced_labels",
    "check_images",
    "check_labels",
    "count_classes",
    "check_step_batch",
    "epoch_batches",
    "epoch_order",
    "from_array",
    "load_arrays",
    "load_dataset",
    "load_stacked_mnist",
    "make_dataset",
    "rescale",
]

"""Class labels: the checks every path runs, and the labels of a balanced sample.

A conditional GAN learns G(z, y) and D(x, y) for classes y in
``[0, num_classes)``. Labels reach it from data (``from_array``, ``train``),
from ``GAN.sample`` and from exported files; each path checks them here, so a
bad label fails in one line that names it instead of deep inside a gather op.
"""

import numbers

import numpy as np


def check_labels(labels, *, num_images=None, num_classes=None, name="labels"):
    """``labels`` as an int32 array, after checking them.

    Args:
        labels: a 1-D sequence of integer class indices.
        num_images: the number of images they label, if known.
        num_classes: labels must lie in ``[0, num_classes)``, if given.
        name: the argument's name, for the messages.

    Raises:
        ValueError: float, string or non-1-D labels, a length other than
            ``num_images``, or a label outside ``[0, num_classes)``.
    """
    array = np.asarray(labels)
    if array.dtype.kind not in "iub" or array.dtype == bool:
        raise ValueError(
            f"`{name}` must hold integer class indices; received dtype "
            f"{array.dtype} (e.g. {array.ravel()[:3].tolist()}). Map class names "
            "to 0..num_classes-1 first."
        )
    if array.ndim != 1:
        raise ValueError(
            f"`{name}` must be one integer per image, shape (N,); received shape "
            f"{array.shape}."
        )
    if num_images is not None and len(array) != num_images:
        raise ValueError(
            f"`{name}` holds {len(array)} labels for {num_images} images; give one "
            "label per image."
        )
    if len(array) and array.min() < 0:
        raise ValueError(
            f"`{name}` must be >= 0; received {int(array.min())} (class indices "
            "count from 0)."
        )
    if num_classes is not None and len(array) and array.max() >= num_classes:
        raise ValueError(
            f"`{name}` must be < num_classes={num_classes}; received "
            f"{int(array.max())}."
        )
    return array.astype("int32")


def count_classes(labels):
    """``max(labels) + 1``: the classes a labelled data set implies."""
    return int(np.max(check_labels(labels))) + 1


def balanced_labels(num_samples, num_classes):
    """Labels of a class-balanced sample, grouped by class: ``0, 0, ..., 1, ...``.

    Every class appears ``num_samples // num_classes`` or one more times; a
    grid of ``num_samples / num_classes`` columns shows one class per row.
    """
    return ((np.arange(num_samples) * num_classes) // num_samples).astype("int32")


def sample_labels(labels, num_samples, num_classes):
    """The labels of ``num_samples`` samples: one int for all, an array, or None.

    None gives ``balanced_labels``.

    Raises:
        ValueError: a label out of range, or an array of another length.
    """
    if labels is None:
        return balanced_labels(num_samples, num_classes)
    if isinstance(labels, numbers.Integral) and not isinstance(labels, bool):
        labels = np.full(num_samples, labels)
    return check_labels(labels, num_images=num_samples, num_classes=num_classes)

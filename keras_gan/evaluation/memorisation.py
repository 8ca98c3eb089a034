"""Memorisation: how close generated images come to their nearest training image.

A generator that copies its training set puts samples at distance ~0 from
some training image. Real held-out images give the reference: a test image is
new, so its nearest-training-image distance is what "new but realistic" looks
like. Samples much closer than that are suspect; Figure 2 of Goodfellow et
al. (2014) shows the same check by eye.
"""

import numpy as np


def nearest_neighbours(queries, references, *, batch_size=1000):
    """The nearest reference image of each query in pixel L2 distance.

    Args:
        queries: images (M, ...).
        references: images (N, ...) of the same shape, e.g. the training set.
        batch_size: queries per distance block (memory ~ batch x N x 4 B).

    Returns:
        ``(distances, indices)``: float64 (M,) Euclidean distances over all
        pixels, and int64 (M,) indices into ``references``.
    """
    queries = _flat(queries, "queries")
    references = _flat(references, "references")
    if queries.shape[1] != references.shape[1]:
        raise ValueError(
            f"`queries` have {queries.shape[1]} values per image but `references` "
            f"have {references.shape[1]}; they must be images of one shape."
        )
    reference_norms = np.sum(references.astype("float64") ** 2, axis=1)
    distances, indices = [], []
    for start in range(0, len(queries), batch_size):
        block = queries[start : start + batch_size]
        # float32 products are ample here: distances are compared, not summed.
        cross = (block @ references.T).astype("float64")
        squared = (
            np.sum(block.astype("float64") ** 2, 1)[:, None]
            + reference_norms
            - 2 * cross
        )
        nearest = np.argmin(squared, axis=1)
        indices.append(nearest)
        exact = block.astype("float64") - references[nearest].astype("float64")
        distances.append(np.sqrt(np.sum(exact**2, axis=1)))
    return np.concatenate(distances), np.concatenate(indices).astype("int64")


def memorisation_report(samples, train, test, *, num_reference=None):
    """Nearest-training-image distances of samples beside those of test images.

    Args:
        samples: generated images in [0, 1].
        train: training images in [0, 1].
        test: held-out real images in [0, 1], the reference.
        num_reference: test images used; defaults to ``len(samples)``.

    Returns:
        A dict with the median, 1st and 10th percentiles of both distributions
        (keys ``samples`` and ``test``) and the sample distances themselves
        (``distances``) and nearest training indices (``indices``).
    """
    distances, indices = nearest_neighbours(samples, train)
    reference, _ = nearest_neighbours(test[: num_reference or len(samples)], train)
    return {
        "samples": _summary(distances),
        "test": _summary(reference),
        "distances": distances,
        "indices": indices,
    }


def _summary(distances):
    return {
        "median": float(np.median(distances)),
        "percentile_1": float(np.percentile(distances, 1)),
        "percentile_10": float(np.percentile(distances, 10)),
    }


def _flat(images, name):
    images = np.asarray(images, dtype="float32")
    if images.ndim < 2 or len(images) == 0:
        raise ValueError(
            f"`{name}` must be a non-empty batch of images (N, ...). Received "
            f"shape {images.shape}."
        )
    return images.reshape(len(images), -1)

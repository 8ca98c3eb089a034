"""Checks every loader runs: images present, finite, NHWC, in [0, 1]."""

import numpy as np


def to_unit_range(images, name="dataset"):
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

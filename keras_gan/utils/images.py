"""Image grids: tiling a batch of images into one picture and writing PNGs."""

import math

import numpy as np

from keras_gan.utils.atomic import atomic_path


def to_uint8(images, value_range=(0.0, 1.0)):
    """Maps images from ``value_range`` to uint8 0..255, clipping outliers."""
    low, high = value_range
    scaled = (np.asarray(images, dtype="float32") - low) / (high - low)
    return np.round(np.clip(scaled, 0.0, 1.0) * 255.0).astype("uint8")


def tile(images, columns=None, padding=1):
    """Tiles uint8 images (N, H, W, C) into one (rows*H', columns*W', C) image.

    Args:
        images: uint8 array (N, H, W, C).
        columns: images per row; defaults to a near-square grid.
        padding: pixels of black border between images.
    """
    images = np.asarray(images)
    count, height, width, channels = images.shape
    columns = columns or math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    cell_h, cell_w = height + padding, width + padding
    grid = np.zeros(
        (rows * cell_h + padding, columns * cell_w + padding, channels), images.dtype
    )
    for index, image in enumerate(images):
        top = padding + (index // columns) * cell_h
        left = padding + (index % columns) * cell_w
        grid[top : top + height, left : left + width] = image
    return grid


def save_png(path, image, scale=1):
    """Writes a uint8 (H, W, C) image to ``path`` atomically, upscaled ``scale``x.

    The file gets the permissions of any file the user creates (the umask's).
    """
    from PIL import Image

    image = np.asarray(image)
    if scale > 1:
        image = image.repeat(scale, axis=0).repeat(scale, axis=1)
    picture = Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image)
    with atomic_path(path) as temporary:
        picture.save(temporary, format="PNG")

"""A folder of image files as a data set."""

import os

import numpy as np

from keras_gan.data.checks import to_unit_range

_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")


def load_folder(folder):
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
    with _read_image(paths[0]) as first:
        mode = "L" if first.mode in ("1", "L", "LA", "I", "I;16") else "RGB"
        size = first.size
    images = []
    for path in paths:
        with _read_image(path) as image:
            if image.size != size:
                raise ValueError(
                    f"All images in {folder!r} must have one size; {paths[0]!r} is "
                    f"{size} but {path!r} is {image.size}. Resize them first."
                )
            images.append(np.asarray(image.convert(mode)))
    return to_unit_range(np.stack(images))


def _read_image(path):
    """The decoded image at ``path``, or one ``ValueError`` that names the file."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            image.load()  # decodes now: a truncated file fails here, not later
    except Exception as error:  # Corrupt files raise many kinds of error.
        raise ValueError(
            f"Cannot read the image file {path!r} ({type(error).__name__}: "
            f"{str(error)[:200]}). Fix or remove it."
        ) from error
    return image

"""A folder of image files as a data set, labelled by its sub-folders or not.

Keras's ``image_dataset_from_directory`` convention: a folder whose images
sit in sub-folders is labelled, one class per sub-folder, classes numbered in
the sorted order of the sub-folder names (which are kept as the class
names); a folder whose images sit at its top is unlabelled.
"""

import os

import numpy as np

from keras_gan.data.checks import to_unit_range

_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")


def load_folder(folder):
    """``(images, labels, class_names)`` of an image folder.

    Returns:
        float32 images (N, H, W, C) in [0, 1]; int64 labels and the sorted
        sub-folder names for a folder of class sub-folders, else None, None.
    """
    top = _image_paths(folder, recursive=False)
    classes = sorted(
        name
        for name in os.listdir(folder)
        if os.path.isdir(os.path.join(folder, name))
        and _image_paths(os.path.join(folder, name))
    )
    if top and classes:
        raise ValueError(
            f"`dataset` folder {folder!r} mixes images at its top ({top[0]!r}) with "
            f"class sub-folders ({classes[0]!r}, ...). Put every image in its "
            "class's sub-folder (labelled), or all at the top (unlabelled)."
        )
    if not classes:
        if not top:
            raise ValueError(
                f"`dataset` folder {folder!r} holds no image files "
                f"({', '.join(_IMAGE_SUFFIXES)})."
            )
        return _read_images(top, folder), None, None
    paths, labels = [], []
    for label, name in enumerate(classes):
        found = _image_paths(os.path.join(folder, name))
        paths += found
        labels += [label] * len(found)
    return _read_images(paths, folder), np.array(labels, "int64"), classes


def _image_paths(folder, recursive=True):
    """The image files in ``folder`` (and below it), sorted."""
    if not recursive:
        names = sorted(os.listdir(folder))
        return [
            os.path.join(folder, name)
            for name in names
            if name.lower().endswith(_IMAGE_SUFFIXES)
            and os.path.isfile(os.path.join(folder, name))
        ]
    return sorted(
        os.path.join(root, name)
        for root, _, names in os.walk(folder)
        for name in names
        if name.lower().endswith(_IMAGE_SUFFIXES)
    )


def _read_images(paths, folder):
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
            f"{str(error)[:200]}). Fix or remove it: unreadable images are not skipped."
        ) from error
    return image

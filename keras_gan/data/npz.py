"""A ``.npz`` file in the ``keras.datasets`` layout as a data set."""

import os
import zipfile

import numpy as np

from keras_gan.data.checks import to_unit_range


def load_npz(path, split):
    if not os.path.isfile(path):
        raise FileNotFoundError(f"`dataset` file {path!r} does not exist.")
    # np.load reads anything that is not a zip as a pickle, and then
    # complains about allow_pickle: say what the file is not instead.
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"`dataset` {path!r} is not a NumPy .npz archive (it is not a zip "
            "file). Expected np.savez output in the keras.datasets layout "
            "(x_train, y_train, x_test, y_test)."
        )
    with np.load(path, allow_pickle=False) as archive:
        key = f"x_{split}"
        if key not in archive:
            raise ValueError(
                f"{path!r} has no {key!r} array for split={split!r}; it holds "
                f"{sorted(archive.files)}. Expected the keras.datasets layout "
                "(x_train, y_train, x_test, y_test)."
            )
        images = to_unit_range(archive[key], f"{path}:{key}")
        labels = archive.get(f"y_{split}")
        names = archive.get("class_names")
    labels = None if labels is None else labels.ravel()
    if labels is not None and labels.dtype.kind in "iu":
        labels = labels.astype("int64")  # others fail the labels' own check
    return images, labels, None if names is None else [str(n) for n in names]

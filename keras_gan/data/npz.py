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
    return images, None if labels is None else labels.astype("int64").ravel()

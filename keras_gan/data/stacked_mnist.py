"""Stacked MNIST: the 1000-mode benchmark built from MNIST digits."""

import numpy as np

from keras_gan.data.npz import load_npz

STACKED_PREFIX = "stacked_mnist:"


def load_stacked_mnist(path, *, split="train", seed=0):
    """Stacked MNIST: three MNIST digits as the R, G and B channels of one image.

    The standard mode-collapse benchmark (Metz et al. 2017; Srivastava et al.
    2017): each image stacks three digits drawn independently at random, so
    there are 1000 modes, the label ``100 * red + 10 * green + blue``. As many
    images as the split has digits are built, from a fixed ``seed`` (the
    test split uses another stream), so the set is the same on every machine.

    Args:
        path: the MNIST ``.npz`` file (keras.datasets layout).
        split: ``"train"`` or ``"test"``.
        seed: which random stacking.

    Returns:
        float32 images (N, 28, 28, 3) in [0, 1] and int64 labels 0..999.
    """
    digits, labels, _ = load_npz(path, split)
    if labels is None or digits.shape[-1] != 1:
        raise ValueError(
            f"`dataset` {STACKED_PREFIX}{path} needs a one-channel MNIST .npz with "
            f"y_{split} labels; found images of shape {digits.shape[1:]}"
            + ("" if labels is not None else " and no labels")
            + "."
        )
    stream = np.random.default_rng([seed, 0 if split == "train" else 1])
    picks = stream.integers(0, len(digits), size=(len(digits), 3))
    images = np.concatenate([digits[picks[:, c]] for c in range(3)], axis=-1)
    stacked = labels[picks] @ np.array([100, 10, 1])
    return images, stacked.astype("int64")

"""Figures 2 and 3 of Goodfellow et al. (2014) as PNG files."""

import numpy as np

from keras_gan.evaluation.memorisation import nearest_neighbours
from keras_gan.utils import images as image_utils


def nearest_neighbour_figure(path, samples, train, *, rows=6, columns=5, scale=3):
    """Figure 2: rows of samples ending with the nearest training image.

    Each row shows ``columns`` generated images; the extra last column holds
    the training image nearest (pixel L2) to the sample beside it, so a reader
    can see the model has not copied its training set.

    Args:
        path: the PNG file to write.
        samples: generated images in [0, 1] (N, H, W, C), N >= rows*columns.
        train: training images in [0, 1].
        rows: rows of the grid.
        columns: generated images per row.
        scale: pixel upscaling of the PNG.

    Returns:
        The uint8 grid that was written.
    """
    count = rows * columns
    if len(samples) < count:
        raise ValueError(
            f"Figure 2 with rows={rows}, columns={columns} needs {count} samples; "
            f"received {len(samples)}."
        )
    grid = np.asarray(samples[:count]).reshape(rows, columns, *samples.shape[1:])
    _, nearest = nearest_neighbours(grid[:, -1], train)
    grid = np.concatenate([grid, np.asarray(train)[nearest][:, None]], axis=1)
    return _write(path, grid, scale)


def class_nearest_neighbour_figure(
    path, samples, labels, train, train_labels, *, max_classes=10, columns=5, scale=3
):
    """Figure 2 of a conditional generator: one row per class.

    Row c shows ``columns`` images generated for class c, then the training
    image of class c nearest to the last of them.

    Args:
        path: the PNG file to write.
        samples: generated images in [0, 1] (N, H, W, C).
        labels: the class each sample was generated for.
        train: training images in [0, 1].
        train_labels: their classes.
        max_classes: rows, at most (the first classes).
        columns: generated images per row.
        scale: pixel upscaling of the PNG.
    """
    labels, train_labels = np.asarray(labels), np.asarray(train_labels)
    rows = []
    for c in np.unique(labels)[:max_classes]:
        ours, theirs = samples[labels == c][:columns], train[train_labels == c]
        if len(ours) < columns or not len(theirs):
            continue
        _, nearest = nearest_neighbours(ours[-1:], theirs)
        rows.append(np.concatenate([ours, theirs[nearest]]))
    if not rows:
        raise ValueError(
            f"Figure 2 per class needs {columns} samples and a training image of a "
            "class; no class has them."
        )
    return _write(path, np.stack(rows), scale)


def interpolation_figure(path, sampler, *, rows=6, steps=10, seed=0, scale=3):
    """Figure 3: each row walks linearly between two random latents.

    Args:
        path: the PNG file to write.
        sampler: a ``keras_gan.export.Sampler`` (see ``as_sampler``).
        rows: number of latent pairs.
        steps: images per row, endpoints included.
        seed: seed of the endpoint latents (``keras_gan.sample_latents``,
            from the generator's latent distribution).
        scale: pixel upscaling of the PNG.

    Returns:
        The uint8 grid that was written.
    """
    import keras

    from keras_gan.noise import sample_latents

    # The generator's own prior: a uniform-prior model (paper_mlp) drawn
    # normal latents would be walked partly outside the box it was trained on.
    distribution = getattr(sampler, "latent_distribution", None) or "normal"
    ends = sample_latents(2 * rows, sampler.latent_dim, seed, distribution)
    ends = keras.ops.convert_to_numpy(ends)  # a torch tensor may sit on a GPU
    weights = np.linspace(0.0, 1.0, steps)[None, :, None]
    latents = (1.0 - weights) * ends[:rows, None] + weights * ends[rows:, None]
    labels = None  # a conditional generator: one class per row
    if getattr(sampler, "num_classes", None):
        labels = np.repeat(np.arange(rows) % sampler.num_classes, steps)
    generated = sampler.generate(latents.reshape(rows * steps, -1), labels)
    return _write(path, generated.reshape(rows, steps, *generated.shape[1:]), scale)


def _write(path, grid, scale):
    rows, columns = grid.shape[:2]
    pixels = image_utils.to_uint8(grid.reshape(rows * columns, *grid.shape[2:]))
    picture = image_utils.tile(pixels, columns=columns)
    image_utils.save_png(path, picture, scale=scale)
    return picture

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


def interpolation_figure(path, sampler, *, rows=6, steps=10, seed=0, scale=3):
    """Figure 3: each row walks linearly between two random latents.

    Args:
        path: the PNG file to write.
        sampler: a ``keras_gan.sampling.Sampler`` (see ``as_sampler``).
        rows: number of latent pairs.
        steps: images per row, endpoints included.
        seed: seed of the endpoint latents (``keras_gan.sample_latents``).
        scale: pixel upscaling of the PNG.

    Returns:
        The uint8 grid that was written.
    """
    import keras

    from keras_gan.noise import sample_latents

    ends = sample_latents(2 * rows, sampler.latent_dim, seed)
    ends = keras.ops.convert_to_numpy(ends)  # a torch tensor may sit on a GPU
    weights = np.linspace(0.0, 1.0, steps)[None, :, None]
    latents = (1.0 - weights) * ends[:rows, None] + weights * ends[rows:, None]
    generated = sampler.generate(latents.reshape(rows * steps, -1))
    return _write(path, generated.reshape(rows, steps, *generated.shape[1:]), scale)


def _write(path, grid, scale):
    rows, columns = grid.shape[:2]
    pixels = image_utils.to_uint8(grid.reshape(rows * columns, *grid.shape[2:]))
    picture = image_utils.tile(pixels, columns=columns)
    image_utils.save_png(path, picture, scale=scale)
    return picture

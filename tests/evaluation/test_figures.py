import numpy as np
import pytest

from keras_gan import export
from keras_gan.evaluation import figures


def test_figure2_ends_each_row_with_the_nearest_training_image(tmp_path):
    rng = np.random.default_rng(0)
    train = rng.random((40, 4, 4, 1))
    samples = np.clip(train[:12] + rng.normal(0, 0.01, train[:12].shape), 0, 1)
    grid = figures.nearest_neighbour_figure(
        tmp_path / "figure2.png", samples, train, rows=3, columns=4, scale=1
    )
    assert (tmp_path / "figure2.png").exists()
    # 3 rows of 4 samples + 1 neighbour, 4x4 images with 1-pixel borders.
    assert grid.shape == (3 * 5 + 1, 5 * 5 + 1, 1)
    for row, neighbour in enumerate([3, 7, 11]):
        cell = grid[1 + row * 5 : 5 + row * 5, 21:25]
        expected = np.round(train[neighbour] * 255).astype("uint8")
        np.testing.assert_array_equal(cell, expected)


def test_figure2_needs_enough_samples(tmp_path):
    with pytest.raises(ValueError, match="needs 30 samples"):
        figures.nearest_neighbour_figure(
            tmp_path / "f.png", np.zeros((5, 2, 2, 1)), np.zeros((5, 2, 2, 1))
        )


def test_figure3_rows_interpolate_between_latents(tmp_path):
    # A linear "generator" makes interpolated images interpolate too.
    sampler = export.Sampler(
        lambda z: np.tanh(np.asarray(z)[:, :4].reshape(-1, 2, 2, 1) * 0.1),
        latent_dim=6,
        value_range=(-1.0, 1.0),
    )
    grid = figures.interpolation_figure(
        tmp_path / "figure3.png", sampler, rows=2, steps=5, scale=1
    )
    assert (tmp_path / "figure3.png").exists()
    assert grid.shape == (2 * 3 + 1, 5 * 3 + 1, 1)
    first_row = [grid[1:3, 1 + 3 * i : 3 + 3 * i].astype(float) for i in range(5)]
    steps = np.diff([cell.mean() for cell in first_row])
    assert np.all(steps > 0) or np.all(steps < 0)


def test_figure3_draws_the_ends_from_the_generators_prior(tmp_path):
    seen = []

    def generator(latents):
        seen.append(np.asarray(latents))
        return np.zeros((len(latents), 2, 2, 1), "float32")

    sampler = export.Sampler(
        generator, latent_dim=64, value_range=(-1.0, 1.0),
        latent_distribution="uniform",
    )  # fmt: skip
    figures.interpolation_figure(tmp_path / "f.png", sampler, rows=3, steps=4)
    latents = np.concatenate(seen)
    assert np.abs(latents).max() <= np.sqrt(3.0)  # inside the uniform box
    assert np.abs(latents[::4]).max() > 1.5  # ends spread over it, not N(0, 1)

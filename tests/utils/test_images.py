import os
import stat

import numpy as np
from PIL import Image

from keras_gan.utils import images


def test_to_uint8_maps_the_range_and_clips():
    values = np.array([-1.0, 0.0, 1.0, 2.0], "float32")
    np.testing.assert_array_equal(images.to_uint8(values, (-1, 1)), [0, 128, 255, 255])


def test_tile_places_images_in_rows_with_padding():
    batch = np.stack([np.full((2, 3, 1), value, "uint8") for value in (10, 20, 30)])
    grid = images.tile(batch, columns=2, padding=1)
    assert grid.shape == (2 * 3 + 1, 2 * 4 + 1, 1)
    assert grid[1, 1, 0] == 10 and grid[1, 5, 0] == 20 and grid[4, 1, 0] == 30
    assert grid[4, 5, 0] == 0  # the empty fourth cell
    assert grid[0].max() == 0  # border


def test_save_png_round_trips_and_leaves_no_temporary(tmp_path):
    picture = np.arange(12, dtype="uint8").reshape(2, 2, 3)
    images.save_png(tmp_path / "grid.png", picture, scale=2)
    loaded = np.asarray(Image.open(tmp_path / "grid.png"))
    assert loaded.shape == (4, 4, 3)
    np.testing.assert_array_equal(loaded[::2, ::2], picture)
    assert [path.name for path in tmp_path.iterdir()] == ["grid.png"]


def test_png_files_follow_the_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        images.save_png(tmp_path / "grid.png", np.zeros((4, 4, 1), "uint8"))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(tmp_path / "grid.png").st_mode) == 0o644
    assert os.listdir(tmp_path) == ["grid.png"]

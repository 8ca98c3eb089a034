import os
import subprocess

import keras
import numpy as np
from PIL import Image

from keras_gan import cli
from keras_gan.gan import GAN

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}


def _keras_gan(*args, timeout=600):
    # The installed console script, as a user runs it.
    return subprocess.run(
        ["keras-gan", *args], capture_output=True, text=True, env=ENV, timeout=timeout
    )


def test_help_reads_well():
    result = _keras_gan("--help")
    assert result.returncode == 0
    assert "train" in result.stdout
    result = _keras_gan("train", "--help")
    assert "--discriminator-steps" in result.stdout and "digits" in result.stdout


def test_train_end_to_end_on_digits(tmp_path):
    result = _keras_gan(
        "train",
        "--dataset", "digits",
        "--epochs", "2",
        "--batch-size", "32",
        "--discriminator-steps", "2",
        "--seed", "3",
        "--output-dir", str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    gan = keras.models.load_model(tmp_path / "gan.keras")
    assert isinstance(gan, GAN) and gan.discriminator_steps == 2
    # 1797 digits // (2 * 32) = 28 steps per epoch.
    assert int(gan.generator_optimizer.iterations) == 56
    assert int(gan.discriminator_optimizer.iterations) == 112
    grid = np.asarray(Image.open(tmp_path / "samples.png"))
    assert grid.ndim == 2 and grid.shape[0] == grid.shape[1] > 8 * 8
    assert grid.std() > 0


def test_bad_arguments_give_a_one_line_error(tmp_path, capsys):
    code = cli.main(
        [
            "train",
            "--dataset",
            str(tmp_path / "none.npz"),
            "--output-dir",
            str(tmp_path),
        ]
    )
    assert code == 2
    assert "none.npz" in capsys.readouterr().err

"""The CLI for conditional GANs: train on labels, sample a class, refuse bad labels."""

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gan import cli
from keras_gan.export import as_sampler
from keras_gan.gan import GAN
from keras_gan.training import execution
from keras_gan.utils import images

# Digits: 1797 images; batches of 2 * 64 give 14 steps per epoch.
TRAIN = ["train", "--conditional", "--dataset", "digits", "--epochs", "1",
         "--width", "4", "--batch-size", "64", "--discriminator-steps", "2",
         "--samples-every-epochs", "1", "--seed", "5"]  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def _seed_keras_only():
    """--seed in this process must not switch on TensorFlow's op determinism
    for the tests that follow (it turns XLA off): seed Keras only."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(execution, "make_reproducible", keras.utils.set_random_seed)
        yield


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    output_dir = tmp_path_factory.mktemp("conditional")
    assert cli.main([*TRAIN, "--output-dir", str(output_dir)]) == 0
    return output_dir


def test_train_conditional_trains_on_the_digits_labels(run_dir):
    gan = keras.models.load_model(run_dir / "gan.keras")
    assert isinstance(gan, GAN) and gan.conditional and gan.num_classes == 10
    assert gan.class_names == [str(digit) for digit in range(10)]
    assert int(gan.generator_optimizer.iterations) == 1797 // 128
    # SampleGrid: one row per class, the same latents across rows.
    grid = np.asarray(Image.open(run_dir / "samples.png"))
    assert grid.shape[0] > 9 * 8 and grid.std() > 0


def _sample(run_dir, tmp_path, *flags):
    output = tmp_path / "grid.png"
    try:
        code = cli.main(
            ["sample", "--model", str(run_dir / "gan.keras"), "--output", str(output),
             *flags]
        )  # fmt: skip
    except SystemExit as exit:  # argparse's own checks of a flag's type
        code = exit.code
    return code, output


def test_sample_a_class_a_list_of_classes_and_a_strip(run_dir, tmp_path, capsys):
    gan = keras.models.load_model(run_dir / "gan.keras")
    code, output = _sample(run_dir, tmp_path, "--label", "3", "--num-samples", "4")
    assert code == 0
    threes = as_sampler(gan).sample(4, 0, labels=3)  # four 3s in [0, 1]
    expected = images.tile(images.to_uint8(threes))
    np.testing.assert_array_equal(np.asarray(Image.open(output)), expected[..., 0])
    code, output = _sample(run_dir, tmp_path, "--labels", "0,1,2")
    assert code == 0 and "3 images" in capsys.readouterr().out
    code, output = _sample(
        run_dir, tmp_path, "--interpolate", "1", "2", "--steps", "4", "--label", "7",
        "--truncation", "0.7",
    )  # fmt: skip
    assert code == 0 and "4 images" in capsys.readouterr().out


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--label", "10"], "`labels` must be < num_classes=10; received 10."),
        (["--label", "-1"], "`labels` must be >= 0; received -1"),
        (["--labels", "1,x"], "--labels"),
        (["--truncation", "0"], "`truncation` (psi) must be a number in (0, 1]"),
        (["--truncation", "1.5"], "Received: truncation=1.5"),
    ],
)
def test_bad_sampling_flags_are_one_line_errors(run_dir, tmp_path, capsys, flags,
                                                message):  # fmt: skip
    code, output = _sample(run_dir, tmp_path, *flags)
    error = capsys.readouterr().err
    assert code == 2 and message in error.splitlines()[-1], error
    assert not output.exists()


def test_conditional_needs_a_dataset_with_labels(tmp_path, capsys):
    np.savez(tmp_path / "plain.npz", x_train=np.zeros((40, 8, 8), "uint8"))
    flags = [*TRAIN, "--dataset", str(tmp_path / "plain.npz")]
    code = cli.main([*flags, "--output-dir", str(tmp_path / "out")])
    error = capsys.readouterr().err
    assert code == 2 and "--conditional trains on the dataset's labels" in error
    assert not (tmp_path / "out").exists()


def test_labels_for_an_unconditional_model_are_refused(tmp_path, capsys):
    output_dir = tmp_path / "plain"
    flags = [f for f in TRAIN if f != "--conditional"]
    assert cli.main([*flags, "--samples-every-epochs", "0",
                     "--output-dir", str(output_dir)]) == 0  # fmt: skip
    code, output = _sample(output_dir, tmp_path, "--label", "3")
    error = capsys.readouterr().err
    assert code == 2 and "unconditional" in error, error
    assert not output.exists()

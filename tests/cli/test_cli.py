import os
import pathlib
import subprocess

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gan import cli, ema
from keras_gan.gan import GAN

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}


def _keras_gan(*args, timeout=600):
    # The installed console script, as a user runs it.
    return subprocess.run(
        ["keras-gan", *args], capture_output=True, text=True, env=ENV, timeout=timeout
    )


def _help(capsys, *command):
    # In this process: the console script itself is run by the exit-code test.
    with pytest.raises(SystemExit) as exited:
        cli.main([*command, "--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


def test_help_reads_well(capsys):
    assert "train" in _help(capsys)
    usage = _help(capsys, "train")
    assert "--discriminator-steps" in usage and "digits" in usage


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


def test_the_train_command_passes_its_flags(monkeypatch, tmp_path):
    from keras_gan import callbacks, training
    from keras_gan.training import execution

    received, seeded = {}, []
    monkeypatch.setattr(
        training, "train", lambda gan, images, **kw: received.update(kw, gan=gan)
    )
    # In this process op determinism would stay on for every later test.
    monkeypatch.setattr(execution, "make_reproducible", seeded.append)
    flags = [
        "train", "--output-dir", str(tmp_path), "--width", "4", "--ema-decay", "0.99",
        "--log-every-steps", "5", "--samples-every-epochs", "2",
        "--histograms-every-epochs", "3", "--gradient-norms",
        "--collapse-threshold", "0.2", "--stop-on-collapse",
        "--backup-every-steps", "50", "--discriminator-steps", "2",
        "--batch-size", "16", "--epochs", "3", "--seed", "11",
    ]  # fmt: skip
    assert cli.main(flags) == 0
    gan = received.pop("gan")
    assert (gan.ema_decay, gan.discriminator_steps, gan.seed) == (0.99, 2, 11)
    assert seeded == [11]
    assert gan.track_gradient_norms
    assert (received["epochs"], received["batch_size"]) == (3, 16)
    assert received["backup_every_steps"] == 50
    kinds = {type(hook): hook for hook in received["callbacks"]}
    assert kinds[callbacks.TensorBoard].update_freq == 5
    assert kinds[callbacks.SampleGrid].every_epochs == 2
    assert kinds[callbacks.SampleGrid].use_ema
    assert kinds[callbacks.LogitHistograms].every_epochs == 3
    monitor = kinds[callbacks.ModeCollapseMonitor]
    assert (monitor.threshold, monitor.stop_on_collapse) == (0.2, True)


def test_the_schedule_flags_reach_the_r3gan_recipe(monkeypatch, tmp_path):
    from keras_gan import training

    received = {}
    monkeypatch.setattr(
        training, "train", lambda gan, images, **kw: received.update(kw, gan=gan)
    )
    flags = ["train", "--recipe", "r3gan", "--width", "4", "--epochs", "2",
             "--batch-size", "128", "--final-gamma", "0.1",
             "--final-learning-rate", "0.5", "--ema-half-life", "0.25",
             "--output-dir", str(tmp_path)]  # fmt: skip
    assert cli.main(flags) == 0
    gan = received["gan"]
    last = 2 * (1797 // 128)  # the planned steps: 2 epochs of 14 updates
    # the average halves a step's weight after a quarter of them
    assert gan.ema_decay == pytest.approx(0.5 ** (1 / (0.25 * last)))
    for penalty in gan.penalties:  # R1 and R2: gamma, then a tenth of it
        assert float(penalty.schedule(0)) == pytest.approx(1.0)
        assert float(penalty.schedule(last)) == pytest.approx(0.1)
    for optimizer in (gan.generator_optimizer, gan.discriminator_optimizer):
        rate = keras.optimizers.schedules.deserialize(
            optimizer.get_config()["learning_rate"]
        )  # a cosine from the recipe's 5e-4 to half of it
        assert (float(rate(0)), float(rate(last))) == pytest.approx((5e-4, 2.5e-4))


@pytest.mark.parametrize("flag", ["--final-gamma", "--final-learning-rate"])
@pytest.mark.parametrize("value", ["1.5", "-0.1", "nan"])
def test_schedule_fractions_out_of_range_are_refused(flag, value, tmp_path, capsys):
    output_dir = tmp_path / "run"
    error = _refusal(
        ["train", "--recipe", "r3gan", "--output-dir", str(output_dir), flag, value],
        capsys,
    )
    assert f"argument {flag}: must be a number in [0, 1]. Received: {value}" in error
    assert not output_dir.exists()


@pytest.mark.parametrize("value", ["0", "1.5", "nan"])
def test_an_ema_half_life_outside_the_run_is_refused(value, tmp_path, capsys):
    output_dir = tmp_path / "run"
    error = _refusal(
        ["train", "--recipe", "r3gan", "--output-dir", str(output_dir),
         "--ema-half-life", value],
        capsys,
    )  # fmt: skip
    assert (
        f"argument --ema-half-life: must be a number in (0, 1]. Received: {value}"
        in error
    )
    assert not output_dir.exists()


def test_r3gan_refuses_a_fixed_ema_decay_it_would_replace(tmp_path, capsys):
    error = _refusal(
        ["train", "--recipe", "r3gan", "--output-dir", str(tmp_path / "run"),
         "--ema-decay", "0.9999"],
        capsys,
    )  # fmt: skip
    assert "--ema-decay: the r3gan recipe sizes its moving average" in error
    assert "--ema-half-life" in error and "Received: --ema-decay 0.9999" in error
    assert not (tmp_path / "run").exists()


def test_choices_come_from_the_registries():
    from keras_gan import losses, networks, recipes
    from keras_gan.export import litert

    train = cli.build_parser()._subparsers._group_actions[0].choices["train"]
    choices = {action.dest: action.choices for action in train._actions}
    assert choices["generator_loss"] == sorted(losses.GENERATOR_LOSSES)
    assert choices["objective"] == sorted(losses.LOSSES)
    assert choices["recipe"] == sorted(recipes.RECIPES)
    assert choices["network"] == sorted(networks.NETWORKS)
    export = cli.build_parser()._subparsers._group_actions[0].choices["export"]
    choices = {action.dest: action.choices for action in export._actions}
    assert tuple(choices["quantize"]) == litert.QUANTIZATIONS


def _earlier_outputs(output_dir):
    output_dir.mkdir(exist_ok=True)
    (output_dir / "gan.keras").write_bytes(b"an earlier model")
    (output_dir / "samples.png").write_bytes(b"an earlier grid")
    return {path.name: path.read_bytes() for path in output_dir.iterdir()}


def _npz(path, **arrays):
    np.savez(path, **arrays)
    return str(path)


def _bad_inputs(tmp_path):
    pixels = np.zeros((20, 8, 8), "float32")
    pixels[3, 2, 1] = np.nan
    return {
        "nan": (
            ["--dataset", _npz(tmp_path / "nan.npz", x_train=pixels)],
            "holds 1 NaN or infinite values (the first in image 3)",
        ),
        "inf": (
            ["--dataset", _npz(tmp_path / "inf.npz", x_train=pixels * 0 + np.inf)],
            "NaN or infinite",
        ),
        "empty": (
            ["--dataset", _npz(tmp_path / "empty.npz", x_train=pixels[:0])],
            "holds no images (shape (0, 8, 8, 1))",
        ),
        "batch": (
            ["--batch-size", "1000", "--discriminator-steps", "2"],
            "2000 images per training step, but the dataset has only 1797",
        ),
        "not_zip": (
            ["--dataset", str(tmp_path / "plain.npz")],
            "is not a NumPy .npz archive (it is not a zip file)",
        ),
        "epochs": (["--epochs", "-1"], "must be an integer >= 1. Received: -1"),
    }  # fmt: skip


def test_bad_inputs_give_one_line_errors_and_leave_outputs_alone(tmp_path, capsys):
    (tmp_path / "plain.npz").write_text("not a zip")
    for name, (flags, message) in _bad_inputs(tmp_path).items():
        output_dir = tmp_path / f"out_{name}"
        before = _earlier_outputs(output_dir)
        code = cli.main(
            ["train", "--output-dir", str(output_dir), "--width", "4", *flags]
        )
        error = capsys.readouterr().err
        assert code == 2, name
        assert message in error, (name, error)
        assert error.startswith("keras-gan: error:") and error.count("\n") == 1, error
        after = {path.name: path.read_bytes() for path in output_dir.iterdir()}
        assert after == before, name


def test_bad_input_exits_with_code_2_from_the_console_script(tmp_path):
    result = _keras_gan("train", "--output-dir", str(tmp_path), "--epochs", "-1")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "keras-gan: error: argument --epochs: must be an integer >= 1. Received: -1 "
        "(see `keras-gan train --help`)"
    )


class _Poison(keras.callbacks.Callback):
    """Makes the discriminator's weights NaN at one batch, as a divergence would."""

    def __init__(self, epoch, batch):
        super().__init__()
        self.at, self.epoch = (epoch, batch), None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            kernel = self.model.discriminator.trainable_weights[0]
            kernel.assign(np.full(kernel.shape, np.nan, "float32"))


def test_a_diverging_run_stops_with_an_error_and_keeps_good_files(
    tmp_path, capsys, monkeypatch
):
    from keras_gan import callbacks
    from keras_gan.training import resume

    flags = ["train", "--output-dir", str(tmp_path), "--width", "4",
             "--batch-size", "64", "--samples-every-epochs", "1"]  # fmt: skip
    assert cli.main([*flags, "--epochs", "1"]) == 0
    good = {
        name: (tmp_path / name).read_bytes() for name in ("gan.keras", "samples.png")
    }
    monitoring = callbacks.monitoring_callbacks
    monkeypatch.setattr(
        callbacks, "monitoring_callbacks",
        lambda *a, **k: [*monitoring(*a, **k), _Poison(epoch=1, batch=5)],
    )  # fmt: skip
    code = cli.main([*flags, "--epochs", "3"])
    error = capsys.readouterr().err
    assert code == 2
    assert "Training diverged: d_loss (at batch 6 of the epoch)" in error, error
    for name, content in good.items():
        assert (tmp_path / name).read_bytes() == content, name
    assert resume.read_metadata(tmp_path / "backup.npz")["step"] == 1797 // 64
    assert not (tmp_path / "samples" / "epoch_0002.png").exists()


def test_the_cli_refuses_flags_a_recipe_does_not_take(tmp_path, capsys):
    code = cli.main(["train", "--recipe", "paper_mlp", "--width", "8",
                     "--output-dir", str(tmp_path)])  # fmt: skip
    assert code == 2
    assert "does not take `width`" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_every_recipe_trains_from_the_cli(tmp_path):
    for name, extra in (("r3gan", ["--width", "4"]), ("paper_mlp", [])):
        output_dir = tmp_path / name
        flags = [
            "train",
            "--recipe",
            name,
            "--epochs",
            "1",
            "--batch-size",
            "128",
            "--samples-every-epochs",
            "0",
            "--output-dir",
            str(output_dir),
        ]
        assert cli.main([*flags, *extra]) == 0, name  # fmt: skip
        gan = keras.models.load_model(output_dir / "gan.keras")
        assert int(gan.generator_optimizer.iterations) == 1797 // 128
        if name == "r3gan":  # its EMA's half-life is 2 % of the run's 14 steps
            assert gan.ema_decay == ema.decay_for_half_life(0.02 * 14)


def test_evaluate_reports_stacked_mnist_modes_from_the_cli(tmp_path, monkeypatch):
    import json

    from conftest import one_hot_judge

    from keras_gan import networks
    from keras_gan.evaluation import judge
    from keras_gan.gan import GAN

    labels = np.arange(200) % 10
    digits = np.zeros((200, 4, 4), "uint8")
    digits.reshape(200, 16)[np.arange(200), labels] = 255  # digit d lights pixel d
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=digits, y_train=labels, x_test=digits, y_test=labels)
    monkeypatch.setattr(judge, "load_judge", lambda *a, **k: one_hot_judge())
    keras.utils.set_random_seed(0)
    gan = GAN(networks.dcgan_generator(8, (4, 4, 3), width=4),
              networks.dcgan_discriminator((4, 4, 3), width=4))  # fmt: skip
    gan.save(tmp_path / "gan.keras")
    code = cli.main(["evaluate", "--model", str(tmp_path / "gan.keras"),
                     "--dataset", f"stacked_mnist:{path}", "--num-samples", "500",
                     "--output-dir", str(tmp_path / "eval")])  # fmt: skip
    assert code == 0
    report = json.loads((tmp_path / "eval" / "report.json").read_text())
    real = report["modes_covered"]["reference_real"]
    assert 0 < report["modes_covered"]["value"] <= 500 and 150 < real <= 200
    assert report["kl_to_uniform"]["value"] >= report["kl_to_uniform"]["reference_real"]


def _refusal(argv, capsys):
    """The one line ``keras-gan ARGV`` prints on stderr; asserts exit code 2."""
    code = cli.main(argv)
    error = capsys.readouterr().err
    assert code == 2, error
    assert error.startswith("keras-gan: error:") and error.count("\n") == 1, error
    return error


def test_a_corrupt_image_in_a_folder_dataset_is_named(tmp_path, capsys):
    folder = tmp_path / "images"
    folder.mkdir()
    pixels = np.random.default_rng(0).integers(0, 256, (3, 8, 8), dtype="uint8")
    for index, image in enumerate(pixels):
        Image.fromarray(image).save(folder / f"{index}.png")
    png = (folder / "1.png").read_bytes()
    (folder / "1.png").write_bytes(png[: len(png) // 2])
    output_dir = tmp_path / "run"
    error = _refusal(
        ["train", "--dataset", str(folder), "--output-dir", str(output_dir)], capsys
    )
    assert "1.png" in error and "Fix or remove it" in error, error
    assert not output_dir.exists()


@pytest.mark.parametrize(
    "flag, value, minimum",
    [
        ("--batch-size", "0", 1),
        ("--latent-dim", "0", 1),
        ("--width", "0", 1),
        ("--epochs", "0", 1),
        ("--discriminator-steps", "-1", 1),
        ("--log-every-steps", "0", 1),
        ("--histograms-every-epochs", "0", 1),
        ("--samples-every-epochs", "-1", 0),
        ("--backup-every-steps", "-2", 0),
        ("--seed", "-1", 0),
        ("--width", "four", 1),
    ],
)
def test_counts_out_of_range_are_refused_not_defaulted(
    flag, value, minimum, tmp_path, capsys
):
    output_dir = tmp_path / "run"
    error = _refusal(["train", "--output-dir", str(output_dir), flag, value], capsys)
    assert error == (
        f"keras-gan: error: argument {flag}: must be an integer >= {minimum}. "
        f"Received: {value} (see `keras-gan train --help`)\n"
    )
    assert not output_dir.exists()


def test_evaluate_refuses_zero_samples(tmp_path, capsys):
    error = _refusal(
        ["evaluate", "--model", "gan.keras", "--dataset", "digits",
         "--num-samples", "0", "--output-dir", str(tmp_path / "report")],
        capsys,
    )  # fmt: skip
    assert "argument --num-samples: must be an integer >= 1. Received: 0" in error


def test_an_output_dir_that_is_a_file_is_refused(tmp_path, capsys):
    taken = tmp_path / "notes.txt"
    taken.write_text("mine")
    for output_dir in (taken, taken / "run"):
        error = _refusal(["train", "--output-dir", str(output_dir)], capsys)
        assert f"{str(taken)!r} is a file" in error, error
        assert taken.read_text() == "mine"


def test_a_truncated_keras_file_is_named_as_such(tmp_path, capsys):
    whole = pathlib.Path(__file__).parents[1] / "fixtures" / "legacy_gan.keras"
    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    output = tmp_path / "x.png"
    error = _refusal(
        ["sample", "--model", str(truncated), "--output", str(output)], capsys
    )
    assert "exists but is not a readable .keras archive" in error, error
    assert "not found" not in error.lower()
    assert not output.exists()

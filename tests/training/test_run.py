"""Tests of ``keras-gan train``: outputs, monitoring files and exact resume."""

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile

import h5py
import numpy as np
import pytest
from PIL import Image

from keras_gan import callbacks, cli, data, ema, networks, training
from keras_gan.training import resume

TINY = [
    "--dataset", "digits", "--width", "4", "--latent-dim", "8",
    "--batch-size", "32", "--seed", "7",
]  # fmt: skip


def _command(output_dir, *extra):
    return [sys.executable, "-m", "keras_gan.cli", "train", "--output-dir",
            str(output_dir), *TINY, *extra]  # fmt: skip


def _environment(backend_name="tensorflow"):
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_BACKEND": backend_name}


def _keras_arrays(path):
    """Every array in a .keras file's weights (model and both optimizers)."""
    arrays = {}
    with zipfile.ZipFile(path) as archive, archive.open("model.weights.h5") as file:
        with h5py.File(file, "r") as weights:
            weights.visititems(
                lambda name, item: (
                    arrays.__setitem__(name, item[()])
                    if isinstance(item, h5py.Dataset)
                    else None
                )
            )
    return arrays


def _kill_mid_epoch(command, backup_path, after_step, steps_per_epoch, environment):
    """Runs ``command``; SIGKILLs it after a mid-epoch backup past ``after_step``."""
    process = subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if os.path.exists(backup_path):
                step = resume.read_metadata(backup_path)["step"]
                if step >= after_step and step % steps_per_epoch:
                    time.sleep(0.05)  # let it run on past the backup
                    process.send_signal(signal.SIGKILL)
                    process.wait(timeout=30)
                    return step
            time.sleep(0.01)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    pytest.fail(f"the run ended before a mid-epoch backup: {process.stderr.read()}")


@pytest.mark.slow
@pytest.mark.parametrize("conditional", [False, True], ids=["", "conditional"])
@pytest.mark.parametrize("backend_name", ["tensorflow", "jax"])
def test_rerun_after_sigkill_mid_epoch_is_bit_identical(
    tmp_path, backend_name, conditional
):
    # digits: 1797 images, batches of 32 -> 56 steps per epoch.
    extra = ("--epochs", "3", "--backup-every-steps", "10")
    extra += ("--conditional",) if conditional else ()
    environment = _environment(backend_name)
    straight, crashed = tmp_path / "straight", tmp_path / "crashed"
    subprocess.run(_command(straight, *extra), env=environment, check=True)
    killed_at = _kill_mid_epoch(
        _command(crashed, *extra), crashed / "backup.npz", after_step=60,
        steps_per_epoch=56, environment=environment,
    )  # fmt: skip
    assert not (crashed / "gan.keras").exists()
    assert 56 < killed_at < 168
    resumed = subprocess.run(
        _command(crashed, *extra), env=environment, capture_output=True, text=True
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "Resuming from the backup at epoch" in resumed.stderr
    expected = _keras_arrays(straight / "gan.keras")
    actual = _keras_arrays(crashed / "gan.keras")
    assert sorted(actual) == sorted(expected)
    different = [k for k in expected if not np.array_equal(expected[k], actual[k])]
    assert not different


@pytest.mark.slow
@pytest.mark.parametrize(("recipe", "minutes"), [("dcgan", "0.1"), ("r3gan", "0.2")])
def test_a_budget_run_killed_and_rerun_ends_at_its_planned_step_bit_identical(
    tmp_path, recipe, minutes
):
    # The straight run measures its speed (on a probe GAN); the crashed run
    # gets the same plan, so the two must end identical. r3gan also sizes its
    # EMA's half-life to the planned steps; its residual networks are slower,
    # so it gets a longer budget for the same > 120 steps.
    budget_flags = ("--budget-minutes", minutes, "--backup-every-steps", "10")
    budget_flags += ("--recipe", recipe)
    environment = _environment()
    straight, crashed = tmp_path / "straight", tmp_path / "crashed"
    subprocess.run(_command(straight, *budget_flags), env=environment, check=True)
    plan = json.loads((straight / "budget.json").read_text())
    assert plan["steps"] > 120 and plan["clock"] == "cpu"
    crashed.mkdir()
    (crashed / "budget.json").write_text(json.dumps(plan))
    _kill_mid_epoch(
        _command(crashed, *budget_flags), crashed / "backup.npz", after_step=60,
        steps_per_epoch=56, environment=environment,
    )  # fmt: skip
    resumed = subprocess.run(
        _command(crashed, *budget_flags), env=environment, capture_output=True,
        text=True,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    expected = _keras_arrays(straight / "gan.keras")
    actual = _keras_arrays(crashed / "gan.keras")
    assert sorted(actual) == sorted(expected)
    assert not [k for k in expected if not np.array_equal(expected[k], actual[k])]
    assert resume.read_metadata(crashed / "backup.npz")["step"] == plan["steps"]
    if recipe == "r3gan":
        with zipfile.ZipFile(crashed / "gan.keras") as archive:
            config = json.loads(archive.read("config.json"))["config"]
        assert config["ema_decay"] == ema.decay_for_half_life(0.02 * plan["steps"])


def test_budget_minutes_and_epochs_are_one_or_the_other(tmp_path, capsys):
    # In this process (the errors come before any work); the console script's
    # exit code is checked in tests/cli.
    train = ["train", "--output-dir", str(tmp_path / "run"), *TINY]
    assert cli.main([*train, "--budget-minutes", "1", "--epochs", "2"]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "keras-gan: error: --epochs and --budget-minutes both set the run's "
        "length; give one."
    )
    assert not (tmp_path / "run").exists()
    assert cli.main([*train, "--budget-minutes", "0"]) == 2
    assert "must be a number > 0. Received: 0" in capsys.readouterr().err


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    """A finished tiny training run with every monitor turned on."""
    output_dir = tmp_path_factory.mktemp("run")
    _same_settings(
        output_dir, histograms_every_epochs=1, collapse_threshold=0.01,
        log_every_steps=20,
    )  # fmt: skip
    return output_dir


def _same_settings(output_dir, *, latent_dim=8, epochs=2, verbose=0, **monitoring):
    """``training.train`` on digits with tiny networks, in this process.

    No seed is given, so that this process does not switch on TensorFlow's op
    determinism for other tests; a rerun takes the seed from the backup.
    """
    images, _ = data.load_arrays("digits")
    gan = networks.build_gan(
        images.shape[1:], width=4, latent_dim=latent_dim, ema_decay=0.9,
        seed=resume.run_seed(output_dir),
    )  # fmt: skip
    gan.compile(track_gradient_norms=True)
    monitors = callbacks.monitoring_callbacks(
        data.rescale(images, (-1.0, 1.0)), os.path.join(output_dir, "logs"),
        png_dir=os.path.join(output_dir, "samples"), use_ema=True, **monitoring,
    )  # fmt: skip
    return training.train(
        gan, images, output_dir=output_dir, epochs=epochs, batch_size=32,
        callbacks=monitors, verbose=verbose,
    )  # fmt: skip


def test_train_writes_model_samples_logs_and_backup(finished_run):
    output_dir = finished_run
    for name in (
        "gan.keras", "samples.png", "backup.npz", "samples/epoch_0001.png",
        "samples/epoch_0002.png", "logs/train", "logs/samples", "logs/discriminator",
    ):  # fmt: skip
        assert (output_dir / name).exists(), name
    assert resume.read_metadata(output_dir / "backup.npz")["step"] == 2 * 56


def test_ema_generator_is_trained_and_survives_a_keras_round_trip(
    finished_run, tmp_path
):
    import keras

    output_dir = finished_run
    gan = keras.models.load_model(output_dir / "gan.keras")
    raw, average = gan.generator.get_weights(), gan.ema_generator.get_weights()
    assert not all(np.array_equal(a, b) for a, b in zip(raw, average, strict=True))
    assert not np.array_equal(
        gan.sample(4, seed=1), gan.sample(4, seed=1, use_ema=True)
    )
    gan.save(tmp_path / "again.keras")
    again = keras.models.load_model(tmp_path / "again.keras")
    for expected, actual in zip(
        average, again.ema_generator.get_weights(), strict=True
    ):
        np.testing.assert_array_equal(expected, actual)


def test_rerunning_a_finished_run_trains_nothing(finished_run, capsys):
    output_dir = finished_run
    before = _keras_arrays(output_dir / "gan.keras")
    gan = _same_settings(output_dir, verbose=1)
    assert "Training already finished (2 epochs)" in capsys.readouterr().err
    assert gan.generator_optimizer.iterations.numpy() == 2 * 56
    after = _keras_arrays(output_dir / "gan.keras")
    assert all(np.array_equal(before[key], after[key]) for key in before)


def test_a_backup_of_other_settings_is_refused(finished_run):
    output_dir = finished_run
    with pytest.raises(ValueError, match="latent_dim: backup 8, now 9"):
        _same_settings(output_dir, latent_dim=9)
    with pytest.raises(ValueError, match="past `epochs`=1"):
        _same_settings(output_dir, epochs=1)


def _free_loopback_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def _wait_for_scalars(base, server, attempts=240):
    """Polls TensorBoard (bounded) until it has loaded the ``train`` run."""
    for _ in range(attempts):
        assert server.poll() is None, server.stdout.read()
        try:
            tags = json.loads(_get(f"{base}/data/plugin/scalars/tags"))
            if "epoch_d_loss" in tags.get("train", {}):
                return tags
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail("TensorBoard did not serve the train scalars in time")


def test_tensorboard_serves_the_scalars_and_the_sample_grid(finished_run):
    port = _free_loopback_port()
    server = subprocess.Popen(
        ["tensorboard", "--logdir", str(finished_run / "logs"),
         "--host", "127.0.0.1", "--port", str(port)],
        env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        tags = _wait_for_scalars(base, server)
        for name in ("d_loss", "g_loss", "d_real", "d_fake", "d_grad_norm"):
            assert f"epoch_{name}" in tags["train"]
        assert "batch_g_loss" in tags["train"]
        query = "run=train&tag=epoch_g_loss"
        values = json.loads(_get(f"{base}/data/plugin/scalars/scalars?{query}"))
        assert [step for _, step, _ in values] == [0, 1]
        query = "run=samples&tag=samples&sample=0"
        entries = json.loads(_get(f"{base}/data/plugin/images/images?{query}"))
        assert [entry["step"] for entry in entries] == [0, 1]
        png = _get(f"{base}/data/plugin/images/individualImage?{entries[-1]['query']}")
        grid = np.asarray(Image.open(io.BytesIO(png)))
        assert grid.shape == (8 * 9 + 1, 8 * 9 + 1)  # 64 images of 8x8, bordered
        final = np.asarray(Image.open(finished_run / "samples" / "epoch_0002.png"))
        np.testing.assert_array_equal(grid, final[::4, ::4])
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_train_under_a_strategy_and_a_precision_policy(tmp_path):
    import keras

    from keras_gan import cli

    try:
        code = cli.main(
            ["train", "--output-dir", str(tmp_path), "--epochs", "1", "--width", "4",
             "--samples-every-epochs", "0", "--distribute", "mirrored",
             "--precision", "mixed_bfloat16"]
        )  # fmt: skip
        assert code == 0
        gan = keras.models.load_model(tmp_path / "gan.keras")
    finally:
        keras.mixed_precision.set_dtype_policy("float32")
    assert gan.generator.layers[1].compute_dtype == "bfloat16"
    assert int(gan.generator_optimizer.iterations.numpy()) == 1797 // 64


def test_train_builds_under_the_strategy_it_is_given(tmp_path):
    import tensorflow as tf

    strategy = tf.distribute.MirroredStrategy()
    images, _ = data.load_arrays("digits")
    with strategy.scope():
        gan = networks.build_gan(images.shape[1:], width=4, seed=1)
        gan.compile()
    training.train(gan, images, output_dir=tmp_path, epochs=1, verbose=0)
    assert isinstance(gan.distribute_strategy, tf.distribute.MirroredStrategy)
    assert int(gan.generator_optimizer.iterations.numpy()) == 1797 // 64

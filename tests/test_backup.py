"""Tests of whole-state backups, the restartable data order and TrainingBackup."""

import os

import keras
import numpy as np
import pytest

from keras_gan import GAN, backup, networks

SHAPE = (8, 8, 1)


def _gan(keras_seed, width=4, **kwargs):
    keras.utils.set_random_seed(keras_seed)
    gan = GAN(
        networks.dcgan_generator(8, SHAPE, width=width),
        networks.dcgan_discriminator(SHAPE, width=width),
        seed=3,
        ema_decay=0.9,
        **kwargs,
    )
    gan.compile()
    return gan


def _images(count=100):
    return np.random.default_rng(0).uniform(-1, 1, (count, *SHAPE)).astype("float32")


def _batches(**kwargs):
    return backup.epoch_batches(_images(), step_batch_size=16, seed=5, **kwargs)


def test_training_variables_cover_seeds_ema_optimizers_and_metrics():
    gan = _gan(0)
    ids = {id(variable) for variable in backup.training_variables(gan)}
    assert len(ids) == len(backup.training_variables(gan))
    seed_states = [
        generator.state
        for layer in gan.discriminator.layers
        for generator in layer._seed_generators
    ]
    assert seed_states  # the DCGAN discriminator's dropout layers
    expected = [
        *seed_states,
        *gan.ema_generator.weights,
        gan.generator_optimizer.iterations,
        *gan.discriminator_optimizer.variables,
        *gan.metrics_variables,
    ]
    assert all(id(variable) in ids for variable in expected)


class _StopAt(keras.callbacks.Callback):
    def __init__(self, epoch, step):
        super().__init__()
        self.epoch, self.step, self.current = epoch, step, None

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.current == self.epoch and batch + 1 == self.step:
            self.model.stop_training = True


def test_resume_mid_epoch_matches_an_uninterrupted_run(tmp_path):
    path = tmp_path / "backup.npz"
    per_epoch = backup.steps_per_epoch(100, 16)  # 6
    reference = _gan(0)
    reference.fit(_batches(start_epoch=0, end_epoch=2), epochs=2,
                  steps_per_epoch=per_epoch, verbose=0)  # fmt: skip
    crashed = _gan(0)
    hook = backup.TrainingBackup(path, steps_per_epoch=per_epoch, every_steps=4)
    crashed.fit(_batches(start_epoch=0, end_epoch=2), epochs=2,
                steps_per_epoch=per_epoch, callbacks=[hook, _StopAt(1, 2)],
                verbose=0)  # fmt: skip
    assert backup.read_metadata(path)["step"] == per_epoch + 2
    resumed = _gan(1)  # other initial weights and dropout seeds
    assert backup.restore_backup(resumed, path)["step"] == per_epoch + 2
    carried = [variable.numpy() for variable in resumed.metrics_variables]
    hook = backup.TrainingBackup(
        path, steps_per_epoch=per_epoch, initial_step=per_epoch + 2,
        carried_metrics=carried,
    )  # fmt: skip
    resumed.fit(_batches(start_epoch=1, end_epoch=2, skip=2), initial_epoch=1,
                epochs=2, steps_per_epoch=per_epoch - 2, callbacks=[hook],
                verbose=0)  # fmt: skip
    # Everything, including the epoch's running metric averages.
    for expected, actual in zip(
        backup.training_variables(reference),
        backup.training_variables(resumed),
        strict=True,
    ):
        np.testing.assert_array_equal(expected.numpy(), actual.numpy())
    assert backup.read_metadata(path)["step"] == 2 * per_epoch


def test_backups_every_steps_and_at_epoch_end(tmp_path):
    path = tmp_path / "backup.npz"
    steps = []
    saver = backup.save_backup

    def recording_save(model, path, *, step, metadata=None):
        steps.append(step)
        saver(model, path, step=step, metadata=metadata)

    backup.save_backup, original = recording_save, backup.save_backup
    try:
        hook = backup.TrainingBackup(
            path, steps_per_epoch=6, every_steps=4, metadata={"run": "a"}
        )
        _gan(0).fit(_batches(start_epoch=0, end_epoch=2), epochs=2,
                    steps_per_epoch=6, callbacks=[hook], verbose=0)  # fmt: skip
    finally:
        backup.save_backup = original
    assert steps == [4, 6, 8, 12]  # step 12 is both: saved once
    assert backup.read_metadata(path) == {"run": "a", "step": 12}


def test_a_failed_write_keeps_the_previous_backup(tmp_path, monkeypatch):
    path = tmp_path / "backup.npz"
    gan = _gan(0)
    backup.save_backup(gan, path, step=3)

    def crash(file, **arrays):
        file.write(b"half a backup")
        raise KeyboardInterrupt

    monkeypatch.setattr(backup.np, "savez", crash)
    with pytest.raises(KeyboardInterrupt):
        backup.save_backup(gan, path, step=4)
    assert backup.read_metadata(path)["step"] == 3
    assert os.listdir(tmp_path) == ["backup.npz"]


def test_staging_left_by_a_kill_is_removed(tmp_path):
    path = tmp_path / "backup.npz"
    (tmp_path / ".backup.npz.k1ll3d").mkdir()
    (tmp_path / ".backup.npz.k1ll3d" / "backup.npz").write_bytes(b"half")
    (tmp_path / ".gan.keras.x").mkdir()
    backup.remove_partial_backups(path)
    assert sorted(os.listdir(tmp_path)) == [".gan.keras.x"]


def test_restoring_into_another_model_names_the_problem(tmp_path):
    path = tmp_path / "backup.npz"
    backup.save_backup(_gan(0), path, step=1)
    with pytest.raises(ValueError, match="another model or configuration"):
        backup.restore_backup(_gan(0, width=8), path)


def test_non_finite_logs_do_not_replace_a_good_backup(tmp_path):
    path = tmp_path / "backup.npz"
    hook = backup.TrainingBackup(path, steps_per_epoch=6, initial_step=6)
    hook.set_model(_gan(0))
    hook.on_epoch_end(0, {"d_loss": float("nan")})
    assert not path.exists()
    hook.on_epoch_end(0, {"d_loss": 1.0})
    assert path.exists()


def _as_list(dataset):
    return [batch for batch in dataset.as_numpy_iterator()]


def test_epoch_order_is_a_pure_function_of_seed_and_epoch():
    two_epochs = _as_list(_batches(start_epoch=0, end_epoch=2))
    assert len(two_epochs) == 12
    later = _as_list(_batches(start_epoch=1, end_epoch=2, skip=2))
    for expected, actual in zip(two_epochs[8:], later, strict=True):
        np.testing.assert_array_equal(expected, actual)
    first = np.concatenate(two_epochs[:6]).reshape(96, -1)
    second = np.concatenate(two_epochs[6:]).reshape(96, -1)
    assert len(np.unique(first, axis=0)) == 96  # a permutation, 4 dropped
    assert not np.array_equal(first, second)  # reshuffled every epoch
    other_seed = backup.epoch_batches(
        _images(), step_batch_size=16, seed=6, start_epoch=0, end_epoch=1
    )
    assert not np.array_equal(_as_list(other_seed)[0], two_epochs[0])


def test_epoch_batches_rejects_batches_larger_than_the_data():
    with pytest.raises(ValueError, match="step_batch_size"):
        backup.epoch_batches(_images(10), step_batch_size=16, seed=0,
                             start_epoch=0, end_epoch=1)  # fmt: skip

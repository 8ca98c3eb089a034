"""Tests of whole-state backups, the restartable data order and TrainingBackup."""

import os

import keras
import numpy as np
import pytest

from keras_gan import GAN, data, networks
from keras_gan.training import resume
from keras_gan.training.resume import callback, variables

SHAPE = (8, 8, 1)


def _gan(keras_seed, width=4, **kwargs):
    keras.utils.set_random_seed(keras_seed)
    gan = GAN(
        networks.dcgan_generator(8, SHAPE, width=width),
        networks.dcgan_discriminator(SHAPE, width=width),
        **{"seed": 3, "ema_decay": 0.9, **kwargs},
    )
    gan.compile()
    return gan


def _images(count=100):
    return np.random.default_rng(0).uniform(-1, 1, (count, *SHAPE)).astype("float32")


def _batches(**kwargs):
    return data.epoch_batches(_images(), step_batch_size=16, seed=5, **kwargs)


def test_training_variables_cover_seeds_ema_optimizers_and_metrics():
    gan = _gan(0)
    keyed = resume.keyed_variables(gan)
    ids = {id(variable) for variable in keyed.values()}
    assert len(ids) == len(keyed)
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
    images, per_epoch = _images(), 100 // 16  # 6 steps per epoch
    reference = _gan(0)
    resume.fit_resumably(
        reference, images, tmp_path / "straight.npz", epochs=2, batch_size=16,
        verbose=0,
    )  # fmt: skip
    path = tmp_path / "backup.npz"
    crashed = _gan(0)
    resume.fit_resumably(
        crashed, images, path, epochs=2, batch_size=16, every_steps=4,
        callbacks=[_StopAt(1, 2)], verbose=0,
    )  # fmt: skip
    assert resume.read_metadata(path)["step"] == per_epoch + 2
    resumed = _gan(1)  # other initial weights and dropout seeds
    steps = resume.fit_resumably(
        resumed, images, path, epochs=2, batch_size=16, verbose=0
    )
    assert steps == 2 * per_epoch
    # Everything, including the epoch's running metric averages.
    for expected, actual in zip(
        resume.keyed_variables(reference).values(),
        resume.keyed_variables(resumed).values(),
        strict=True,
    ):
        np.testing.assert_array_equal(expected.numpy(), actual.numpy())
    assert resume.read_metadata(path)["step"] == 2 * per_epoch


def test_a_backup_of_another_run_names_what_differs(tmp_path):
    path = tmp_path / "backup.npz"
    resume.fit_resumably(_gan(0), _images(), path, epochs=1, batch_size=16, verbose=0)
    with pytest.raises(ValueError, match="batch_size: backup 16, now 8"):
        resume.fit_resumably(_gan(0), _images(), path, epochs=1, batch_size=8)
    with pytest.raises(ValueError, match="seed: backup 3, now 4"):
        resume.fit_resumably(_gan(0, seed=4), _images(), path, epochs=1, batch_size=16)
    with pytest.raises(ValueError, match="data: other network or settings|crc32"):
        resume.fit_resumably(_gan(0), _images() * 0.5, path, epochs=1, batch_size=16)
    assert resume.run_seed(tmp_path) == 3


def test_backups_every_steps_and_at_epoch_end(tmp_path):
    path = tmp_path / "backup.npz"
    steps = []
    saver = resume.save_backup

    def recording_save(model, path, *, step, metadata=None):
        steps.append(step)
        saver(model, path, step=step, metadata=metadata)

    # TrainingBackup writes through the save_backup its module imported.
    callback.save_backup, original = recording_save, callback.save_backup
    try:
        hook = resume.TrainingBackup(
            path, steps_per_epoch=6, every_steps=4, metadata={"run": "a"}
        )
        _gan(0).fit(_batches(start_epoch=0, end_epoch=2), epochs=2,
                    steps_per_epoch=6, callbacks=[hook], verbose=0)  # fmt: skip
    finally:
        callback.save_backup = original
    assert steps == [4, 6, 8, 12]  # step 12 is both: saved once
    assert resume.read_metadata(path) == {"run": "a", "step": 12}


def test_a_failed_write_keeps_the_previous_backup(tmp_path, monkeypatch):
    path = tmp_path / "backup.npz"
    gan = _gan(0)
    resume.save_backup(gan, path, step=3)

    def crash(file, **arrays):
        file.write(b"half a backup")
        raise KeyboardInterrupt

    monkeypatch.setattr(variables.np, "savez", crash)
    with pytest.raises(KeyboardInterrupt):
        resume.save_backup(gan, path, step=4)
    assert resume.read_metadata(path)["step"] == 3
    assert os.listdir(tmp_path) == ["backup.npz"]


def test_staging_left_by_a_kill_is_removed(tmp_path):
    path = tmp_path / "backup.npz"
    (tmp_path / ".backup.npz.k1ll3d").mkdir()
    (tmp_path / ".backup.npz.k1ll3d" / "backup.npz").write_bytes(b"half")
    (tmp_path / ".gan.keras.x").mkdir()
    resume.remove_partial_backups(path)
    assert sorted(os.listdir(tmp_path)) == [".gan.keras.x"]


def test_restoring_into_another_model_names_the_problem(tmp_path):
    path = tmp_path / "backup.npz"
    resume.save_backup(_gan(0), path, step=1)
    with pytest.raises(ValueError, match="another model or configuration"):
        resume.restore_backup(_gan(0, width=8), path)
    wider = _gan(0, width=8)
    with pytest.raises(
        ValueError, match=r"shape \(4, 4, 1, 4\) for 'discriminator/conv2d/kernel'"
    ):
        resume.restore_backup(wider, path)
    before = [v.numpy() for v in wider.generator.weights]
    assert all(
        np.array_equal(a, v.numpy())
        for a, v in zip(before, wider.generator.weights, strict=True)
    )
    with pytest.raises(ValueError, match="holds no 'ema_generator/"):
        resume.save_backup(_gan(0, ema_decay=None), path, step=1)
        resume.restore_backup(_gan(0), path)


def test_non_finite_logs_do_not_replace_a_good_backup(tmp_path):
    path = tmp_path / "backup.npz"
    hook = resume.TrainingBackup(path, steps_per_epoch=6, initial_step=6)
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
    other_seed = data.epoch_batches(
        _images(), step_batch_size=16, seed=6, start_epoch=0, end_epoch=1
    )
    assert not np.array_equal(_as_list(other_seed)[0], two_epochs[0])


def test_epoch_batches_rejects_batches_larger_than_the_data():
    with pytest.raises(ValueError, match="16 images per training step, but the"):
        data.epoch_batches(_images(10), step_batch_size=16, seed=0,
                           start_epoch=0, end_epoch=1)  # fmt: skip


def test_from_array_visits_the_data_in_the_resume_order():
    images = (_images() + 1) / 2
    pipeline = data.from_array(images, batch_size=16, value_range=(-1, 1), seed=5)
    # Two passes, as two epochs of fit take them.
    from_array = [*_as_list(pipeline), *_as_list(pipeline)]
    np.testing.assert_allclose(
        np.stack(from_array),
        np.stack(_as_list(_batches(start_epoch=0, end_epoch=2))),
        atol=1e-6,
    )


def test_fit_plan_finishes_an_interrupted_epoch_first():
    assert resume.fit_plan(0, 10, 3) == [(0, 3, 0)]
    assert resume.fit_plan(14, 10, 3) == [(1, 2, 4), (2, 3, 0)]
    assert resume.fit_plan(24, 10, 3) == [(2, 3, 4)]
    assert resume.fit_plan(30, 10, 3) == []


def test_a_non_finite_state_is_never_backed_up(tmp_path):
    path = tmp_path / "backup.npz"
    gan = _gan(0)
    resume.save_backup(gan, path, step=1)
    kernel = gan.generator.trainable_weights[0]
    kernel.assign(np.full(kernel.shape, np.inf, "float32"))
    with pytest.raises(ValueError, match="generator/dense/kernel is not finite"):
        resume.save_backup(gan, path, step=2)
    assert resume.read_metadata(path)["step"] == 1


def test_a_run_of_steps_stops_mid_epoch_and_resumes_to_the_same_step(tmp_path):
    images, per_epoch = _images(), 100 // 16  # 6 steps per epoch
    reference = _gan(0)
    done = resume.fit_resumably(
        reference, images, tmp_path / "straight.npz", steps=9, batch_size=16,
        verbose=0,
    )  # fmt: skip
    assert done == 9 and int(reference.generator_optimizer.iterations) == 9
    assert resume.read_metadata(tmp_path / "straight.npz")["step"] == 9
    path = tmp_path / "backup.npz"
    resume.fit_resumably(
        _gan(0), images, path, steps=9, batch_size=16, every_steps=4,
        callbacks=[_StopAt(0, 5)], verbose=0,
    )  # fmt: skip
    assert resume.read_metadata(path)["step"] == 5
    resumed = _gan(1)
    assert resume.fit_resumably(resumed, images, path, steps=9, batch_size=16) == 9
    for expected, actual in zip(
        resume.keyed_variables(reference).values(),
        resume.keyed_variables(resumed).values(),
        strict=True,
    ):
        np.testing.assert_array_equal(expected.numpy(), actual.numpy())
    # A finished run trains nothing more; a longer one goes on from step 9.
    assert resume.fit_resumably(resumed, images, path, steps=9, batch_size=16) == 9
    assert int(resumed.generator_optimizer.iterations) == 9
    assert per_epoch < 9
    with pytest.raises(ValueError, match=r"step 9\), past `steps`=7"):
        resume.fit_resumably(_gan(0), images, path, steps=7, batch_size=16)
    with pytest.raises(ValueError, match="as `epochs` or as `steps`, one of the two"):
        resume.fit_resumably(_gan(0), images, path, epochs=2, steps=7, batch_size=16)

"""Training, sampling, saving and resuming: the same on every Keras backend.

Marked ``core``: ``tests/test_other_backends.py`` runs these on JAX and torch
in subprocesses (Keras fixes its backend per process); the TensorFlow suite
runs them in process.
"""

import keras
import numpy as np
import pytest
from conftest import make_tiny_gan
from keras import ops

from keras_gan import backend, data, noise, penalties, training
from keras_gan.augment import DiffAugment

pytestmark = pytest.mark.core


def _images(count=64):
    rng = np.random.default_rng(0)
    return rng.uniform(0.0, 1.0, (count, 8, 8, 1)).astype("float32")


def _compiled(**kwargs):
    keras.utils.set_random_seed(0)
    gan = make_tiny_gan(**kwargs)
    gan.compile()
    return gan


def _state(gan):
    """Every variable a run carries: both networks, EMA, optimizers, metrics."""
    return _values([*_saved(gan), *gan.metrics_variables])


def _saved(gan):
    """The variables a ``.keras`` file keeps: not dropout seed states or
    metrics (``backup.npz`` keeps those too)."""
    variables = [
        *gan.variables,
        *gan.generator_optimizer.variables,
        *gan.discriminator_optimizer.variables,
    ]
    return [v for v in variables if "seed_generator" not in v.path]


def _values(variables):
    return [ops.convert_to_numpy(v.value) for v in variables]


def _batches(gan, images, m=16):
    return data.from_array(
        images, batch_size=m, discriminator_steps=gan.discriminator_steps,
        value_range=(-1, 1), seed=3,
    )  # fmt: skip


def test_fit_takes_k_discriminator_steps_per_generator_step():
    gan = _compiled(discriminator_steps=2, ema_decay=0.9)
    before = _state(gan)
    history = gan.fit(_batches(gan, _images()), epochs=1, verbose=0)
    # 64 images in batches of k*m = 32: two training steps.
    assert int(gan.generator_optimizer.iterations) == 2
    assert int(gan.discriminator_optimizer.iterations) == 4
    assert sorted(history.history) == ["d_fake", "d_loss", "d_real", "g_loss"]
    assert all(np.isfinite(v[0]) for v in history.history.values())
    after = _state(gan)
    changed = sum(not np.array_equal(a, b) for a, b in zip(before, after, strict=True))
    assert changed > len(before) // 2  # networks, EMA, both optimizers, metrics


def test_fit_after_fit_continues_exactly_as_one_fit():
    one = _compiled(ema_decay=0.9)
    one.fit(_batches(one, _images()), epochs=2, verbose=0)
    two = _compiled(ema_decay=0.9)
    batches = _batches(two, _images())
    two.fit(batches, epochs=1, verbose=0)
    two.fit(batches, epochs=1, verbose=0)
    for expected, actual in zip(_state(one), _state(two), strict=True):
        np.testing.assert_array_equal(expected, actual)


def test_a_penalised_augmented_objective_trains():
    gan = _compiled(
        objective="relativistic",
        penalties=[penalties.R1(1.0), penalties.R2(1.0, every=2)],
        augmentation=DiffAugment(),
        discriminator_steps=2,
    )
    history = gan.fit(_batches(gan, _images()), epochs=2, verbose=0)
    assert int(gan.discriminator_optimizer.iterations) == 8
    assert all(np.isfinite(v).all() for v in history.history.values())
    assert history.history["d_penalty"][-1] > 0


def test_save_load_round_trip_keeps_weights_ema_and_both_optimizers(tmp_path):
    gan = _compiled(ema_decay=0.9)
    gan.fit(_batches(gan, _images()), epochs=1, verbose=0)
    path = tmp_path / "gan.keras"
    gan.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(
        loaded.sample(5, seed=1, use_ema=True), gan.sample(5, seed=1, use_ema=True)
    )
    assert int(loaded.generator_optimizer.iterations) == 4
    saved = zip(_values(_saved(gan)), _values(_saved(loaded)), strict=True)
    for expected, actual in saved:
        np.testing.assert_array_equal(expected, actual)
    # Loaded compiled: it trains on at once.
    loaded.fit(_batches(loaded, _images(32)), epochs=1, verbose=0)
    assert int(loaded.discriminator_optimizer.iterations) == 6


def test_sample_is_a_pure_function_of_the_seed():
    gan = _compiled()
    first, again = gan.sample(6, seed=4), gan.sample(6, seed=4)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, gan.sample(6, seed=5))
    assert first.shape == (6, 8, 8, 1) and np.abs(first).max() <= 1


def test_training_noise_is_a_pure_function_of_seed_step_and_phase():
    def draw(seed, step, phase):
        return ops.convert_to_numpy(noise.training_noise(seed, step, phase, 500, 4))

    np.testing.assert_array_equal(draw(1, 3, 0), draw(1, 3, 0))
    for other in (draw(2, 3, 0), draw(1, 4, 0), draw(1, 3, 1)):
        assert not np.allclose(other, draw(1, 3, 0))
    values = draw(1, 3, 0)
    assert abs(values.mean()) < 0.1 and abs(values.std() - 1) < 0.1
    uniform = ops.convert_to_numpy(
        noise.training_noise(1, 3, 0, 500, 4, distribution="uniform")
    )
    assert np.abs(uniform).max() <= 3**0.5 and abs(uniform.std() - 1) < 0.1


def test_train_writes_outputs_and_resumes_exactly(tmp_path):
    def run(output_dir, epochs):
        gan = _compiled(ema_decay=0.9)
        return training.train(
            gan, _images(), output_dir=output_dir, epochs=epochs, batch_size=16,
            verbose=0,
        )  # fmt: skip

    straight = run(tmp_path / "straight", 2)
    run(tmp_path / "resumed", 1)
    resumed = run(tmp_path / "resumed", 2)  # continues from the backup
    for name in ("gan.keras", "samples.png", "backup.npz"):
        assert (tmp_path / "resumed" / name).exists()
    for expected, actual in zip(_state(straight), _state(resumed), strict=True):
        np.testing.assert_array_equal(expected, actual)


def test_trains_on_a_py_dataset():
    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return 2

        def __getitem__(self, index):
            return _images(32)[:16] * 2 - 1

    gan = _compiled()
    gan.fit(Batches(), epochs=2, verbose=0)
    assert int(gan.generator_optimizer.iterations) == 4


@pytest.mark.skipif(backend.NAME != "torch", reason="a torch DataLoader")
def test_trains_on_a_torch_data_loader():
    import torch

    images = torch.from_numpy(_images() * 2 - 1)
    loader = torch.utils.data.DataLoader(images, batch_size=16, drop_last=True)
    gan = _compiled()
    gan.fit(loader, epochs=1, verbose=0)
    assert int(gan.generator_optimizer.iterations) == 4


def test_learning_rate_callbacks_step_both_optimizers():
    gan = _compiled()
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch, rate: 1e-3)
    gan.fit(_batches(gan, _images()), epochs=1, verbose=0, callbacks=[schedule])
    for optimizer in (gan.generator_optimizer, gan.discriminator_optimizer):
        assert float(ops.convert_to_numpy(optimizer.learning_rate)) == pytest.approx(
            1e-3
        )

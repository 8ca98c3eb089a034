"""Tests of the monitoring callbacks, and of stock Keras callbacks on a GAN."""

import csv
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import make_tiny_gan
from PIL import Image
from tensorboard.backend.event_processing import event_accumulator

from keras_gan import GAN, callbacks, data, networks, sample_latents
from keras_gan.utils import images as image_utils

SHAPE = (8, 8, 1)


@pytest.fixture(scope="module")
def real_images():
    images, _ = data.load_arrays("digits")
    return images[:256] * 2.0 - 1.0  # the tanh range of the DCGAN generator


def _tiny_gan(**kwargs):
    keras.utils.set_random_seed(0)
    gan = make_tiny_gan(seed=0, **kwargs)
    gan.compile()
    return gan


def _batches(images):
    return tf.data.Dataset.from_tensor_slices(images).batch(32, drop_remainder=True)


def _events(folder):
    accumulator = event_accumulator.EventAccumulator(
        str(folder), size_guidance={event_accumulator.TENSORS: 0}
    )
    accumulator.Reload()
    return accumulator


def test_tensorboard_logs_scalars_grid_and_histograms(tmp_path, real_images):
    gan = _tiny_gan()
    gan.compile(track_gradient_norms=True)
    grid = callbacks.SampleGrid(tmp_path, png_dir=tmp_path / "png", num_samples=10)
    hooks = [
        keras.callbacks.TensorBoard(tmp_path),
        grid,
        callbacks.LogitHistograms(real_images[:32], tmp_path, every_epochs=2),
    ]
    gan.fit(_batches(real_images), epochs=2, callbacks=hooks, verbose=0)
    scalars = _events(tmp_path / "train").Tags()["tensors"]
    for name in ("d_loss", "g_loss", "d_real", "d_fake", "d_grad_norm", "g_grad_norm"):
        assert f"epoch_{name}" in scalars
    samples = _events(tmp_path / "samples")
    events = samples.Tensors("samples")
    assert [event.step for event in events] == [0, 1]
    encoded = tf.make_ndarray(events[-1].tensor_proto)[2]
    decoded = tf.io.decode_png(encoded).numpy()
    # 10 images of 8x8 in a 4-column grid with 1-pixel borders: 3 rows.
    assert decoded.shape == (3 * 9 + 1, 4 * 9 + 1, 1)
    np.testing.assert_array_equal(decoded, grid.grid())
    png = np.asarray(Image.open(tmp_path / "png" / "epoch_0002.png"))
    assert png.shape == (4 * decoded.shape[0], 4 * decoded.shape[1])
    histograms = _events(tmp_path / "discriminator")
    assert {"logits/real", "logits/generated"} <= set(histograms.Tags()["tensors"])
    assert [e.step for e in histograms.Tensors("logits/real")] == [1]


def test_sample_grid_maps_the_generator_range_to_pixels(tmp_path):
    gan = _tiny_gan()
    grid = callbacks.SampleGrid(png_dir=tmp_path, num_samples=4, columns=2)
    grid.set_model(gan)
    samples = gan.sample(4, seed=0)  # same latents as the grid
    expected = np.round((samples[0, :, :, 0] + 1.0) / 2.0 * 255.0)
    np.testing.assert_array_equal(grid.grid()[1:9, 1:9, 0], expected)


def _histogram(folder, tag):
    (event,) = _events(folder).Tensors(tag)
    return tf.make_ndarray(event.tensor_proto)


def test_use_ema_makes_every_callback_watch_the_average(tmp_path, real_images):
    gan = _tiny_gan(ema_decay=0.9)
    # An "average" whose images are the negatives of the generator's.
    layer = gan.ema_generator.get_layer("images")
    layer.kernel.assign(-layer.kernel)
    layer.bias.assign(-layer.bias)
    grid = callbacks.SampleGrid(png_dir=tmp_path, num_samples=4, use_ema=True)
    monitor = callbacks.ModeCollapseMonitor(real_images, use_ema=True)
    histograms = {
        use_ema: callbacks.LogitHistograms(
            real_images[:32], tmp_path / str(use_ema), use_ema=use_ema
        )
        for use_ema in (False, True)
    }
    for callback in (grid, monitor, *histograms.values()):
        callback.set_model(gan)
        callback.on_epoch_end(0, {})
        callback.on_train_end()
    averaged = gan.sample(4, seed=0, use_ema=True)
    expected = np.round((averaged[0, :, :, 0] + 1.0) / 2.0 * 255.0)
    np.testing.assert_array_equal(grid.grid()[1:9, 1:9, 0], expected)
    generated = gan.sample(64, seed=0, use_ema=True)
    diversity = callbacks.pairwise_distance(generated) / monitor.reference
    assert monitor.diversity() == pytest.approx(diversity, rel=1e-5)
    real = _histogram(tmp_path / "True" / "discriminator", "logits/real")
    np.testing.assert_array_equal(
        real, _histogram(tmp_path / "False" / "discriminator", "logits/real")
    )
    assert not np.array_equal(
        _histogram(tmp_path / "True" / "discriminator", "logits/generated"),
        _histogram(tmp_path / "False" / "discriminator", "logits/generated"),
    )
    for callback in (
        callbacks.SampleGrid(png_dir=tmp_path, use_ema=True),
        callbacks.LogitHistograms(real_images, tmp_path, use_ema=True),
    ):
        callback.set_model(_tiny_gan())
        with pytest.raises(ValueError, match="use_ema=True.*ema_decay=None"):
            callback.on_epoch_end(0, {})


def test_sample_grid_every_steps(tmp_path, real_images):
    gan = _tiny_gan()
    grid = callbacks.SampleGrid(png_dir=tmp_path, every_epochs=2, every_steps=5)
    gan.fit(_batches(real_images), epochs=2, callbacks=[grid], verbose=0)
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == ["epoch_0002.png", "step_0000005.png", "step_0000010.png",
                     "step_0000015.png"]  # fmt: skip


def test_a_conditional_grid_has_a_row_per_class_and_fixed_latents_per_column(
    tmp_path,
):
    keras.utils.set_random_seed(0)
    gan = networks.build_gan(SHAPE, width=4, latent_dim=8, num_classes=12, seed=0)
    grid_callback = callbacks.SampleGrid(png_dir=str(tmp_path), num_samples=30)
    grid_callback.set_model(gan)
    # The first 10 of 12 classes, 30 // 10 = 3 columns; column i is latent i of
    # the seed in every row: style fixed, class changing.
    latents = sample_latents(3, 8, grid_callback.seed)
    generated = gan.generate(np.tile(latents, (10, 1)), np.repeat(np.arange(10), 3))
    expected = image_utils.tile(image_utils.to_uint8(generated, (-1.0, 1.0)), columns=3)
    np.testing.assert_array_equal(grid_callback.grid(), expected)
    rows = generated.reshape(10, 3, *SHAPE)
    assert not np.allclose(rows[0], rows[1])


def test_sample_grid_needs_a_destination():
    with pytest.raises(ValueError, match="log_dir"):
        callbacks.SampleGrid()


def _fixed_generator(outputs_from_latents):
    latents = keras.Input((8,))
    return keras.Model(latents, outputs_from_latents(latents))


def _collapsed_generator():
    """Ignores z: every latent maps to the same image."""
    return _fixed_generator(
        lambda z: keras.layers.Reshape(SHAPE)(
            keras.layers.Dense(64, kernel_initializer="zeros", activation="tanh")(z)
        )
    )


def _real_data_generator(real_images):
    """Maps each z to (nearly) one real image: a generator as diverse as the data."""
    table = real_images.reshape(len(real_images), -1)
    pick = keras.layers.Dense(len(table), use_bias=False, activation="softmax")
    lookup = keras.layers.Dense(64, use_bias=False)
    generator = _fixed_generator(lambda z: keras.layers.Reshape(SHAPE)(lookup(pick(z))))
    rng = np.random.default_rng(0)
    pick.kernel.assign(rng.normal(size=(8, len(table))) * 30.0)
    lookup.kernel.assign(table)
    return generator


def _gan_with(generator):
    gan = GAN(generator, networks.dcgan_discriminator(SHAPE, width=4), seed=0)
    gan.compile()
    return gan


def test_collapse_monitor_fires_on_a_collapsed_generator(real_images):
    gan = _gan_with(_collapsed_generator())
    monitor = callbacks.ModeCollapseMonitor(real_images, stop_on_collapse=True)
    with pytest.warns(UserWarning, match="mode collapse"):
        history = gan.fit(
            _batches(real_images), epochs=5, callbacks=[monitor], verbose=0
        )
    assert len(history.epoch) == 1  # stopped after the first check
    assert history.history["diversity"][0] < 0.01


def test_collapse_monitor_is_quiet_on_real_data(real_images):
    gan = _gan_with(_real_data_generator(real_images[64:]))
    monitor = callbacks.ModeCollapseMonitor(real_images, stop_on_collapse=True)
    monitor.set_model(gan)
    logs = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        monitor.on_epoch_end(0, logs)
    assert 0.8 < logs["diversity"] < 1.2
    assert not gan.stop_training


def test_pairwise_distance_matches_brute_force():
    rng = np.random.default_rng(1)
    batch = rng.normal(size=(5, 2, 2, 1))
    pairs = [
        np.linalg.norm(batch[i] - batch[j])
        for i in range(5)
        for j in range(5)
        if i != j
    ]
    assert callbacks.pairwise_distance(batch) == pytest.approx(np.mean(pairs))


def test_collapse_monitor_rejects_too_few_samples(real_images):
    with pytest.raises(ValueError, match="num_samples=1"):
        callbacks.ModeCollapseMonitor(real_images, num_samples=1)


def test_model_checkpoint_weights_and_full_model(tmp_path, real_images):
    gan = _tiny_gan()
    # save_best_only=True works with save_freq="epoch" (the default); see
    # test_model_checkpoint_best_only_with_integer_save_freq_crashes.
    hooks = [
        keras.callbacks.ModelCheckpoint(
            tmp_path / "best.weights.h5", monitor="g_loss", mode="min",
            save_best_only=True, save_weights_only=True,
        ),
        keras.callbacks.ModelCheckpoint(
            tmp_path / "gan_{epoch}.keras", monitor="g_loss", mode="min"
        ),
    ]  # fmt: skip
    gan.fit(_batches(real_images), epochs=2, callbacks=hooks, verbose=0)
    restored = keras.models.load_model(tmp_path / "gan_2.keras")
    for expected, actual in zip(gan.weights, restored.weights, strict=True):
        np.testing.assert_array_equal(expected.numpy(), actual.numpy())
    assert restored.generator_optimizer.iterations.numpy() == 16
    fresh = _tiny_gan()
    fresh.load_weights(tmp_path / "best.weights.h5")
    assert not np.array_equal(
        fresh.generator.weights[0], _tiny_gan().generator.weights[0]
    )


def test_early_stopping_and_csv_logger(tmp_path, real_images):
    gan = _tiny_gan()
    stopper = keras.callbacks.EarlyStopping(
        monitor="g_loss", mode="min", min_delta=100.0, patience=1
    )
    logger = keras.callbacks.CSVLogger(tmp_path / "log.csv")
    history = gan.fit(
        _batches(real_images), epochs=10, callbacks=[stopper, logger], verbose=0
    )
    assert history.epoch == [0, 1]  # no epoch improves g_loss by 100
    with open(tmp_path / "log.csv") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 2
    assert {"epoch", "d_loss", "g_loss", "d_real", "d_fake"} <= set(rows[0])


def test_terminate_on_nan_stops_a_gan_unlike_the_stock_callback(real_images):
    poisoned = np.full_like(real_images, np.nan)
    gan = _tiny_gan()
    # Keras's TerminateOnNaN reads logs["loss"], which a GAN does not log.
    gan.fit(_batches(poisoned), epochs=2, callbacks=[keras.callbacks.TerminateOnNaN()],
            verbose=0)  # fmt: skip
    assert gan.generator_optimizer.iterations.numpy() == 2 * 8
    gan.fit(_batches(poisoned), epochs=2, callbacks=[callbacks.TerminateOnNaN()],
            verbose=0)  # fmt: skip
    assert gan.generator_optimizer.iterations.numpy() == 2 * 8 + 1
    strict = callbacks.TerminateOnNaN(raise_error=True)
    with pytest.raises(RuntimeError, match="NaN"):
        gan.fit(_batches(poisoned), callbacks=[strict], verbose=0)


def test_every_epochs_is_validated():
    with pytest.raises(ValueError, match="every_epochs"):
        callbacks.SampleGrid(png_dir="x", every_epochs=0)


def test_tensorboard_keeps_epoch_scalars_with_an_integer_update_freq(
    tmp_path, real_images
):
    # 8 steps per epoch, update_freq=3: no epoch ends on a multiple of 3.
    stock, ours = tmp_path / "stock", tmp_path / "ours"
    gan = _tiny_gan()
    hooks = [
        keras.callbacks.TensorBoard(stock, update_freq=3),
        callbacks.SampleGrid(stock, num_samples=4),
    ]
    gan.fit(_batches(real_images), epochs=2, callbacks=hooks, verbose=0)
    assert "epoch_g_loss" not in _events(stock / "train").Tags()["tensors"]
    assert len(_events(stock / "samples").Tensors("samples")) == 2
    # Batch steps go on from the 16 the GAN has trained, as after a resume.
    hook = callbacks.TensorBoard(ours, update_freq=3)
    gan.fit(_batches(real_images), epochs=2, callbacks=[hook], verbose=0)
    events = _events(ours / "train")
    assert [e.step for e in events.Tensors("epoch_g_loss")] == [0, 1]
    assert [e.step for e in events.Tensors("batch_g_loss")] == [18, 21, 24, 27, 30]


def test_monitoring_callbacks_log_epochs_to_csv(tmp_path, real_images):
    csv_path = tmp_path / "run" / "log.csv"
    hooks = callbacks.monitoring_callbacks(
        real_images, tmp_path / "logs", csv_path=csv_path, collapse_threshold=0.0
    )
    kinds = [type(hook) for hook in hooks]
    # The collapse monitor first, so that the CSV rows carry its diversity.
    assert kinds[:3] == [
        callbacks.ModeCollapseMonitor, keras.callbacks.CSVLogger, callbacks.TensorBoard
    ]  # fmt: skip
    gan = _tiny_gan()
    gan.compile()
    gan.fit(_batches(real_images), epochs=2, callbacks=hooks, verbose=0)
    with open(csv_path) as file:
        rows = list(csv.DictReader(file))
    assert [row["epoch"] for row in rows] == ["0", "1"]
    assert {"d_loss", "g_loss", "diversity"} <= set(rows[0])

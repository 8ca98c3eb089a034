"""Keras bugs the docs work around, pinned so we notice when they are fixed."""

import keras
import pytest
import tensorflow as tf
from conftest import make_tiny_gan


def _batches(real_images):
    return tf.data.Dataset.from_tensor_slices(real_images).batch(8, drop_remainder=True)


def test_model_checkpoint_best_only_with_integer_save_freq_crashes(
    tmp_path, real_images
):
    # A Keras bug documented in docs/monitoring.md: ModelCheckpoint picks its
    # comparison at the first epoch end, so a save_best_only check at a batch
    # calls None. If this test fails, Keras fixed it: update the docs.
    checkpoint = keras.callbacks.ModelCheckpoint(
        tmp_path / "gan.keras", monitor="g_loss", mode="min", save_best_only=True,
        save_freq=2,
    )  # fmt: skip
    with pytest.raises(TypeError, match="NoneType"):
        _compiled_gan().fit(_batches(real_images), callbacks=[checkpoint], verbose=0)


def _compiled_gan():
    gan = make_tiny_gan()
    gan.compile()
    return gan

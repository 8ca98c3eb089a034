"""Shared fixtures: tiny networks so the suite stays fast on two CPU cores."""

import atexit
import os
import pathlib
import shutil
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# The JAX runs (the core suite on JAX, the parity and export jobs) compile the
# same small graphs again in many processes. One compilation cache for the
# session, inherited by every subprocess, cut tests/test_other_backends.py and
# tests/test_without_tensorflow.py from 400 to 323 seconds on one core (the
# core suite on JAX: 181 to 134). Set before keras imports jax.
if "JAX_COMPILATION_CACHE_DIR" not in os.environ:
    _jax_cache = tempfile.mkdtemp(prefix="keras_gan_tests_jax_cache_")
    os.environ["JAX_COMPILATION_CACHE_DIR"] = _jax_cache
    atexit.register(shutil.rmtree, _jax_cache, ignore_errors=True)
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from keras_gan import networks  # noqa: E402
from keras_gan.gan import GAN  # noqa: E402

# For tests of ``core`` modules that use tf.function or XLA directly.
tensorflow_only = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="tf.function and XLA"
)

# The reference data sets live beside the checkout (see ../shared/data/README.md).
SHARED_DATA = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data"
IMAGE_SHAPE = (8, 8, 1)
LATENT_DIM = 8


def make_tiny_gan(**kwargs):
    """A DCGAN pair for 8x8x1 images with a handful of channels."""
    kwargs.setdefault("seed", 7)
    generator = networks.dcgan_generator(LATENT_DIM, IMAGE_SHAPE, width=4)
    discriminator = networks.dcgan_discriminator(IMAGE_SHAPE, width=4)
    return GAN(generator, discriminator, **kwargs)


@pytest.fixture
def tiny_gan():
    return make_tiny_gan


@pytest.fixture
def real_images():
    """64 distinct 8x8 images in [-1, 1] (the DCGAN generator's range)."""
    rng = np.random.default_rng(0)
    return rng.uniform(-1.0, 1.0, (64, *IMAGE_SHAPE)).astype("float32")


def one_hot_judge():
    """Reads the digit d off a 4x4 image whose pixel d (row-major) is lit."""
    images = keras.Input((4, 4, 1))
    features = keras.layers.Flatten(name="features")(images)
    dense = keras.layers.Dense(10, activation="softmax", use_bias=False)
    probabilities = dense(features)
    dense.set_weights([np.eye(16, 10, dtype="float32") * 50.0])
    return keras.Model(images, probabilities)

"""A ``.keras`` file written before the package had folders still works.

``fixtures/legacy_gan.keras`` was written at commit 960d076 by
``fixtures/make_legacy_gan.py`` (a digits DCGAN with a ramped EMA, R1 and
DiffAugment), with what each backend sampled and trained from it then. Today's
code must load it, draw the same images and continue training to the same
weights.
"""

import pathlib
import sys

import keras
import numpy as np
import pytest

import keras_gan

pytestmark = pytest.mark.core

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(FIXTURES))
import make_legacy_gan  # noqa: E402


def _expected():
    with np.load(FIXTURES / f"legacy_gan_{keras.backend.backend()}.npz") as arrays:
        return dict(arrays)


def test_the_legacy_file_loads_with_its_parts_after_import_keras_gan():
    gan = keras.saving.load_model(make_legacy_gan.MODEL)
    assert isinstance(gan, keras_gan.GAN)
    assert isinstance(gan.augmentation, keras_gan.augment.DiffAugment)
    assert [type(p) for p in gan.penalties] == [keras_gan.penalties.R1]
    assert gan.ema_decay == 0.99 and gan.ema_schedule == "ramp"
    assert isinstance(gan.generator_optimizer, keras_gan.optimizers.FusedAdam)


def test_the_legacy_file_samples_what_it_sampled_when_written():
    gan = keras.saving.load_model(make_legacy_gan.MODEL)
    expected = _expected()
    np.testing.assert_allclose(gan.sample(16, seed=0), expected["samples"], atol=1e-6)
    np.testing.assert_allclose(
        gan.sample(16, seed=0, use_ema=True), expected["ema_samples"], atol=1e-6
    )


def test_the_legacy_file_resumes_training_as_it_did_when_written():
    gan = keras.saving.load_model(make_legacy_gan.MODEL)
    expected = _expected()
    steps = make_legacy_gan.RESUME_STEPS
    gan.fit(
        make_legacy_gan.resume_batches(), epochs=1, steps_per_epoch=steps, verbose=0
    )
    assert int(gan.generator_optimizer.iterations) == expected["resumed_steps"]
    for index, weight in enumerate(gan.generator.weights):
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(weight),
            expected[f"resumed_generator_{index}"],
            atol=1e-5,
            err_msg=weight.path,
        )

"""KeepBest keeps the best-scoring GAN; ParzenScore is the paper's monitored score."""

import json

import keras
import numpy as np
import pytest
from conftest import make_tiny_gan

from keras_gan import callbacks, data, evaluation, training
from keras_gan.export import Sampler

SHAPE = (8, 8, 1)


@pytest.fixture(scope="module")
def digits():
    images, _ = data.load_arrays("digits")
    return images


def _tiny_gan():
    keras.utils.set_random_seed(0)
    gan = make_tiny_gan(seed=0)
    gan.compile()
    return gan


class _ScriptedScore:
    """Returns the next scripted value and remembers the weights it scored."""

    def __init__(self, values):
        self.values = list(values)
        self.weights = []

    def __call__(self, gan):
        self.weights.append([w.copy() for w in gan.generator.get_weights()])
        return self.values.pop(0)


def _saved_generator_weights(path):
    return keras.saving.load_model(path).generator.get_weights()


def test_the_best_score_is_kept_and_a_worse_or_nan_one_never_replaces_it(
    tmp_path, digits
):
    score = _ScriptedScore([1.0, 3.0, 2.0, float("nan")])
    keep = callbacks.KeepBest(tmp_path / "best.keras", score, every_epochs=1)
    history = _tiny_gan().fit(
        digits[:128] * 2 - 1, batch_size=32, epochs=4, callbacks=[keep], verbose=0
    )
    assert keep.best == 3.0 and keep.best_epoch == 2
    for saved, scored in zip(
        _saved_generator_weights(tmp_path / "best.keras"), score.weights[1], strict=True
    ):
        np.testing.assert_array_equal(saved, scored)
    record = json.loads((tmp_path / "best.json").read_text())
    assert record["best"] == 3.0 and record["epoch"] == 2
    assert record["last_step"] == 4 * 128 // 32
    assert record["scores"]["1"] == 1.0 and record["scores"]["3"] == 2.0
    assert np.isnan(record["scores"]["4"])
    # later callbacks (CSVLogger, TensorBoard) see the score in the logs
    assert history.history["val_parzen"][:3] == [1.0, 3.0, 2.0]


def test_scores_only_every_few_epochs(tmp_path, digits):
    score = _ScriptedScore([5.0, 4.0])
    keep = callbacks.KeepBest(tmp_path / "best.keras", score, every_epochs=2)
    _tiny_gan().fit(
        digits[:64] * 2 - 1, batch_size=32, epochs=5, callbacks=[keep], verbose=0
    )
    assert len(score.weights) == 2 and keep.best_epoch == 2
    assert sorted(keep.scores) == [2, 4]


def test_a_resumed_run_keeps_what_an_uninterrupted_run_keeps(tmp_path, digits):
    """Scores depend on the weights only, as a real score does."""

    def score(gan):
        return -float(np.abs(gan.generator.get_weights()[0] - 0.01).mean())

    images = digits[:128]

    def run(folder, epochs):
        keep = callbacks.KeepBest(folder / "best.keras", score, every_epochs=1)
        training.train(
            _tiny_gan(), images, output_dir=folder, epochs=epochs, batch_size=32,
            callbacks=[keep], verbose=0,
        )  # fmt: skip
        return keep

    whole = run(tmp_path / "whole", 6)
    run(tmp_path / "parts", 3)
    resumed = run(tmp_path / "parts", 6)
    assert resumed.best == whole.best and resumed.best_epoch == whole.best_epoch
    assert resumed.scores == whole.scores
    for a, b in zip(
        _saved_generator_weights(tmp_path / "whole" / "best.keras"),
        _saved_generator_weights(tmp_path / "parts" / "best.keras"),
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)


def test_another_runs_record_stops_training_instead_of_being_overwritten(
    tmp_path, digits
):
    (tmp_path / "best.json").write_text(
        json.dumps({"best": 9.0, "epoch": 50, "last_step": 10_000, "scores": {}})
    )
    keep = callbacks.KeepBest(tmp_path / "best.keras", lambda gan: 1.0)
    with pytest.raises(ValueError, match="belongs to another run"):
        _tiny_gan().fit(digits[:64] * 2 - 1, batch_size=32, callbacks=[keep], verbose=0)


@pytest.mark.parametrize(
    "arguments, message",
    [
        (("best.h5", lambda gan: 0.0), "`path` must name a .keras file"),
        (("best.keras", 3.0), "`score` must be a callable"),
    ],
)
def test_bad_arguments_are_named(arguments, message):
    with pytest.raises(ValueError, match=message):
        callbacks.KeepBest(*arguments)


def _fixed_sampler(images):
    def sample(num_samples, seed, truncation, labels):
        return images[:num_samples]

    return Sampler(lambda z: z, 8, (0.0, 1.0), sample_fn=sample)


def test_parzen_score_is_the_papers_protocol_on_the_gans_samples(digits):
    centres, scored, sigma_images = digits[:300], digits[1500:1600], digits[1400:1500]
    score = evaluation.ParzenScore(scored, sigma_images, num_samples=300)
    expected = evaluation.parzen_log_likelihood(
        centres, scored, sigma_images, verbose=0
    )
    assert score(_fixed_sampler(centres)) == pytest.approx(expected["log_likelihood"])
    noise = np.random.default_rng(0).random(centres.shape).astype("float32")
    assert score(_fixed_sampler(noise)) < expected["log_likelihood"] - 10


def test_parzen_score_checks_its_arguments(digits):
    with pytest.raises(ValueError, match="`num_samples` must be an integer"):
        evaluation.ParzenScore(digits[:10], digits[10:20], num_samples=0)
    with pytest.raises(ValueError, match="sigma_images"):
        evaluation.ParzenScore(digits[:10], np.zeros((5, 3, 3, 1)))

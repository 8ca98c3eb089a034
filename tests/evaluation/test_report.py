import json

import numpy as np
import pytest

from keras_gan import cli, export, networks
from keras_gan.evaluation import judge, report, splits
from keras_gan.gan import GAN
from keras_gan.utils.atomic import save_model

KEYS = [
    "parzen_ll",
    "parzen_se",
    "parzen_sigma",
    "fid",
    "kid",
    "classifier_score",
    "precision",
    "recall",
    "class_histogram",
    "class_kl",
    "modes_covered",
    "nearest_train_distance_median",
]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """Digits, a judge cache and a tiny untrained GAN saved to .keras."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(judge, "MIN_STEPS", 100)  # a quick judge; accuracy is not tested
        cache = tmp_path_factory.mktemp("cache")
        patch.setenv("KERAS_GAN_CACHE", str(cache))
        real = splits.load_real("digits")
        judge.load_judge(real.train, real.train_labels, verbose=0)
        gan = GAN(
            networks.dcgan_generator(8, (8, 8, 1), width=4),
            networks.dcgan_discriminator((8, 8, 1), width=4),
            seed=0,
        )
        path = tmp_path_factory.mktemp("run") / "gan.keras"
        save_model(gan, path)
        yield real, str(path)


def test_cli_writes_every_key_figures_and_the_scored_samples(setup, tmp_path, capsys):
    real, model_path = setup
    output = tmp_path / "eval"
    code = cli.main(
        [
            "evaluate",
            "--model",
            model_path,
            "--dataset",
            "digits",
            "--num-samples",
            "120",
            "--output-dir",
            str(output),
            "--save-samples",
            str(tmp_path / "samples.npz"),
        ]
    )
    assert code == 0
    assert "parzen_ll" in capsys.readouterr().out
    scored = json.loads((output / "report.json").read_text())
    for key in KEYS:
        assert {"value", "reference_train_vs_test"} <= set(scored[key]), key
    assert (output / "figure2.png").exists() and (output / "figure3.png").exists()
    samples = np.load(tmp_path / "samples.npz")["x"]
    assert samples.shape == (120, 8, 8, 1) and samples.dtype == np.float32
    np.testing.assert_allclose(samples, export.as_sampler(model_path).sample(120, 0))
    # The saved samples are the scored ones: an independent FID agrees.
    from keras_gan.evaluation import metrics

    classifier = judge.load_judge(real.train, real.train_labels, verbose=0)
    fake, _ = judge.judge_outputs(classifier, samples)
    test, _ = judge.judge_outputs(classifier, real.test)
    assert scored["fid"]["value"] == pytest.approx(metrics.frechet_distance(fake, test))


def test_real_reference_beats_an_untrained_generator(setup):
    real, model_path = setup
    scored = report.evaluate(model_path, real, num_samples=150, verbose=0)
    for key in ("parzen_ll", "precision", "recall"):
        assert scored[key]["reference_train_vs_test"] > scored[key]["value"], key
    for key in ("fid", "kid", "class_kl"):
        assert scored[key]["reference_train_vs_test"] < scored[key]["value"], key
    assert scored["modes_covered"]["reference_train_vs_test"] == 10
    assert scored["settings"]["num_samples"] == 150


def test_a_generator_drawing_one_digit_covers_one_mode(setup):
    real, _ = setup
    digit = real.test[real.test_labels == 7][0]
    single = export.Sampler(
        lambda z: np.repeat(digit[None], len(z), axis=0), 4, (0.0, 1.0)
    )
    scored = report.evaluate(single, real, num_samples=100, verbose=0)
    assert scored["modes_covered"]["value"] == 1
    assert max(scored["class_histogram"]["value"]) == 1.0
    summary = report.format_summary(scored)
    assert "modes_covered" in summary and "fid" in summary


def test_shape_mismatch_raises(setup):
    real, _ = setup
    wrong = export.Sampler(lambda z: np.zeros((len(z), 4, 4, 1)), 4, (0.0, 1.0))
    with pytest.raises(ValueError, match="shape"):
        report.evaluate(wrong, real, num_samples=10, verbose=0)

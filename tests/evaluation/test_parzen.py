import numpy as np
import pytest
from scipy import stats

from keras_gan.evaluation import parzen


def _brute_force(points, centres, sigma):
    """log of the mean over centres of the product of 1-D normal densities."""
    values = []
    for x in points:
        densities = [np.prod(stats.norm.pdf(x, loc=c, scale=sigma)) for c in centres]
        values.append(np.log(np.mean(densities)))
    return np.array(values)


def test_log_densities_match_a_brute_force_loop():
    rng = np.random.default_rng(0)
    centres, points = rng.random((20, 5)), rng.random((7, 5))
    sigmas = [0.1, 0.3, 1.0]
    result = parzen.log_densities(points, centres, sigmas, batch_size=3)
    expected = np.stack([_brute_force(points, centres, s) for s in sigmas], axis=1)
    np.testing.assert_allclose(result, expected, rtol=1e-10)


def test_protocol_picks_the_best_validation_sigma_and_reports_standard_error():
    rng = np.random.default_rng(1)
    samples, test, validation = (
        rng.random((30, 4)),
        rng.random((9, 4)),
        rng.random((6, 4)),
    )
    sigmas = [0.05, 0.2, 0.6]
    result = parzen.parzen_log_likelihood(samples, test, validation, sigmas, verbose=0)
    validation_ll = [_brute_force(validation, samples, s).mean() for s in sigmas]
    sigma = sigmas[int(np.argmax(validation_ll))]
    test_ll = _brute_force(test, samples, sigma)
    assert result["sigma"] == pytest.approx(sigma)
    np.testing.assert_allclose(result["validation_log_likelihoods"], validation_ll)
    assert result["log_likelihood"] == pytest.approx(test_ll.mean())
    assert result["standard_error"] == pytest.approx(test_ll.std() / np.sqrt(9))


def test_held_out_digits_score_higher_than_noise():
    from keras_gan import data

    digits, _ = data.load_arrays("digits")
    train, validation, test = digits[:1200], digits[1200:1400], digits[1400:]
    noise = np.random.default_rng(0).random(train.shape)
    real = parzen.parzen_log_likelihood(train, test, validation, verbose=0)
    fake = parzen.parzen_log_likelihood(noise, test, validation, verbose=0)
    assert real["log_likelihood"] > fake["log_likelihood"] + 10
    # The same window gives real held-out images more density than noise images.
    densities = parzen.log_densities(
        np.concatenate([test[:50], noise[:50]]), train, [real["sigma"]]
    )[:, 0]
    assert densities[:50].min() > densities[50:].max()


def test_paper_sigma_grid():
    np.testing.assert_allclose(parzen.PAPER_SIGMAS[[0, -1]], [0.1, 1.0])
    assert len(parzen.PAPER_SIGMAS) == 10


@pytest.mark.parametrize(
    "samples, test, message",
    [
        (np.full((4, 3), 2.0), np.zeros((2, 3)), r"\[0, 1\]"),
        (np.zeros((4, 3)), np.zeros((2, 5)), "same shape"),
        (np.zeros((0, 3)), np.zeros((2, 3)), "non-empty"),
    ],
)
def test_bad_inputs_raise(samples, test, message):
    with pytest.raises(ValueError, match=message):
        parzen.parzen_log_likelihood(samples, test, np.zeros((2, 3)), verbose=0)


def test_bad_sigmas_raise():
    with pytest.raises(ValueError, match="sigmas"):
        parzen.parzen_log_likelihood(
            np.zeros((4, 3)), np.zeros((2, 3)), np.zeros((2, 3)), [0.0], verbose=0
        )

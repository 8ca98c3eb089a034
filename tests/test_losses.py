import numpy as np
import pytest

from keras_gan import losses


def _softplus(x):
    # log(1 + e^x), evaluated without overflow in float64.
    x = np.asarray(x, dtype="float64")
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype="float64")))


REAL = np.array([[2.0], [-1.0], [0.5], [100.0]], dtype="float32")
FAKE = np.array([[-3.0], [0.0], [1.5], [-100.0]], dtype="float32")


def test_discriminator_loss_matches_the_paper_objective():
    # -[log D(x) + log(1 - D(G(z)))], averaged; hand-computed from probabilities.
    d_real, d_fake = _sigmoid(REAL[:3]), _sigmoid(FAKE[:3])
    expected = np.mean(-np.log(d_real)) + np.mean(-np.log(1 - d_fake))
    got = losses.minimax_discriminator_loss(REAL[:3], FAKE[:3])
    np.testing.assert_allclose(float(got), expected, rtol=1e-6)


def test_golden_values():
    # Hand-computed: softplus(-2)=0.126928, softplus(1)=1.313262, ...
    assert float(losses.minimax_discriminator_loss([[0.0]], [[0.0]])) == pytest.approx(
        2 * np.log(2), rel=1e-6
    )
    assert float(losses.non_saturating_generator_loss([[2.0]])) == pytest.approx(
        0.126928011, rel=1e-6
    )
    assert float(losses.minimax_generator_loss([[-1.0]])) == pytest.approx(
        -0.313261687, rel=1e-6
    )


def test_generator_losses_match_hand_computed_numbers():
    d_fake = _sigmoid(FAKE[:3])
    np.testing.assert_allclose(
        float(losses.minimax_generator_loss(FAKE[:3])),
        np.mean(np.log(1 - d_fake)),
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        float(losses.non_saturating_generator_loss(FAKE[:3])),
        np.mean(-np.log(d_fake)),
        rtol=1e-6,
    )


def test_losses_are_finite_and_exact_at_extreme_logits():
    # At +-100 the probabilities round to 0 or 1 in float32; softplus does not.
    d_loss = float(losses.minimax_discriminator_loss(REAL, FAKE))
    expected = np.mean(_softplus(-REAL)) + np.mean(_softplus(FAKE))
    np.testing.assert_allclose(d_loss, expected, rtol=1e-6)
    assert float(losses.non_saturating_generator_loss([[-100.0]])) == pytest.approx(
        100.0
    )
    assert float(losses.minimax_generator_loss([[100.0]])) == pytest.approx(-100.0)
    assert float(losses.minimax_generator_loss([[-100.0]])) == pytest.approx(
        -_softplus(-100.0), abs=1e-30
    )


def test_generator_losses_are_looked_up_by_name():
    assert losses.get_generator_loss("minimax") is losses.minimax_generator_loss
    assert (
        losses.get_generator_loss("non_saturating")
        is losses.non_saturating_generator_loss
    )
    with pytest.raises(ValueError, match="generator_loss.*'wasserstein'.*minimax"):
        losses.get_generator_loss("wasserstein")

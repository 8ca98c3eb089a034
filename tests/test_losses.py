import keras
import numpy as np
import pytest
from conftest import tensorflow_only
from keras import ops

from keras_gan import backend, losses

pytestmark = pytest.mark.core


def _is_float32_scalar(value):
    dtype = keras.backend.standardize_dtype(value.dtype)
    return dtype == "float32" and tuple(value.shape) == ()


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


# Three real and three fake logits, small enough to compute by hand.
R3 = np.array([[2.0], [-1.0], [0.5]], dtype="float32")
F3 = np.array([[-3.0], [0.0], [1.5]], dtype="float32")

# Golden values of (discriminator_loss(R3, F3), generator_loss(F3, R3)), by
# hand from each paper's formula; the working is in the comments.
GOLDEN = {
    # relu(1-r) = [0, 2, .5] -> 5/6; relu(1+f) = [0, 1, 2.5] -> 7/6. G: -(-1.5/3).
    "hinge": (2.0, 0.5),
    # mean f - mean r = -0.5 - 0.5. G: -mean f.
    "wasserstein": (-1.0, 0.5),
    # .5 * mean [1, 4, .25] + .5 * mean [9, 0, 2.25] = .875 + 1.875;
    # G: .5 * mean [16, 1, .25] = 2.875.
    "least_squares": (2.75, 2.875),
    # f - r = [-5, 1, 1]: (softplus(-5) + 2 softplus(1)) / 3
    #   = (0.006715348489 + 2 * 1.313261687518) / 3;
    # G: r - f = [5, -1, -1]: (5.006715348489 + 2 * 0.313261687518) / 3.
    "relativistic": (0.877746241175, 1.877746241175),
    # softplus(-r) = [.126928011, 1.313261688, .474076984] -> .638088894;
    # softplus(f) = [.048587352, .693147181, 1.701413278] -> .814382603;
    # G: softplus(-f) = [3.048587352, .693147181, .201413278] -> 1.314382603.
    "non_saturating": (1.452471498, 1.314382603),
    # G: -mean softplus(f) = -.814382578.
    "minimax": (1.452471498, -0.814382603),
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_every_family_matches_its_golden_values(name):
    generator_loss, discriminator_loss = losses.get(name)
    d_golden, g_golden = GOLDEN[name]
    d_loss = discriminator_loss(R3, F3)
    g_loss = generator_loss(F3, real_logits=R3)
    assert _is_float32_scalar(d_loss) and _is_float32_scalar(g_loss)
    assert float(d_loss) == pytest.approx(d_golden, rel=1e-6)
    assert float(g_loss) == pytest.approx(g_golden, rel=1e-6)


def test_golden_values_follow_the_formulas_in_float64():
    # Guards the hand arithmetic above against the formulas themselves.
    r, f = R3.astype("float64"), F3.astype("float64")
    sp = _softplus
    expected = {
        "hinge": (np.maximum(1 - r, 0).mean() + np.maximum(1 + f, 0).mean(), -f.mean()),
        "wasserstein": (f.mean() - r.mean(), -f.mean()),
        "least_squares": (
            0.5 * ((r - 1) ** 2).mean() + 0.5 * (f**2).mean(),
            0.5 * ((f - 1) ** 2).mean(),
        ),
        "relativistic": (sp(f - r).mean(), sp(r - f).mean()),
        "non_saturating": (sp(-r).mean() + sp(f).mean(), sp(-f).mean()),
        "minimax": (sp(-r).mean() + sp(f).mean(), -sp(f).mean()),
    }
    for name, values in expected.items():
        np.testing.assert_allclose(values, GOLDEN[name], rtol=1e-8, err_msg=name)


@pytest.mark.parametrize("name", sorted(GOLDEN))
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_losses_and_gradients_are_finite_at_extreme_logits(name, sign):
    generator_loss, discriminator_loss = losses.get(name)
    real = np.full((4, 1), sign * 1e4, "float32")
    fake = np.full((4, 1), -sign * 1e4, "float32")
    d_loss, d_grad = backend.input_gradients(
        lambda logits: discriminator_loss(logits[0], logits[1]),
        ops.convert_to_tensor(np.stack([real, fake])),
    )
    g_loss, g_grad = backend.input_gradients(
        lambda logits: generator_loss(logits, real_logits=real),
        ops.convert_to_tensor(fake),
    )
    for value in (d_loss, d_grad, g_loss, g_grad):
        assert np.all(np.isfinite(ops.convert_to_numpy(value)))


def test_extreme_logits_give_the_exact_limits():
    big = np.full((2, 1), 1e4, "float32")
    # A perfect discriminator: zero loss for the sigmoid and hinge families.
    for name in ("non_saturating", "hinge", "relativistic"):
        assert float(losses.get(name)[1](big, -big)) == pytest.approx(0.0, abs=1e-6)
    assert float(losses.hinge_discriminator_loss(-big, big)) == pytest.approx(20002.0)
    assert float(losses.relativistic_generator_loss(-big, big)) == pytest.approx(2e4)
    assert float(losses.least_squares_generator_loss(-big)) == pytest.approx(
        0.5 * 10001.0**2
    )


def test_gradients_have_the_closed_form():
    # d/df of each generator loss at f = F3, m = 3 images: hand-derived.
    expected = {
        "hinge": np.full((3, 1), -1 / 3),
        "least_squares": (F3 - 1.0) / 3,  # d .5 mean (f-1)^2 = (f-1)/m
        "non_saturating": -(1 - 1 / (1 + np.exp(-F3))) / 3,  # -(1 - sigmoid f)/m
    }
    for name, gradient in expected.items():
        _, got = backend.input_gradients(losses.get(name)[0], ops.convert_to_tensor(F3))
        got = ops.convert_to_numpy(got)
        np.testing.assert_allclose(got, gradient, rtol=1e-5, err_msg=name)


def test_only_relativistic_needs_real_logits():
    needs = {
        name: getattr(pair[0], "needs_real_logits", False)
        for name, pair in losses.LOSSES.items()
    }
    assert needs == {name: name == "relativistic" for name in losses.LOSSES}
    with pytest.raises(ValueError, match="needs `real_logits`.*real_logits=None"):
        losses.relativistic_generator_loss(F3)
    with pytest.raises(ValueError, match=r"same shape.*\(3, 1\).*\(2, 1\)"):
        losses.relativistic_discriminator_loss(R3, F3[:2])


def test_losses_are_looked_up_by_family_name():
    assert losses.get("hinge") == (
        losses.hinge_generator_loss,
        losses.hinge_discriminator_loss,
    )
    assert losses.get("non_saturating")[1] is losses.minimax_discriminator_loss
    with pytest.raises(ValueError, match="'hing'.*'hinge'.*'wasserstein'"):
        losses.get("hing")
    # The GAN's generator_loss argument still offers only what pairs with its D.
    assert sorted(losses.GENERATOR_LOSSES) == ["minimax", "non_saturating"]


@tensorflow_only
def test_losses_work_inside_tf_function_and_xla():
    import tensorflow as tf

    for name in sorted(GOLDEN):
        generator_loss, discriminator_loss = losses.get(name)

        def both(real, fake, g=generator_loss, d=discriminator_loss):
            return d(real, fake), g(fake, real_logits=real)

        for compiled in (tf.function(both), tf.function(both, jit_compile=True)):
            got = [float(value) for value in compiled(R3, F3)]
            np.testing.assert_allclose(got, GOLDEN[name], rtol=1e-6, err_msg=name)

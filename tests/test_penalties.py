import keras
import numpy as np
import pytest
from conftest import tensorflow_only
from keras import ops

from keras_gan import backend, penalties
from keras_gan.noise import uniform_stream
from keras_gan.penalties import R1, R2, GradientPenalty, discriminator_penalty

pytestmark = pytest.mark.core

# A linear critic D(x) = <w, flatten(x)>: its input gradient is w for every
# image, so ||grad||^2 = ||w||^2 = 1 + 4 + 4 + 0 = 9 and ||grad|| = 3.
W = np.array([[1.0], [2.0], [2.0], [0.0]], "float32")
REAL = np.random.default_rng(0).uniform(-1, 1, (3, 2, 2, 1)).astype("float32")
FAKE = np.random.default_rng(1).uniform(-1, 1, (3, 2, 2, 1)).astype("float32")


def _linear_critic():
    critic = keras.Sequential(
        [
            keras.Input((2, 2, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(1, use_bias=False),
        ]  # fmt: skip
    )
    critic.set_weights([W])
    return critic


def _half(shape):
    return ops.full(shape, 0.5, "float32")


def _quadratic(images, training=False):
    # D(x) = ||x||^2 / 2 has input gradient x: the gradient depends on x_hat.
    return 0.5 * ops.sum(ops.square(images), axis=(1, 2, 3))[:, None]


@pytest.mark.parametrize(
    "penalty, expected",
    # R1, R2: gamma / 2 * 9. GP: 10 * (3 - 1)^2.
    [(R1(10.0), 45.0), (R2(1.0), 4.5), (GradientPenalty(), 40.0)],
)
def test_penalties_match_the_closed_form_on_a_linear_critic(penalty, expected):
    value = penalty(_linear_critic(), REAL, FAKE, _half)
    dtype = keras.backend.standardize_dtype(value.dtype)
    assert dtype == "float32" and tuple(value.shape) == ()
    assert float(value) == pytest.approx(expected, rel=1e-6)


def test_each_penalty_differentiates_at_its_own_images():
    real = np.full((2, 2, 2, 1), 2.0, "float32")  # ||x||^2 = 16 per image
    fake = np.zeros((2, 2, 2, 1), "float32")
    assert float(R1(1.0)(_quadratic, real, fake, _half)) == pytest.approx(8.0)
    assert float(R2(1.0)(_quadratic, real, fake, _half)) == 0.0
    shapes = []

    def draw(shape):
        shapes.append(tuple(int(size) for size in shape))
        return ops.reshape(ops.convert_to_tensor([0.25, 0.75]), (2, 1, 1, 1))

    # x_hat is 0.5 (norm 1) in image 0 and 1.5 (norm 3) in image 1:
    # 10 * mean[(1 - 1)^2, (3 - 1)^2] = 20.
    value = GradientPenalty(10.0)(_quadratic, real, fake, draw)
    assert float(value) == pytest.approx(20.0, rel=1e-6)
    assert shapes == [(2, 1, 1, 1)]


@pytest.mark.parametrize(
    "mode",
    ["eager", *(pytest.param(m, marks=tensorflow_only) for m in ("function", "xla"))],
)
def test_penalty_gradients_train_the_critic_as_the_closed_form_says(mode):
    critic = _linear_critic()
    optimizer = keras.optimizers.SGD()
    # d/dw of gamma/2 ||w||^2 is gamma w; of 10 (||w|| - 1)^2 it is
    # 10 * 2 (||w|| - 1) w / ||w|| = 40/3 w.
    for penalty, expected in ((R1(10.0), 10.0 * W), (GradientPenalty(), 40 / 3 * W)):

        def gradients(real, fake, penalty=penalty):
            def loss_fn():
                return penalty(critic, real, fake, _half), ()

            return backend.compute_gradients(
                loss_fn, critic.trainable_variables, optimizer
            )[2]

        if mode != "eager":
            import tensorflow as tf

            gradients = tf.function(gradients, jit_compile=mode == "xla")
        (got,) = gradients(ops.convert_to_tensor(REAL), ops.convert_to_tensor(FAKE))
        np.testing.assert_allclose(ops.convert_to_numpy(got), expected, rtol=1e-5)


def test_zero_gamma_gives_zero_and_leaves_the_gradient_unchanged():
    critic = _linear_critic()
    optimizer = keras.optimizers.SGD()

    def gradient(penalty_list):
        def loss_fn():
            loss = ops.mean(critic(REAL, training=True))
            extra = discriminator_penalty(
                penalty_list, critic, REAL, FAKE, step=0, draw=_half
            )
            return loss + extra, extra

        _, extra, (grad,) = backend.compute_gradients(
            loss_fn, critic.trainable_variables, optimizer
        )
        return float(extra), ops.convert_to_numpy(grad)

    plain, penalised = gradient([]), gradient([R1(0.0), R2(0.0)])
    assert plain[0] == 0.0 and penalised[0] == 0.0
    np.testing.assert_array_equal(penalised[1], plain[1])
    # The unpenalised gradient of mean <w, x> is the mean flattened image.
    np.testing.assert_allclose(plain[1], REAL.reshape(3, 4).mean(0)[:, None], rtol=1e-6)


def test_lazy_penalties_are_scaled_on_due_steps_and_skipped_otherwise():
    critic = _linear_critic()
    lazy = [R1(10.0, every=4)]

    def total(step):
        return discriminator_penalty(lazy, critic, REAL, FAKE, step=step, draw=_half)

    expected = {0: 180.0, 1: 0.0, 2: 0.0, 3: 0.0, 4: 180.0, 8: 180.0}
    step = keras.Variable(0, dtype="int64", trainable=False)
    for value, want in expected.items():
        step.assign(value)
        assert float(total(value)) == pytest.approx(want, rel=1e-6)
        assert float(total(step)) == pytest.approx(want, rel=1e-6)
    # Every penalty of a list counts: 4 * 45 + 40 on step 0.
    both = [R1(10.0, every=4), GradientPenalty()]
    got = discriminator_penalty(both, critic, REAL, FAKE, step=0, draw=_half)
    assert float(got) == pytest.approx(220.0, rel=1e-6)


def test_lazy_penalties_draw_the_same_noise_due_or_not():
    # The lazy GP draws its noise on skipped steps too, so the second
    # penalty sees the same draw index eagerly and in a graph.
    critic, seen = _linear_critic(), []

    class Spy(GradientPenalty):
        def noise(self, real_images, draw):
            noise = super().noise(real_images, draw)
            seen.append(noise)
            return noise

    draw = uniform_stream(0, 0, 0)
    discriminator_penalty(
        [GradientPenalty(every=4), Spy()], critic, REAL, FAKE, step=1, draw=draw
    )
    expected = uniform_stream(0, 0, 0)
    expected((3, 1, 1, 1))
    np.testing.assert_array_equal(seen[0], expected((3, 1, 1, 1)))


def test_no_penalties_add_nothing():
    total = discriminator_penalty([], None, REAL, FAKE, step=0, draw=_half)
    assert float(total) == 0.0


@pytest.mark.parametrize(
    "penalty", [R1(10.0, every=16), R2(0.5), GradientPenalty(weight=5.0, every=2)]
)
def test_penalties_serialize_round_trip(penalty):
    config = keras.saving.serialize_keras_object(penalty)
    restored = keras.saving.deserialize_keras_object(config)
    assert type(restored) is type(penalty)
    assert restored.get_config() == penalty.get_config()
    # a config saved before schedules existed still loads
    assert penalties.R1.from_config({"gamma": 2.0, "every": 3}).get_config() == {
        "gamma": 2.0,
        "every": 3,
        "schedule": None,
    }


def _cosine(final_fraction=0.1, steps=100):
    return keras.optimizers.schedules.CosineDecay(1.0, steps, alpha=final_fraction)


def test_a_scheduled_penalty_is_weighted_by_its_schedule_at_the_step():
    critic = _linear_critic()
    lazy = [R1(10.0, every=4, schedule=_cosine())]

    def cosine(step):  # CosineDecay(1, 100, alpha=0.1), by hand
        return 0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * min(step, 100) / 100))

    step = keras.Variable(0, dtype="int64", trainable=False)
    for value in (0, 52, 100, 200):
        step.assign(value)
        got = discriminator_penalty(lazy, critic, REAL, FAKE, step=step, draw=_half)
        assert float(got) == pytest.approx(180.0 * cosine(value), rel=1e-5)
    assert cosine(100) == pytest.approx(0.1)
    # skipped steps stay skipped
    assert (
        float(discriminator_penalty(lazy, critic, REAL, FAKE, step=53, draw=_half)) == 0
    )


def test_a_schedule_saves_with_its_penalty():
    penalty = R2(0.5, every=2, schedule=_cosine(0.2, 50))
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(penalty)
    )
    assert isinstance(restored.schedule, keras.optimizers.schedules.CosineDecay)
    for step in (0, 25, 50):
        assert float(restored.weight_at(step)) == pytest.approx(
            float(penalty.weight_at(step))
        )
    assert float(restored.weight_at(50)) == pytest.approx(0.2)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match=r"`gamma` must be a number >= 0.*gamma=-1"):
        R1(-1)
    with pytest.raises(ValueError, match=r"`gamma`.*gamma='10'"):
        R2("10")
    with pytest.raises(ValueError, match=r"`weight`.*weight=-10.0"):
        GradientPenalty(weight=-10.0)
    for every in (0, 2.0, True):
        with pytest.raises(
            ValueError, match=rf"`every` must be an integer >= 1.*every={every!r}"
        ):
            R1(1.0, every=every)
    with pytest.raises(ValueError, match=r"`schedule` must be None or a callable"):
        R1(1.0, schedule=0.5)


@tensorflow_only
def test_lazy_penalty_gradients_flow_through_the_graph_condition():
    import tensorflow as tf

    critic, optimizer = _linear_critic(), keras.optimizers.SGD()

    @tf.function
    def gradient(step):
        def loss_fn():
            lazy = [R1(10.0, every=4)]
            total = discriminator_penalty(
                lazy, critic, REAL, FAKE, step=step, draw=_half
            )
            return total, ()

        return backend.compute_gradients(
            loss_fn, critic.trainable_variables, optimizer
        )[2][0]

    np.testing.assert_allclose(gradient(tf.constant(4)), 4 * 10.0 * W, rtol=1e-5)
    np.testing.assert_array_equal(gradient(tf.constant(5)), np.zeros_like(W))

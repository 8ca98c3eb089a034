import keras
import numpy as np
import pytest

from keras_gan import losses, optimizers, penalties, recipes


def _digits_like(count=300, side=28):
    rng = np.random.default_rng(0)
    return rng.uniform(0, 1, (count, side, side, 1)).astype("float32") ** 4


def test_paper_mlp_is_the_papers_recipe():
    images = _digits_like()
    gan = recipes.paper_mlp(images.shape[1:], images=images, seed=1)
    assert gan.latent_distribution == "uniform" and gan.latent_dim == 100
    assert gan.discriminator_steps == 1 and gan.objective == "non_saturating"
    for optimizer in (gan.generator_optimizer, gan.discriminator_optimizer):
        assert isinstance(optimizer, optimizers.RampedMomentumSGD)
        assert (optimizer.ramp_start, optimizer.ramp_end) == (3, 750)  # 300 // 100
        assert float(optimizer.momentum_at(0)) == 0.5
        np.testing.assert_allclose(float(optimizer.momentum_at(750)), 0.7)
        schedule = optimizer.get_config()["learning_rate"]
        assert schedule["class_name"] == "DecayingLearningRate"
        assert schedule["config"] == {"initial": 0.1, "factor": 1.000004, "floor": 1e-6}
        np.testing.assert_allclose(float(optimizer.learning_rate), 0.1)
    bias = gan.generator.get_layer("pixels").bias.numpy()
    means = np.clip(images.reshape(len(images), -1).mean(axis=0), 1e-3, 1 - 1e-3)
    np.testing.assert_allclose(bias, np.log(means / (1 - means)), rtol=1e-5)
    assert recipes.batch_size("paper_mlp") == 100


def test_r3gan_is_relativistic_with_r1_r2_and_adam_beta1_zero():
    gan = recipes.r3gan((8, 8, 1), width=4, latent_dim=8, gamma=0.5, seed=0)
    assert gan.objective == "relativistic"
    assert [type(p) for p in gan.penalties] == [penalties.R1, penalties.R2]
    assert all(p.gamma == 0.5 for p in gan.penalties)
    optimizer = gan.generator_optimizer
    assert (optimizer.beta_1, optimizer.beta_2) == (0.0, 0.99)
    assert gan.ema_decay == 0.999 and gan.ema_schedule == "ramp"
    layers = gan.discriminator.layers
    assert not [layer for layer in layers if isinstance(layer, keras.layers.Dropout)]
    assert [p.every for p in gan.penalties] == [4, 4]  # lazy by default
    eager = recipes.r3gan((8, 8, 1), width=4, latent_dim=8, penalty_every=1, seed=0)
    assert [p.every for p in eager.penalties] == [1, 1]


def test_r3gan_splits_capacity_and_takes_residual_networks():
    split = recipes.r3gan(
        (8, 8, 1), network="dcgan", width=4, discriminator_width=6, seed=0
    )
    assert split.generator.name == "dcgan_generator"
    first_conv = [
        layer
        for layer in split.discriminator.layers
        if isinstance(layer, keras.layers.Conv2D)
    ][0]
    assert first_conv.filters == 6
    residual = recipes.r3gan((8, 8, 1), latent_dim=8, seed=0)  # the default
    assert residual.generator.name == "residual_generator"
    assert residual.discriminator.name == "residual_discriminator"
    convs = [
        layer
        for layer in residual.discriminator.layers
        if isinstance(layer, keras.layers.Conv2D)
    ]
    assert convs[0].filters == 16  # the residual pair's default width
    colour = recipes.r3gan((8, 8, 3), latent_dim=8, seed=0)
    assert _first_conv_filters(colour.discriminator) == 32  # Stacked MNIST's
    assert _first_conv_filters(recipes.r3gan((8, 8, 3), width=8).discriminator) == 8
    with pytest.raises(ValueError, match="`network` must be 'dcgan' or 'residual'"):
        recipes.r3gan((8, 8, 1), network="paper")


def _first_conv_filters(model):
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    return convs[0].filters


def test_dcgan_is_the_package_default():
    gan = recipes.dcgan((8, 8, 1), width=4, latent_dim=8, seed=0)
    assert isinstance(gan.generator_optimizer, optimizers.FusedAdam)
    assert gan.generator_optimizer.beta_1 == 0.5
    assert gan.discriminator_loss_fn is losses.minimax_discriminator_loss


def test_build_names_what_a_recipe_does_not_take():
    with pytest.raises(ValueError, match="Recipe 'paper_mlp' does not take `width`"):
        recipes.build("paper_mlp", (28, 28, 1), width=4)
    with pytest.raises(ValueError, match="Unknown `recipe`: 'stylegan'"):
        recipes.build("stylegan", (28, 28, 1))


def test_r3gan_sizes_its_schedules_to_the_planned_steps(tmp_path):
    gan = recipes.r3gan(
        (8, 8, 1), width=4, latent_dim=8, total_steps=2000, final_learning_rate=0.1
    )
    for optimizer in (gan.generator_optimizer, gan.discriminator_optimizer):
        rate = optimizer._learning_rate  # the schedule, not its current value
        assert isinstance(rate, keras.optimizers.schedules.CosineDecay)
        np.testing.assert_allclose(float(rate(0)), 5e-4, rtol=1e-6)
        np.testing.assert_allclose(float(rate(1000)), 5e-4 * 0.55, rtol=1e-5)
        np.testing.assert_allclose(float(rate(2000)), 5e-5, rtol=1e-5)
        np.testing.assert_allclose(float(rate(5000)), 5e-5, rtol=1e-5)  # stays
    # Half-life 2 % of the run: 40 steps.
    np.testing.assert_allclose(gan.ema_decay**40, 0.5, rtol=1e-9)
    assert gan.ema_schedule == "ramp"
    path = str(tmp_path / "scheduled.keras")
    gan.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.ema_decay == gan.ema_decay
    np.testing.assert_allclose(
        float(loaded.generator_optimizer.learning_rate), 5e-4, rtol=1e-6
    )
    assert (
        loaded.generator_optimizer.get_config()["learning_rate"]["config"]
        == (gan.generator_optimizer.get_config()["learning_rate"]["config"])
    )


def test_r3gan_keeps_a_constant_rate_unless_asked_to_decay_it():
    gan = recipes.r3gan((8, 8, 1), width=4, latent_dim=8, seed=0)
    assert isinstance(gan.generator_optimizer.get_config()["learning_rate"], float)
    assert gan.ema_decay == 0.999
    planned = recipes.r3gan((8, 8, 1), width=4, latent_dim=8, total_steps=100)
    rate = planned.generator_optimizer.get_config()["learning_rate"]
    assert isinstance(rate, float) and abs(rate - 5e-4) < 1e-10
    np.testing.assert_allclose(planned.ema_decay**2, 0.5, rtol=1e-9)  # 2 % of 100
    assert all(p.schedule is None for p in planned.penalties)  # constant gamma


def test_r3gan_anneals_gamma_over_the_planned_steps(tmp_path):
    gan = recipes.r3gan(
        (8, 8, 1), width=4, latent_dim=8, gamma=2.0, total_steps=400, final_gamma=0.25
    )
    for penalty in gan.penalties:
        assert penalty.gamma == 2.0
        np.testing.assert_allclose(float(penalty.weight_at(0)), 1.0, rtol=1e-6)
        np.testing.assert_allclose(float(penalty.weight_at(200)), 0.625, rtol=1e-5)
        np.testing.assert_allclose(float(penalty.weight_at(400)), 0.25, rtol=1e-5)
    path = str(tmp_path / "annealed.keras")
    gan.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(
        float(loaded.penalties[0].weight_at(200)), 0.625, rtol=1e-5
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"total_steps": 0}, "`total_steps` must be a whole number of steps >= 1. "
         "Received: total_steps=0"),
        ({"total_steps": 10.5}, "Received: total_steps=10.5"),
        ({"total_steps": 10, "final_learning_rate": 1.5},
         "Received: final_learning_rate=1.5"),
        ({"total_steps": 10, "ema_half_life": 0.0}, "half-life must be > 0 steps"),
        ({"total_steps": 10, "final_gamma": -0.5}, "Received: final_gamma=-0.5"),
    ],
)  # fmt: skip
def test_r3gan_names_a_bad_schedule_argument(arguments, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        recipes.r3gan((8, 8, 1), width=4, latent_dim=8, **arguments)

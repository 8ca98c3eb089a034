"""Budgets: minutes measured once into a number of steps that every rerun keeps."""

import json

import keras
import numpy as np
import pytest

from keras_gan import networks
from keras_gan.training import budget, resume


def _gan():
    keras.utils.set_random_seed(0)
    gan = networks.build_gan((8, 8, 1), width=4, latent_dim=8, seed=2, ema_decay=0.9)
    gan.compile()
    return gan


def _images():
    return np.random.default_rng(0).uniform(0, 1, (128, 8, 8, 1)).astype("float32")


@pytest.mark.core
def test_measuring_the_speed_leaves_no_trace_in_the_run():
    gan = _gan()
    before = {k: np.array(v.numpy()) for k, v in resume.keyed_variables(gan).items()}
    seconds, used = budget.measure_step_seconds(
        gan, _images(), batch_size=16, clock="wall", seconds=0.5, warmup=3
    )
    assert 0 < seconds < used
    after = {k: v.numpy() for k, v in resume.keyed_variables(gan).items()}
    assert sorted(after) == sorted(before)
    for key, value in before.items():
        np.testing.assert_array_equal(after[key], value, err_msg=key)
    assert not gan.stop_training


def test_the_plan_is_measured_once_and_read_back_by_a_rerun(tmp_path):
    calls = []

    def measure():
        calls.append(1)
        return 0.01, 3.0  # 10 ms per step; the probe used 3 s of the budget

    assert budget.plan_steps(tmp_path, 1, measure, verbose=False) == 5700
    assert budget.plan_steps(tmp_path, 1, measure, verbose=False) == 5700
    assert len(calls) == 1
    plan = json.loads((tmp_path / "budget.json").read_text())
    assert plan["steps"] == 5700 and plan["clock"] == "cpu"
    with pytest.raises(ValueError, match="plans a budget of 1 cpu-minutes, not 2"):
        budget.plan_steps(tmp_path, 2, measure)
    with pytest.raises(ValueError, match="not 1 wall-minutes"):
        budget.plan_steps(tmp_path, 1, measure, clock="wall")


def test_a_recipe_plan_probes_a_throwaway_gan_once(tmp_path):
    built = []

    def build_gan():
        built.append(_gan())
        return built[-1]

    planned = budget.plan_recipe_steps(
        tmp_path, 0.01, build_gan, _images(), batch_size=16, clock="wall"
    )
    # 0.6 s of budget; the probe times 0.5 s of it (its floor), so the
    # plan is what the rest buys at the measured speed.
    plan = json.loads((tmp_path / "budget.json").read_text())
    assert (
        planned
        == plan["steps"]
        == max(1, int((0.6 - plan["probe_seconds"]) / plan["seconds_per_step"]))
    )
    assert len(built) == 1 and int(built[0].generator_optimizer.iterations) == 0
    again = budget.plan_recipe_steps(
        tmp_path, 0.01, build_gan, _images(), batch_size=16, clock="wall"
    )
    assert again == planned and len(built) == 1  # read back, nothing built


@pytest.mark.parametrize("minutes", [0, -1, float("nan"), "5", True])
def test_bad_budgets_are_named(minutes, tmp_path):
    with pytest.raises(ValueError, match="`minutes` must be a number > 0"):
        budget.plan_steps(tmp_path, minutes, lambda: (1.0, 0.0))
    with pytest.raises(ValueError, match="`clock` must be one of"):
        budget.TimeBudget(1, clock="gpu")


def test_time_budget_stops_a_fit_once_its_time_is_spent():
    gan = _gan()
    timer = budget.TimeBudget(1e-6, clock="wall", check_every=2)
    images = _images() * 2 - 1
    gan.fit(images, epochs=3, batch_size=16, callbacks=[timer], verbose=0)
    assert timer.steps == 2 and int(gan.generator_optimizer.iterations) == 2

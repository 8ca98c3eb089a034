"""Training budgets: minutes of a clock, turned into a number of steps once.

"What is the best GAN I can get in an hour on my machine?" needs a run whose
length is known before it starts: schedules are sized to it, and a run killed
and rerun must stop at the same step to end bit-identical. So a budget is
not a timer that stops training whenever the clock runs out (that is
``TimeBudget``, for measurements); ``plan_steps`` measures the speed of the
GAN's own training step once, turns the minutes into steps and writes them to
``OUTPUT_DIR/budget.json``, which every rerun reads instead of measuring again.

Clocks: ``"cpu"`` is the process's CPU time over all threads (a budget then
means the same work on an idle and on a shared machine; two busy cores spend
two CPU-seconds per second), ``"wall"`` is elapsed time.
"""

import json
import math
import os
import sys
import tempfile
import time

import keras
import numpy as np

from keras_gan import backend, data, networks
from keras_gan.training.resume.variables import restore_backup, save_backup
from keras_gan.utils.atomic import atomic_path

CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
BUDGET_FILE = "budget.json"


def check_clock(clock):
    if clock not in CLOCKS:
        raise ValueError(
            f"`clock` must be one of {sorted(CLOCKS)}. Received: clock={clock!r}"
        )
    return CLOCKS[clock]


class TimeBudget(keras.callbacks.Callback):
    """Stops training once ``minutes`` of ``clock`` have passed since it was made.

    Where the run ends depends on the machine's speed at the time, so a rerun
    does not end at the same step: use it to compare settings at equal cost
    (``tools/reproduce_results.py`` does), and ``plan_steps`` for runs that
    must repeat.

    Args:
        minutes: the budget.
        clock: ``"cpu"`` (process CPU time, all threads) or ``"wall"``.
        check_every: read the clock every this many steps.

    Examples:
        >>> budget = TimeBudget(15, clock="cpu")
        >>> gan.fit(dataset, epochs=10_000, callbacks=[budget])
        >>> steps_per_cpu_second = budget.steps / budget.used()
    """

    def __init__(self, minutes, clock="cpu", check_every=25):
        super().__init__()
        _check_minutes(minutes)
        self.seconds = 60.0 * minutes
        self.clock_name, self.clock = clock, check_clock(clock)
        self.check_every = check_every
        self.start, self.steps = self.clock(), 0

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.steps % self.check_every == 0 and self.used() >= self.seconds:
            self.model.stop_training = True

    def used(self):
        """Seconds of the clock used since the callback was made."""
        return self.clock() - self.start


def _check_minutes(minutes):
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, (int, float))
        or not math.isfinite(minutes)
        or minutes <= 0
    ):
        raise ValueError(f"`minutes` must be a number > 0. Received: {minutes!r}")


class _StepTimer(keras.callbacks.Callback):
    """Times the steps after ``warmup`` (tracing, compiling) until ``seconds``."""

    def __init__(self, clock, warmup, seconds):
        super().__init__()
        self.clock, self.warmup, self.seconds = clock, warmup, seconds
        self.steps, self.timed_steps, self.start, self.elapsed = 0, 0, None, 0.0

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1  # `batch` restarts every epoch
        if self.steps == self.warmup:
            self.start = self.clock()
        elif self.start is not None:
            self.timed_steps += 1
            self.elapsed = self.clock() - self.start
            if self.elapsed >= self.seconds:
                self.model.stop_training = True


def measure_step_seconds(
    gan, images, *, batch_size, labels=None, clock="cpu", seconds=10.0, warmup=5
):
    """Seconds of ``clock`` per training step of ``gan`` on ``images``.

    A probe ``fit`` of ``warmup`` untimed steps, then timed steps for about
    ``seconds``. The GAN's whole training state is backed up first and
    restored after, so the probe leaves no trace in the run (the traced step
    function is kept, which saves the run its tracing).

    Args:
        gan: a compiled, seeded ``keras_gan.GAN``.
        images: array (N, H, W, C) in [0, 1], as ``train`` takes them.
        batch_size: m, real images per discriminator update.
        labels: the images' labels (a conditional GAN).
        clock: ``"cpu"`` or ``"wall"``.
        seconds: how long to time.
        warmup: steps run before timing.

    Returns:
        ``(seconds_per_step, clock_seconds_the_probe_used)``.
    """
    timer_clock = check_clock(clock)
    began = timer_clock()
    pixel_range = networks.output_range(gan.generator)
    pixels = data.rescale(np.asarray(images, "float32"), pixel_range)
    step_batch = data.check_step_batch(len(pixels), batch_size, gan.discriminator_steps)
    per_epoch = len(pixels) // step_batch
    epochs = 1 + (warmup + 10_000) // per_epoch  # stopped by the timer long before
    batches = data.epoch_batches(
        pixels, labels=labels, step_batch_size=step_batch, seed=gan.seed,
        start_epoch=0, end_epoch=epochs,
    )  # fmt: skip
    timer = _StepTimer(timer_clock, warmup, seconds)
    with tempfile.TemporaryDirectory() as folder:
        state = os.path.join(folder, "state.npz")
        save_backup(gan, state, step=0)
        try:
            gan.fit(
                batches, epochs=epochs, steps_per_epoch=per_epoch, callbacks=[timer],
                shuffle=False, verbose=0,
            )  # fmt: skip
        finally:
            backend.sync_state(gan)
            restore_backup(gan, state)
            gan.stop_training = False
    if timer.timed_steps < 1:
        raise ValueError(
            f"The probe ran fewer than {warmup + 1} steps: the dataset is too small "
            "to measure a training step's speed. Train for `epochs` instead."
        )
    return timer.elapsed / timer.timed_steps, timer_clock() - began


def _probe_duration(minutes):
    """How long a budget of ``minutes`` times its speed probe: a twentieth
    of the budget, within 0.5-10 s (enough steps to average)."""
    return min(10.0, max(0.5, 3.0 * minutes))


def plan_recipe_steps(
    output_dir, minutes, build_gan, images, *, batch_size, labels=None, clock="cpu"
):
    """``plan_steps`` for a GAN yet to be built: the probe trains a throwaway
    ``build_gan()``, so the run's own GAN can be built with the planned steps
    (a recipe's ``total_steps``) afterwards.

    Args:
        output_dir: the run's folder, where ``budget.json`` is kept.
        minutes: the budget.
        build_gan: returns a compiled GAN of the run's recipe.
        images: the training images, in [0, 1].
        batch_size: m, real images per discriminator update.
        labels: the images' labels (a conditional GAN).
        clock: ``"cpu"`` or ``"wall"``.
    """

    def measure():
        return measure_step_seconds(
            build_gan(), images, batch_size=batch_size, labels=labels, clock=clock,
            seconds=_probe_duration(minutes),
        )  # fmt: skip

    return plan_steps(output_dir, minutes, measure, clock=clock)


def plan_steps(output_dir, minutes, measure, *, clock="cpu", verbose=True):
    """The training steps a budget of ``minutes`` buys, planned once per run.

    The first call measures (``measure()`` returns ``(seconds_per_step,
    seconds_used)``, e.g. ``measure_step_seconds`` bound to the run's GAN and
    data), subtracts the probe's own time from the budget, and writes
    ``OUTPUT_DIR/budget.json`` atomically; later calls for the same run read
    it, so a rerun after a kill trains to the same step.

    Raises:
        ValueError: ``budget.json`` holds another budget or clock.
    """
    _check_minutes(minutes)
    check_clock(clock)
    path = os.path.join(output_dir, BUDGET_FILE)
    if os.path.exists(path):
        with open(path) as file:
            plan = json.load(file)
        if (plan["minutes"], plan["clock"]) != (minutes, clock):
            raise ValueError(
                f"{path} plans a budget of {plan['minutes']:g} {plan['clock']}-"
                f"minutes, not {minutes:g} {clock}-minutes: this output directory "
                "holds another run. Rerun with its budget or use another directory."
            )
        return plan["steps"]
    seconds_per_step, used = measure()
    steps = max(1, int((60.0 * minutes - used) / seconds_per_step))
    plan = {
        "minutes": minutes,
        "clock": clock,
        "seconds_per_step": seconds_per_step,
        "probe_seconds": used,
        "steps": steps,
    }
    os.makedirs(output_dir, exist_ok=True)
    with atomic_path(path) as temporary, open(temporary, "w") as file:
        json.dump(plan, file, indent=2)
    if verbose:
        print(
            f"keras-gan: {minutes:g} {clock}-minutes at {1 / seconds_per_step:.1f} "
            f"steps per {clock}-second (measured): {steps} steps, planned in {path}",
            file=sys.stderr,
        )
    return steps

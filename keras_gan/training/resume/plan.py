"""A run's position: which ``fit`` calls finish it from a step count."""

import sys


def fit_plan(step, steps_per_epoch, epochs):
    """``(start_epoch, end_epoch, skip)`` of the ``fit`` calls that finish the run.

    Keras's ``fit`` cannot start mid-epoch, so an interrupted epoch is
    finished by a ``fit`` of its remaining steps, then one ``fit`` runs the
    following epochs.
    """
    epoch, skip = divmod(step, steps_per_epoch)
    plan = []
    if skip:
        plan.append((epoch, epoch + 1, skip))
        epoch += 1
    if epoch < epochs:
        plan.append((epoch, epochs, 0))
    return plan


def run_length(steps_per_epoch, epochs=None, steps=None):
    """``(epochs, total_steps)`` of a run given in epochs or in steps."""
    if (epochs is None) == (steps is None):
        raise ValueError(
            "Give the run's length as `epochs` or as `steps`, one of the two. "
            f"Received: epochs={epochs!r}, steps={steps!r}"
        )
    if steps is None:
        _check_count("epochs", epochs)
        return epochs, epochs * steps_per_epoch
    _check_count("steps", steps)
    return -(-steps // steps_per_epoch), steps


def _check_count(name, value):
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"`{name}` must be an integer >= 1. Received: {value!r}")


def check_position(step, steps_per_epoch, epochs, verbose, total_steps=None):
    _check_count("epochs", epochs)
    in_epochs = total_steps is None
    total_steps = epochs * steps_per_epoch if in_epochs else total_steps
    length = f"`epochs`={epochs}" if in_epochs else f"`steps`={total_steps}"
    done = step / steps_per_epoch
    if step > total_steps:
        raise ValueError(
            f"The backup is at epoch {done:g} (step {step}), past {length}. "
            "Train longer or use another output directory."
        )
    if step and verbose:
        if step == total_steps:
            finished = f"{epochs} epochs" if in_epochs else f"{step} steps"
            message = f"Training already finished ({finished}); rewriting outputs."
        else:
            message = f"Resuming from the backup at epoch {done:.3f}."
        print(message, file=sys.stderr)

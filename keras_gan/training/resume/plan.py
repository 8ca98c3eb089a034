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


def check_position(step, steps_per_epoch, epochs, verbose):
    if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"`epochs` must be an integer >= 1. Received: {epochs!r}")
    done = step / steps_per_epoch
    if step > epochs * steps_per_epoch:
        raise ValueError(
            f"The backup is at epoch {done:g}, past `epochs`={epochs}. Pass "
            f"epochs >= {done:g} or use another output directory."
        )
    if step and verbose:
        if step == epochs * steps_per_epoch:
            message = f"Training already finished ({epochs} epochs); rewriting outputs."
        else:
            message = f"Resuming from the backup at epoch {done:.3f}."
        print(message, file=sys.stderr)

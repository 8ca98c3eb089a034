"""Argument types the commands share: each refuses bad input in one line."""

import argparse
import math


def integer_at_least(minimum):
    """An argparse ``type``: an integer >= ``minimum``, or one line that says so.

    An unset flag is ``None``; a ``0`` the user typed is a value, checked like
    any other, never taken for "unset" and replaced by a default.

    Args:
        minimum: the smallest value the flag accepts.

    Examples:
        >>> parser.add_argument("--batch-size", type=integer_at_least(1))
    """

    def integer(text):
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(
                f"must be an integer >= {minimum}. Received: {text}"
            )
        return value

    return integer


# Counts of things (images, steps, epochs, channels); and intervals in which
# 0 means "never", and seeds.
positive_int = integer_at_least(1)
non_negative_int = integer_at_least(0)


def positive_float(text):
    """argparse type: a finite number > 0 (minutes, say), or one line that says so."""
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number > 0. Received: {text}")
    return value


def fraction(text):
    """argparse type: a number in [0, 1] (a share of a first value), or one line."""
    return _unit_number(text, zero_allowed=True)


def share(text):
    """argparse type: a number in (0, 1] (a share of a run), or one line."""
    return _unit_number(text, zero_allowed=False)


def _unit_number(text, *, zero_allowed):
    try:
        value = float(text)
    except ValueError:
        value = None
    low_ok = value is not None and (value >= 0.0 if zero_allowed else value > 0.0)
    if not (low_ok and value <= 1.0):  # NaN fails both comparisons
        interval = "[0, 1]" if zero_allowed else "(0, 1]"
        raise argparse.ArgumentTypeError(
            f"must be a number in {interval}. Received: {text}"
        )
    return value


def label_list(text):
    """argparse type: comma-separated int class indices, e.g. ``0,1,2``."""
    try:
        return [int(item) for item in text.split(",") if item.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integer class indices, e.g. 0,1,2; got {text!r}"
        ) from None

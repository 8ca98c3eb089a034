"""Argument types the commands share: each refuses bad input in one line."""

import argparse


def positive_int(text):
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


def label_list(text):
    """argparse type: comma-separated int class indices, e.g. ``0,1,2``."""
    try:
        return [int(item) for item in text.split(",") if item.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integer class indices, e.g. 0,1,2; got {text!r}"
        ) from None

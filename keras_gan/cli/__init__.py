"""The ``keras-gan`` command line: parses arguments and delegates.

Each command is one module here (``train``, ``export``, ``sample``,
``evaluate``) with ``add_parser(subparsers)``, which declares its arguments,
and a ``run(args)`` that imports the package parts doing the work. Bad
input, a bad flag included, and a missing optional package (TensorFlow for
export, for instance) end the command with one line on stderr and exit code
2. ``arguments`` holds the argument types the commands share, and
``recipe_flags`` the flags of ``train`` that become recipe arguments. TensorFlow's
C++ INFO banners are hidden by ``keras_gan.utils.console``, which must run before
TensorFlow loads, so ``keras_gan/__init__.py`` calls it, not ``main``.
"""

import argparse
import sys

from keras_gan.cli import evaluate, export, sample, train


class _Parser(argparse.ArgumentParser):
    """Hands a bad flag to ``main``, which reports it like any bad input."""

    def error(self, message):
        # argparse would print the whole usage first: one line says more.
        raise ValueError(f"{message} (see `{self.prog} --help`)")


def build_parser():
    parser = _Parser(
        prog="keras-gan",
        description="Generative adversarial networks as Keras models.",
    )
    subparsers = parser.add_subparsers(title="commands", required=True)
    for command in (train, export, sample, evaluate):
        command.add_parser(subparsers)
    return parser


def main(argv=None):
    try:
        args = build_parser().parse_args(argv)
        args.run(args)
    except (ValueError, FileNotFoundError, RuntimeError, ImportError) as error:
        print(f"keras-gan: error: {error}", file=sys.stderr)
        return 2
    return 0

"""The ``keras-gan`` command line: parses arguments and delegates.

Each command is one module here (``train``, ``export``, ``sample``,
``evaluate``) with ``add_parser(subparsers)``, which declares its arguments,
and a ``run(args)`` that imports the package parts doing the work. Bad
input and a missing optional package (TensorFlow for export, for instance)
end the command with one line on stderr and exit code 2.
"""

import argparse
import sys

from keras_gan.cli import evaluate, export, sample, train


def build_parser():
    parser = argparse.ArgumentParser(
        prog="keras-gan",
        description="Generative adversarial networks as Keras models.",
    )
    subparsers = parser.add_subparsers(title="commands", required=True)
    for command in (train, export, sample, evaluate):
        command.add_parser(subparsers)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (ValueError, FileNotFoundError, RuntimeError, ImportError) as error:
        print(f"keras-gan: error: {error}", file=sys.stderr)
        return 2
    return 0

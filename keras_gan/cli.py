"""The ``keras-gan`` command line: parses arguments and delegates.

Each subcommand has an ``_add_<name>`` function that declares its arguments
and a ``_run_<name>`` function that imports the module doing the work (so
``keras-gan --help`` answers without importing TensorFlow).
"""

import argparse
import sys


def _add_train(subparsers):
    parser = subparsers.add_parser(
        "train",
        help="train a GAN on a dataset",
        description="Train a GAN with model.fit and write OUTPUT_DIR/gan.keras "
        "and OUTPUT_DIR/samples.png.",
    )
    parser.add_argument(
        "--dataset",
        default="digits",
        help="'digits' (scikit-learn's bundled 8x8 digits, offline), a .npz file in "
        "the keras.datasets layout, a folder of images, or a tensorflow-datasets "
        "name (default: digits)",
    )
    parser.add_argument("--data-dir", help="tensorflow-datasets data directory")
    parser.add_argument("--epochs", type=int, default=50, help="default: 50")
    parser.add_argument("--output-dir", required=True, help="where results go")
    parser.add_argument(
        "--batch-size", type=int, default=64, help="m, images per discriminator update"
    )
    parser.add_argument(
        "--discriminator-steps",
        type=int,
        default=1,
        help="k, discriminator updates per generator update (default: 1)",
    )
    parser.add_argument(
        "--generator-loss",
        choices=["non_saturating", "minimax"],
        default="non_saturating",
        help="generator objective (default: non_saturating)",
    )
    parser.add_argument(
        "--network",
        choices=["dcgan", "paper"],
        default="dcgan",
        help="reference networks: DCGAN, or the paper's MNIST MLPs (default: dcgan)",
    )
    parser.add_argument("--latent-dim", type=int, default=100, help="default: 100")
    parser.add_argument("--seed", type=int, help="makes the run reproducible")
    parser.set_defaults(run=_run_train)


def _run_train(args):
    from keras_gan.training import train

    train(
        args.dataset,
        output_dir=args.output_dir,
        epochs=args.epochs,
        batch_size=args.batch_size,
        discriminator_steps=args.discriminator_steps,
        generator_loss=args.generator_loss,
        network=args.network,
        latent_dim=args.latent_dim,
        seed=args.seed,
        data_dir=args.data_dir,
    )


def build_parser():
    parser = argparse.ArgumentParser(
        prog="keras-gan",
        description="Generative adversarial networks as Keras models.",
    )
    subparsers = parser.add_subparsers(title="commands", required=True)
    _add_train(subparsers)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (ValueError, FileNotFoundError, RuntimeError) as error:
        print(f"keras-gan: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

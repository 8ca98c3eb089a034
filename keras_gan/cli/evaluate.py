"""``keras-gan evaluate``: score a generator against a dataset's test split."""

import json
import os

from keras_gan.cli.arguments import positive_int


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "evaluate",
        help="score a generator: Parzen log-likelihood, FID/KID, coverage, copying",
        description="Score generated samples against a dataset's test split with the "
        "GAN paper's Parzen-window protocol and a judge CNN trained on the dataset "
        "(cached in $KERAS_GAN_CACHE or ~/.cache/keras_gan; no downloads). Writes "
        "OUTPUT_DIR/report.json (each metric with its real train-vs-test reference), "
        "figure2.png (nearest training images) and figure3.png (interpolations).",
    )
    parser.add_argument(
        "--model", required=True, help="RUN/gan.keras or a SavedModel directory"
    )
    parser.add_argument(
        "--dataset",
        required=True,
        help="a .npz file in the keras.datasets layout (e.g. mnist.npz), 'digits', "
        "an image folder, a tensorflow-datasets name, or stacked_mnist:MNIST.npz "
        "(then the report counts the 1000 modes and their KL to uniform)",
    )
    parser.add_argument("--data-dir", help="tensorflow-datasets data directory")
    parser.add_argument(
        "--num-samples",
        type=positive_int,
        help="default: 10000 (the paper); Stacked MNIST: 26000 (the literature)",
    )
    parser.add_argument("--seed", type=int, default=0, help="sample seed (default: 0)")
    parser.add_argument("--output-dir", required=True, help="where the report goes")
    parser.add_argument(
        "--save-samples", metavar="FILE.npz", help="save the scored samples as x"
    )
    parser.add_argument(
        "--ema", action="store_true", help="score a .keras GAN's moving average"
    )
    parser.add_argument(
        "--truncation",
        type=float,
        default=1.0,
        help="psi in (0, 1] of the scored samples: lower trades variety (recall) "
        "for fidelity (precision) (default: 1, none)",
    )
    parser.set_defaults(run=run)


def run(args):
    from keras_gan import data, evaluation

    options = dict(
        use_ema=args.ema, seed=args.seed, truncation=args.truncation,
        output_dir=args.output_dir,
    )  # fmt: skip
    if args.dataset.startswith(data.STACKED_PREFIX):
        mnist = args.dataset[len(data.STACKED_PREFIX) :]
        report = evaluation.evaluate_stacked_mnist(
            args.model, mnist, num_samples=_num_samples(args, 26_000), **options
        )
        print(json.dumps(report, indent=2))
    else:
        real = evaluation.load_real(args.dataset, data_dir=args.data_dir)
        report = evaluation.evaluate(
            args.model, real, num_samples=_num_samples(args, 10_000),
            save_samples=args.save_samples, **options,
        )  # fmt: skip
        print(evaluation.format_summary(report))
    print(f"wrote {os.path.join(args.output_dir, 'report.json')}")


def _num_samples(args, default):
    # Not `or`: a 0 is refused by the flag's type, never replaced by the default.
    return default if args.num_samples is None else args.num_samples

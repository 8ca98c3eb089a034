"""The ``keras-gan`` command line: parses arguments and delegates.

Each subcommand has an ``_add_<name>`` function that declares its arguments
and a ``_run_<name>`` function that imports the module doing the work. Bad
input and a missing optional package (TensorFlow for export, for instance)
end the command with one line on stderr and exit code 2.
"""

import argparse
import json
import sys

from keras_gan import litert, train_command
from keras_gan.requirements import import_tensorflow


def _add_export(subparsers):
    parser = subparsers.add_parser(
        "export",
        help="export a trained generator as a SavedModel and/or a .tflite file",
        description="Export the generator of a .keras GAN: a SavedModel with "
        "serve/serving_default (latents -> images) and sample (num_samples, seed "
        "-> uint8 images), and/or a LiteRT .tflite file with serving_default and "
        "sample. See export/README.md.",
    )
    parser.add_argument("--model", required=True, help="RUN/gan.keras")
    parser.add_argument("--saved-model", metavar="DIR", help="SavedModel to write")
    parser.add_argument("--tflite", metavar="FILE", help=".tflite file to write")
    parser.add_argument(
        "--quantize",
        choices=litert.QUANTIZATIONS,
        default="none",
        help=".tflite weights: float32 (none), float16, int8 weights (dynamic) or "
        "int8 weights and activations (int8, latents-in signature only) "
        "(default: none)",
    )
    parser.add_argument(
        "--ema", action="store_true", help="export the moving-average generator"
    )
    parser.set_defaults(run=_run_export)


def _run_export(args):
    if not (args.saved_model or args.tflite):
        raise ValueError(
            "Nothing to export: give --saved-model DIR and/or --tflite FILE."
        )
    import_tensorflow("`keras-gan export`")  # before the model loads
    from keras_gan import export

    if args.saved_model:
        path = export.export_saved_model(args.model, args.saved_model, use_ema=args.ema)
        print(f"wrote SavedModel {path}")
    if args.tflite:
        report = export.export_tflite(
            args.model, args.tflite, quantize=args.quantize, use_ema=args.ema
        )
        print(f"wrote {report}")


def _add_sample(subparsers):
    parser = subparsers.add_parser(
        "sample",
        help="write a grid of samples from a .keras, SavedModel or .tflite model",
        description="Sample images and tile them into a PNG. A .keras GAN and its "
        "SavedModel give the same images for a seed; a .tflite file draws its "
        "latents differently (see export/README.md).",
    )
    parser.add_argument(
        "--model", required=True, help="RUN/gan.keras, a SavedModel DIR or FILE.tflite"
    )
    parser.add_argument("--num-samples", type=int, default=16, help="default: 16")
    parser.add_argument("--seed", type=int, default=0, help="default: 0")
    parser.add_argument("--output", required=True, help="the PNG to write")
    parser.add_argument("--scale", type=int, default=1, help="upscale factor")
    parser.add_argument(
        "--ema", action="store_true", help="sample a .keras GAN's moving average"
    )
    parser.set_defaults(run=_run_sample)


def _run_sample(args):
    from keras_gan import images, sampling

    sampler = sampling.as_sampler(args.model, use_ema=args.ema)
    pixels = images.to_uint8(sampler.sample(args.num_samples, args.seed))
    images.save_png(args.output, images.tile(pixels), scale=args.scale)
    print(f"wrote {args.output}: {len(pixels)} images of {pixels.shape[1:]}")


def _add_evaluate(subparsers):
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
        type=int,
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
    parser.set_defaults(run=_run_evaluate)


def _run_evaluate(args):
    import os

    from keras_gan import datasets, evaluation

    options = dict(use_ema=args.ema, seed=args.seed, output_dir=args.output_dir)
    if args.dataset.startswith(datasets.STACKED_PREFIX):
        mnist = args.dataset[len(datasets.STACKED_PREFIX) :]
        report = evaluation.evaluate_stacked_mnist(
            args.model, mnist, num_samples=args.num_samples or 26_000, **options
        )
        print(json.dumps(report, indent=2))
    else:
        real = evaluation.load_real(args.dataset, data_dir=args.data_dir)
        report = evaluation.evaluate(
            args.model, real, num_samples=args.num_samples or 10_000,
            save_samples=args.save_samples, **options,
        )  # fmt: skip
        print(evaluation.format_summary(report))
    print(f"wrote {os.path.join(args.output_dir, 'report.json')}")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="keras-gan",
        description="Generative adversarial networks as Keras models.",
    )
    subparsers = parser.add_subparsers(title="commands", required=True)
    train_command.add_parser(subparsers)
    _add_export(subparsers)
    _add_sample(subparsers)
    _add_evaluate(subparsers)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (ValueError, FileNotFoundError, RuntimeError, ImportError) as error:
        print(f"keras-gan: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

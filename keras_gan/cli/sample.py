"""``keras-gan sample``: a PNG grid (or an interpolation strip) from any model."""

from keras_gan.cli.arguments import label_list, positive_int


def add_parser(subparsers):
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
    parser.add_argument(
        "--num-samples",
        type=positive_int,
        help="default: 16, or one per --labels entry",
    )
    parser.add_argument("--seed", type=int, default=0, help="default: 0")
    parser.add_argument("--output", required=True, help="the PNG to write")
    parser.add_argument("--scale", type=positive_int, default=1, help="upscale factor")
    parser.add_argument(
        "--ema", action="store_true", help="sample a .keras GAN's moving average"
    )
    _add_steering_arguments(parser)
    parser.set_defaults(run=run)


def _add_steering_arguments(parser):
    group = parser.add_argument_group("steering (see docs/sampling.md)")
    labels = group.add_mutually_exclusive_group()
    labels.add_argument(
        "--label", type=int, help="conditional models: every sample of this class"
    )
    labels.add_argument(
        "--labels",
        type=label_list,
        help="conditional models: one class per sample, e.g. 0,1,2 (default: a "
        "class-balanced grid)",
    )
    group.add_argument(
        "--truncation",
        type=float,
        default=1.0,
        help="psi in (0, 1]: latents scaled towards their mean, trading variety "
        "for fidelity (default: 1, none)",
    )
    group.add_argument(
        "--interpolate",
        nargs=2,
        type=int,
        metavar=("SEED_A", "SEED_B"),
        help="write a strip from SEED_A's image to SEED_B's instead of a grid",
    )
    group.add_argument(
        "--steps", type=positive_int, default=8, help="images in the strip (default: 8)"
    )


def run(args):
    from keras_gan.export import as_sampler
    from keras_gan.utils import images

    sampler = as_sampler(args.model, use_ema=args.ema)
    labels = args.label if args.labels is None else args.labels
    if args.interpolate:
        generated = sampler.interpolate(
            *args.interpolate, args.steps, labels=labels, truncation=args.truncation
        )
        columns = args.steps
    else:
        count = args.num_samples or (len(args.labels) if args.labels else 16)
        generated = sampler.sample(
            count, args.seed, labels=labels, truncation=args.truncation
        )
        columns = _grid_columns(sampler, count, labels)
    pixels = images.to_uint8(generated)
    images.save_png(args.output, images.tile(pixels, columns=columns), scale=args.scale)
    print(f"wrote {args.output}: {len(pixels)} images of {pixels.shape[1:]}")


def _grid_columns(sampler, count, labels):
    """A class-balanced grid of a conditional model shows one class per row."""
    classes = sampler.num_classes
    if classes and labels is None and count % classes == 0:
        return count // classes
    return None

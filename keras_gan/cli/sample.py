"""``keras-gan sample``: a PNG grid from any model keras_gan writes."""


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
    parser.add_argument("--num-samples", type=int, default=16, help="default: 16")
    parser.add_argument("--seed", type=int, default=0, help="default: 0")
    parser.add_argument("--output", required=True, help="the PNG to write")
    parser.add_argument("--scale", type=int, default=1, help="upscale factor")
    parser.add_argument(
        "--ema", action="store_true", help="sample a .keras GAN's moving average"
    )
    parser.set_defaults(run=run)


def run(args):
    from keras_gan.export import as_sampler
    from keras_gan.utils import images

    sampler = as_sampler(args.model, use_ema=args.ema)
    pixels = images.to_uint8(sampler.sample(args.num_samples, args.seed))
    images.save_png(args.output, images.tile(pixels), scale=args.scale)
    print(f"wrote {args.output}: {len(pixels)} images of {pixels.shape[1:]}")

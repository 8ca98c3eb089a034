"""Sample a grid of images from a keras_gan ``.tflite`` generator, on device.

Needs only ``ai_edge_litert``, numpy and Pillow: no TensorFlow, no keras_gan.

    python sample_litert.py MODEL.tflite --num-samples 16 --seed 0 --output grid.png

A file exported by ``keras_gan.export.export_tflite`` has a ``sample``
signature that draws its own latents from the seed (a counter-based hash, the
same on every device) and returns uint8 images. For a ``.tflite`` file with
only a latents-in signature (keras_gan's int8 exports), latents come from numpy
(``numpy.random.default_rng(seed)``, normal or, with ``--latents uniform``,
uniform on [-sqrt 3, sqrt 3], the distribution the GAN was trained with) and
the float images are mapped to 0..255 from ``--value-range``.
"""

import argparse
import math
import os
import sys

import numpy as np
from ai_edge_litert.interpreter import Interpreter
from PIL import Image


def load(path):
    try:
        return Interpreter(model_path=path)
    except (ValueError, RuntimeError) as error:
        raise SystemExit(
            f"sample_litert.py: error: cannot load {path!r} as a LiteRT model "
            f"({error}). Is the file complete and a .tflite model?"
        ) from error


def sample(interpreter, num_samples, seed, value_range, latents="normal"):
    """Returns uint8 images (N, H, W, C)."""
    signatures = interpreter.get_signature_list()
    if "sample" in signatures:
        runner = interpreter.get_signature_runner("sample")
        outputs = runner(
            num_samples=np.array(num_samples, "int32"), seed=np.array(seed, "int32")
        )
        return outputs["images"]
    if len(signatures) != 1:
        raise SystemExit(
            f"sample_litert.py: error: no `sample` signature and no single "
            f"latents-in signature to fall back on; found {sorted(signatures)}."
        )
    runner = interpreter.get_signature_runner(next(iter(signatures)))
    ((name, details),) = runner.get_input_details().items()
    rng, shape = np.random.default_rng(seed), (num_samples, details["shape"][-1])
    if latents == "uniform":
        z = rng.uniform(-math.sqrt(3.0), math.sqrt(3.0), shape)
    else:
        z = rng.standard_normal(shape)
    (images,) = runner(**{name: z.astype("float32")}).values()
    return to_uint8(images, value_range)


def to_uint8(images, value_range):
    """Maps float images to 0..255; ``value_range=None`` guesses it."""
    if value_range is None:
        # tanh generators give negative pixels, sigmoid ones never do.
        value_range = (-1.0, 1.0) if images.min() < 0 else (0.0, 1.0)
    low, high = value_range
    scaled = np.clip((images.astype("float32") - low) / (high - low), 0.0, 1.0)
    return np.round(scaled * 255.0).astype("uint8")


def tile(images, padding=1):
    """Tiles (N, H, W, C) images into a near-square grid with black borders."""
    count, height, width, channels = images.shape
    columns = math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    grid = np.zeros(
        (
            rows * (height + padding) + padding,
            columns * (width + padding) + padding,
            channels,
        ),
        "uint8",
    )
    for index, image in enumerate(images):
        top = padding + (index // columns) * (height + padding)
        left = padding + (index % columns) * (width + padding)
        grid[top : top + height, left : left + width] = image
    return grid


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="the .tflite file")
    parser.add_argument("--num-samples", type=int, default=16, help="default: 16")
    parser.add_argument("--seed", type=int, default=0, help="default: 0")
    parser.add_argument("--output", required=True, help="the PNG to write")
    parser.add_argument("--scale", type=int, default=1, help="upscale factor")
    parser.add_argument(
        "--value-range",
        type=float,
        nargs=2,
        metavar=("LOW", "HIGH"),
        help="pixel range of a latents-only model (default: guessed from the sign)",
    )
    parser.add_argument(
        "--latents",
        choices=("normal", "uniform"),
        default="normal",
        help="latent distribution of a latents-only model, the GAN's "
        "latent_distribution (default: normal)",
    )
    args = parser.parse_args(argv)
    if args.num_samples < 1:
        parser.error(f"--num-samples must be >= 1, got {args.num_samples}")
    if not -(2**31) <= args.seed < 2**31:
        parser.error(f"--seed must fit in int32, got {args.seed}")
    images = sample(
        load(args.model), args.num_samples, args.seed, args.value_range, args.latents
    )
    grid = tile(images).repeat(args.scale, axis=0).repeat(args.scale, axis=1)
    picture = Image.fromarray(grid[..., 0] if grid.shape[-1] == 1 else grid)
    temporary = args.output + ".partial"
    picture.save(temporary, format="PNG")
    os.replace(temporary, args.output)
    print(f"wrote {args.output}: {len(images)} images of {images.shape[1:]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

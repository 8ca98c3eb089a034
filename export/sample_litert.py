"""Sample a grid of images from a keras_gan ``.tflite`` generator, on device.

Needs only ``ai_edge_litert``, numpy and Pillow: no TensorFlow, no keras_gan.

    python sample_litert.py MODEL.tflite --num-samples 16 --seed 0 --output grid.png

    python sample_litert.py MODEL.tflite --label 3 --truncation 0.7 --output 3s.png
    python sample_litert.py MODEL.tflite --interpolate 0 1 --steps 8 --output strip.png

A file exported by ``keras_gan.export.export_tflite`` has a ``sample``
signature that draws its own latents from the seed (a counter-based hash, the
same on every device) and returns uint8 images, and a ``metadata`` signature
(a JSON string: latent size and prior, pixel range, classes). Truncation
scales the latents by psi; interpolation walks between two seeds' latents,
spherically for normal priors and linearly for uniform ones. A conditional
file takes a class per sample (``--label``, ``--labels``; by default every
class in turn). For a ``.tflite`` file with only a latents-in signature
(keras_gan's int8 exports), latents come from numpy
(``numpy.random.default_rng(seed)``, from the prior its metadata names, or
``--latents``) and the float images are mapped to 0..255 from the recorded
range, or ``--value-range``.
"""

import argparse
import json
import math
import os
import sys

import numpy as np
from ai_edge_litert.interpreter import Interpreter
from PIL import Image


def fail(message):
    """Ends the script with one line on stderr and exit code 2, as argparse does."""
    print(f"sample_litert.py: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def load(path):
    try:
        return Interpreter(model_path=path)
    except (ValueError, RuntimeError) as error:
        fail(
            f"cannot load {path!r} as a LiteRT model "
            f"({error}). Is the file complete and a .tflite model?"
        )


def metadata(interpreter):
    """The file's ``metadata`` signature as a dict ({} for older files)."""
    if "metadata" not in interpreter.get_signature_list():
        return {}
    runner = interpreter.get_signature_runner("metadata")
    (text,) = runner(version=np.array(0, "int32"))["metadata"]
    return json.loads(text.decode() if isinstance(text, bytes) else text)


def class_labels(info, count, label=None, labels=None):
    """int32 labels for ``count`` samples of a conditional file, else None."""
    classes = info.get("num_classes")
    if classes is None:
        if label is not None or labels is not None:
            fail(
                "--label/--labels given, but this model "
                "is unconditional (it takes no labels)."
            )
        return None
    if labels is None:
        labels = [label] * count if label is not None else range(count)
        labels = [value % classes for value in labels] if label is None else labels
    chosen = np.asarray(labels, "int64")
    if len(chosen) != count:
        fail(
            f"--labels has {len(chosen)} labels for "
            f"--num-samples {count}; give one label per sample."
        )
    if chosen.min() < 0 or chosen.max() >= classes:
        fail(
            f"labels must lie in [0, {classes}) (the "
            f"model's classes); received {chosen.min()}..{chosen.max()}."
        )
    return chosen.astype("int32")


def sample(
    interpreter,
    num_samples,
    seed,
    value_range,
    latents=None,
    *,
    truncation=1.0,
    labels=None,
):
    """Returns uint8 images (N, H, W, C), and the latents they were drawn from."""
    signatures = interpreter.get_signature_list()
    if "sample" in signatures:
        runner = interpreter.get_signature_runner("sample")
        feed = {
            "num_samples": np.array(num_samples, "int32"),
            "seed": np.array(seed, "int32"),
        }
        names = runner.get_input_details()
        if "truncation" in names:
            feed["truncation"] = np.array(truncation, "float32")
        elif truncation != 1.0:
            fail("this file predates truncation.")
        if "labels" in names:
            feed["labels"] = labels
        outputs = runner(**feed)
        return outputs["images"], outputs["latents"]
    info = metadata(interpreter)
    rng = np.random.default_rng(seed)
    shape = (num_samples, latent_size(interpreter))
    if (latents or info.get("latent_distribution")) == "uniform":
        z = rng.uniform(-math.sqrt(3.0), math.sqrt(3.0), shape)
    else:
        z = rng.standard_normal(shape)
    z = (z * truncation).astype("float32")
    return to_uint8(
        generate(interpreter, z, labels), value_range or info.get("value_range")
    ), z


def latent_size(interpreter):
    inputs = latents_runner(interpreter).get_input_details()
    return int(inputs.get("latents", next(iter(inputs.values())))["shape"][-1])


def latents_runner(interpreter):
    """The latents-in signature: ``serving_default``, or the only one."""
    signatures = interpreter.get_signature_list()
    if "serving_default" in signatures:
        return interpreter.get_signature_runner("serving_default")
    if len(signatures) != 1:
        fail(
            f"no `sample` signature and no single "
            f"latents-in signature to fall back on; found {sorted(signatures)}."
        )
    return interpreter.get_signature_runner(next(iter(signatures)))


def generate(interpreter, latents, labels=None):
    """Float images of ``latents`` (and labels) from the latents-in signature."""
    runner = latents_runner(interpreter)
    names = list(runner.get_input_details())
    feed = {"latents" if "latents" in names else names[0]: latents}
    if "labels" in names:
        feed["labels"] = labels
    return next(iter(runner(**feed).values()))


def interpolate(start, end, steps, distribution="normal"):
    """``steps`` latents from ``start`` to ``end``: slerp (normal) or linear."""
    start, end = start.astype("float64"), end.astype("float64")
    fractions = np.linspace(0.0, 1.0, steps)[:, None]
    path = start + fractions * (end - start)
    if distribution != "uniform":
        cosine = start @ end / (np.linalg.norm(start) * np.linalg.norm(end))
        angle = np.arccos(np.clip(cosine, -1.0, 1.0))
        if angle > 1e-6:
            path = (
                np.sin((1 - fractions) * angle) * start
                + np.sin(fractions * angle) * end
            ) / np.sin(angle)
    path[0], path[-1] = start, end
    return path.astype("float32")


def to_uint8(images, value_range):
    """Maps float images to 0..255; ``value_range=None`` guesses it."""
    if value_range is None:
        # tanh generators give negative pixels, sigmoid ones never do.
        value_range = (-1.0, 1.0) if images.min() < 0 else (0.0, 1.0)
    low, high = value_range
    scaled = np.clip((images.astype("float32") - low) / (high - low), 0.0, 1.0)
    return np.round(scaled * 255.0).astype("uint8")


def tile(images, padding=1, columns=None):
    """Tiles (N, H, W, C) images into a grid (near-square by default)."""
    count, height, width, channels = images.shape
    columns = columns or math.ceil(math.sqrt(count))
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
    args = parse_args(argv)
    interpreter = load(args.model)
    info = metadata(interpreter)
    if args.interpolate:
        label = args.label if args.label is not None else (args.labels or [0])[0]
        labels = class_labels(info, 1, label if info.get("num_classes") else None)
        ends = [
            sample(
                interpreter,
                1,
                seed,
                args.value_range,
                args.latents,
                truncation=args.truncation,
                labels=labels,
            )[1][0]
            for seed in args.interpolate
        ]
        path = interpolate(*ends, args.steps, info.get("latent_distribution"))
        strip = class_labels(
            info, args.steps, label if info.get("num_classes") else None
        )
        value_range = args.value_range or info.get("value_range")
        images = to_uint8(generate(interpreter, path, strip), value_range)
        columns = args.steps
    else:
        count = args.num_samples or (len(args.labels) if args.labels else 16)
        labels = class_labels(info, count, args.label, args.labels)
        images, _ = sample(
            interpreter,
            count,
            args.seed,
            args.value_range,
            args.latents,
            truncation=args.truncation,
            labels=labels,
        )
        columns = None
    grid = (
        tile(images, columns=columns)
        .repeat(args.scale, axis=0)
        .repeat(args.scale, axis=1)
    )
    picture = Image.fromarray(grid[..., 0] if grid.shape[-1] == 1 else grid)
    temporary = args.output + ".partial"
    picture.save(temporary, format="PNG")
    os.replace(temporary, args.output)
    print(f"wrote {args.output}: {len(images)} images of {images.shape[1:]}")
    return 0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="the .tflite file")
    parser.add_argument(
        "--num-samples", type=int, help="default: 16, or one per --labels"
    )
    parser.add_argument("--seed", type=int, default=0, help="default: 0")
    parser.add_argument("--output", required=True, help="the PNG to write")
    parser.add_argument("--scale", type=int, default=1, help="upscale factor")
    parser.add_argument("--label", type=int, help="conditional models: this class")
    parser.add_argument(
        "--labels",
        type=lambda t: [int(x) for x in t.split(",")],
        help="conditional models: one class per sample, e.g. 0,1,2",
    )
    parser.add_argument(
        "--truncation",
        type=float,
        default=1.0,
        help="psi in (0, 1]: latents scaled by psi (default: 1)",
    )
    parser.add_argument(
        "--interpolate",
        type=int,
        nargs=2,
        metavar=("SEED_A", "SEED_B"),
        help="a strip between two seeds' images",
    )
    parser.add_argument("--steps", type=int, default=8, help="images in the strip")
    parser.add_argument(
        "--value-range",
        type=float,
        nargs=2,
        metavar=("LOW", "HIGH"),
        help="pixel range of a latents-only model (default: its metadata, or "
        "guessed from the sign)",
    )
    parser.add_argument(
        "--latents",
        choices=("normal", "uniform"),
        help="latent distribution of a latents-only model, the GAN's "
        "latent_distribution (default: its metadata, or normal)",
    )
    args = parser.parse_args(argv)
    if args.num_samples is not None and args.num_samples < 1:
        parser.error(f"--num-samples must be >= 1, got {args.num_samples}")
    if not -(2**31) <= args.seed < 2**31:
        parser.error(f"--seed must fit in int32, got {args.seed}")
    if not 0.0 < args.truncation <= 1.0:
        parser.error(f"--truncation must be in (0, 1], got {args.truncation}")
    if args.steps < 2:
        parser.error(f"--steps must be >= 2, got {args.steps}")
    return args


if __name__ == "__main__":
    sys.exit(main())

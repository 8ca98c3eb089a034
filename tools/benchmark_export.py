"""Size, error and latency of exported generators: Keras vs LiteRT variants.

For the paper's MNIST MLP generator and the DCGAN-28 generator (width 64),
exports a ``.tflite`` file per quantization and prints a markdown table of
artifact size, max/mean absolute error against Keras (pixel units, over 64
normal latents) and median latency at batch 1 and 64. Keras latency is the
generator called inside ``tf.function`` (inference mode). Weights are
random: the networks are untrained, which is what size and speed depend on.

    nice -n 5 python tools/benchmark_export.py [--repeats 50] [--threads 2]
"""

import argparse
import os
import tempfile
import time

import keras
import numpy as np
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter

from keras_gan import networks
from keras_gan.export import export_tflite

BATCH_SIZES = (1, 64)
QUANTIZATIONS = ("none", "float16", "dynamic", "int8")


def _median_ms(function, argument, repeats):
    function(argument)  # warm-up: tracing, allocation
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(argument)
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def _latents(batch_size, latent_dim):
    rng = np.random.default_rng(batch_size)
    return rng.standard_normal((batch_size, latent_dim)).astype("float32")


def keras_latencies(generator, repeats):
    call = tf.function(lambda latents: generator(latents, training=False))
    latent_dim = generator.input_shape[-1]
    return [
        _median_ms(call, tf.constant(_latents(n, latent_dim)), repeats)
        for n in BATCH_SIZES
    ]


def litert_latencies(path, latent_dim, repeats, threads):
    runner = Interpreter(model_path=path, num_threads=threads).get_signature_runner(
        "serving_default"
    )
    return [
        _median_ms(lambda z: runner(latents=z), _latents(n, latent_dim), repeats)
        for n in BATCH_SIZES
    ]


def benchmark(name, generator, folder, repeats, threads):
    latent_dim = generator.input_shape[-1]
    weights_mb = sum(w.size * 4 for w in generator.get_weights()) / 1e6
    rows = [(name, "Keras", f"{weights_mb:.2f} (weights)", "-", "-")]
    rows[0] += tuple(f"{ms:.2f}" for ms in keras_latencies(generator, repeats))
    for quantize in QUANTIZATIONS:
        path = os.path.join(folder, f"{name}_{quantize}.tflite")
        report = export_tflite(generator, path, quantize=quantize)
        latencies = litert_latencies(path, latent_dim, repeats, threads)
        rows.append(
            (
                name,
                f"LiteRT {quantize}",
                f"{report.size_bytes / 1e6:.2f}",
                f"{report.max_abs_error:.2g}",
                f"{report.mean_abs_error:.2g}",
                *(f"{ms:.2f}" for ms in latencies),
            )
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=50, help="default: 50")
    parser.add_argument(
        "--threads", type=int, default=2, help="LiteRT threads (default: 2)"
    )
    args = parser.parse_args()
    keras.utils.set_random_seed(0)
    generators = {
        "paper MLP": networks.paper_mnist_generator(),
        "DCGAN-28": networks.dcgan_generator(100, (28, 28, 1), width=64),
    }
    header = (
        "network", "artifact", "size MB", "max abs err", "mean abs err",
        "ms @ batch 1", "ms @ batch 64",
    )  # fmt: skip
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    with tempfile.TemporaryDirectory() as folder:
        for name, generator in generators.items():
            for row in benchmark(name, generator, folder, args.repeats, args.threads):
                lines.append("| " + " | ".join(row) + " |")
    print("\n".join(lines))
    print(
        f"\nTensorFlow {tf.__version__}, LiteRT threads {args.threads}, "
        f"{args.repeats} repeats (median), load average {os.getloadavg()[0]:.1f}."
    )


if __name__ == "__main__":
    main()

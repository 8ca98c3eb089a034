"""TensorFlow configurations of ``tools/benchmark.py`` (run without ``--backend``).

Training throughput of keras_gan against a keras.io-style GAN, on this machine.

Measures steps/s (generator updates per second) and images/s (discriminator
minibatch images per second, k*m per step) of the paper's MNIST MLP GAN (m =
100) and the DCGAN-28 (m = 64) at k = 1 and k = 5, for the package's default
``fit``, the keras.io-style baseline (tools/keras_io_baseline.py, default Keras
settings), and the package with XLA on/off, steps_per_execution 1/10/50,
without the tf.data cache/prefetch, and with Keras's element-wise Adam in place
of the default fused one (keras_gan.optimizers.FusedAdam). Configurations run
interleaved in one process, ``--rounds`` times; the best round is reported.

FLOP counting rule (analytic, multiply-add = 2 FLOPs, biases and activations
ignored): forward = 2*MACs per image; backward = 4*MACs per image when weight
gradients are needed, 2*MACs when only input gradients are (D inside the
generator update). One step = k * [G forward (m) + D forward+backward (2m)]
+ [G forward+backward (m) + D forward+input-backward (m)]. The rate is compared
with this process's measured dense float32 matmul rate (2048x2048 matmuls).

Usage: python tools/benchmark.py [--rounds 2] [--mnist ../shared/data/mnist.npz]
       python tools/benchmark.py --precision mixed_bfloat16   (the package default
       at k = 1 only, under that Keras dtype policy; one policy per process)

``tools/benchmark.py`` parses the arguments and calls ``main(args)``; the
names ``MODELS`` and ``keras_adam_optimizers`` stay reachable as
``benchmark.MODELS`` etc. (``tools/profile_step.py`` uses them).
"""

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import keras_io_baseline  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import keras_gan  # noqa: E402
from keras_gan import data, networks  # noqa: E402

MODELS = {
    "paper MLP": (
        networks.paper_mnist_generator,
        networks.paper_mnist_discriminator,
        100,
    ),
    "DCGAN-28": (networks.dcgan_generator, networks.dcgan_discriminator, 64),
}
# Timed steps per measurement, chosen for a few seconds each on two cores.
STEPS = {
    ("paper MLP", 1): 60,
    ("paper MLP", 5): 24,
    ("DCGAN-28", 1): 24,
    ("DCGAN-28", 5): 8,
}


def macs_per_image(model):
    """Multiply-adds of one forward pass of a functional model, per image."""
    total = 0
    for layer in model.layers:
        if isinstance(layer, networks.Maxout):
            total += layer.dense.kernel.shape[0] * layer.dense.kernel.shape[1]
        elif isinstance(layer, keras.layers.Dense):
            total += int(np.prod(layer.kernel.shape))
        elif isinstance(layer, keras.layers.Conv2DTranspose):
            height, width = layer.input.shape[1:3]
            total += height * width * int(np.prod(layer.kernel.shape))
        elif isinstance(layer, keras.layers.Conv2D):
            height, width = layer.output.shape[1:3]
            total += height * width * int(np.prod(layer.kernel.shape))
    return total


def flops_per_step(generator, discriminator, k, m):
    g, d = macs_per_image(generator), macs_per_image(discriminator)
    discriminator_update = 2 * g * m + 6 * d * 2 * m
    generator_update = 6 * g * m + 4 * d * m
    return k * discriminator_update + generator_update


def matmul_rate(size=2048, repeats=20):
    a = tf.random.normal((size, size))
    b = tf.random.normal((size, size))
    product = tf.function(lambda a, b: tf.matmul(a, b))
    product(a, b).numpy()
    start = time.perf_counter()
    for _ in range(repeats):
        result = product(a, b)
    result.numpy()
    return 2 * size**3 * repeats / (time.perf_counter() - start)


class _Clock(keras.callbacks.Callback):
    """Times the executions after the first (which includes tracing)."""

    def on_train_begin(self, logs=None):
        self.ends = []

    def on_train_batch_end(self, batch, logs=None):
        self.ends.append((batch, time.perf_counter()))


def _steps_per_second(model, dataset, steps, steps_per_execution):
    clock = _Clock()
    model.fit(
        dataset.repeat(),
        steps_per_epoch=steps,
        epochs=1,
        verbose=0,
        callbacks=[clock],
        shuffle=False,
    )
    (first_batch, first), (last_batch, last) = clock.ends[0], clock.ends[-1]
    return (last_batch - first_batch) / (last - first)


def run_package(
    images,
    name,
    k,
    *,
    jit_compile="auto",
    steps_per_execution=1,
    pipeline="cache+prefetch",
    keras_adam=False,
):
    make_generator, make_discriminator, m = MODELS[name]
    gan = keras_gan.GAN(
        make_generator(100, images.shape[1:]),
        make_discriminator(images.shape[1:]),
        discriminator_steps=k,
        seed=0,
    )
    optimizers = keras_adam_optimizers() if keras_adam else {}
    gan.compile(
        jit_compile=jit_compile, steps_per_execution=steps_per_execution, **optimizers
    )
    value_range = networks.output_range(gan.generator)
    if pipeline == "cache+prefetch":
        dataset = data.from_array(
            images, batch_size=m, discriminator_steps=k, value_range=value_range, seed=0
        )
    else:
        dataset = (
            tf.data.Dataset.from_tensor_slices(data.rescale(images, value_range))
            .shuffle(1024)
            .batch(k * m, drop_remainder=True)
        )
    steps = max(STEPS[name, k], 2 * steps_per_execution)
    return _steps_per_second(gan, dataset, steps, steps_per_execution)


def keras_adam_optimizers():
    """compile() arguments: Keras's element-wise Adam in place of FusedAdam."""
    return {
        f"{role}_optimizer": keras.optimizers.Adam(2e-4, beta_1=0.5)
        for role in ("generator", "discriminator")
    }


def run_baseline(images, name, k):
    make_generator, make_discriminator, m = MODELS[name]
    generator = make_generator(100, images.shape[1:])
    gan = keras_io_baseline.build(
        generator, make_discriminator(images.shape[1:]), 100, k
    )
    value_range = networks.output_range(generator)
    dataset = keras_io_baseline.dataset(data.rescale(images, value_range), m)
    return _steps_per_second(gan, dataset, STEPS[name, k], 1)


def configurations(precision="float32"):
    if precision != "float32":
        for name in MODELS:
            yield name, 1, f"package default, {precision}", {}
        return
    for name in MODELS:
        for k in (1, 5):
            yield name, k, "package default", {}
            yield name, k, "keras.io-style baseline", None
            yield name, k, "XLA on", {"jit_compile": True}
            yield name, k, "XLA off", {"jit_compile": False}
            yield name, k, "no cache/prefetch", {"pipeline": "plain"}
            yield name, k, "keras.optimizers.Adam", {"keras_adam": True}
            if k == 1:  # 50-step executions need long runs; k = 1 shows the trend.
                for spe in (10, 50):
                    yield (
                        name,
                        k,
                        f"steps_per_execution={spe}",
                        {"steps_per_execution": spe},
                    )


def main(args):
    """``args``: ``rounds``, ``mnist``, ``images``, ``precision`` (see benchmark.py)."""
    keras.mixed_precision.set_dtype_policy(args.precision)
    images, _ = data.load_arrays(args.mnist)
    images = images[: args.images]
    peak = matmul_rate()
    results = {}
    for round_index in range(args.rounds):
        for name, k, label, options in configurations(args.precision):
            if options is None:
                rate = run_baseline(images, name, k)
            else:
                rate = run_package(images, name, k, **options)
            key = (name, k, label)
            results[key] = max(rate, results.get(key, 0.0))
            print(
                f"round {round_index + 1}: {name} k={k} {label}: {rate:.2f} steps/s",
                flush=True,
            )
        peak = max(peak, matmul_rate())
    print_table(results, peak)


def print_table(results, peak):
    print(f"\nDense float32 matmul rate of this machine: {peak / 1e9:.1f} GFLOP/s\n")
    print(
        "| model | k | configuration | steps/s | images/s | GFLOP/s | % of matmul "
        "| vs baseline |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for (name, k, label), rate in results.items():
        make_generator, make_discriminator, m = MODELS[name]
        shape = (28, 28, 1)
        flops = flops_per_step(
            make_generator(100, shape), make_discriminator(shape), k, m
        )
        baseline = results.get((name, k, "keras.io-style baseline"), float("nan"))
        print(
            f"| {name} | {k} | {label} | {rate:.2f} | {rate * k * m:.0f} | "
            f"{rate * flops / 1e9:.1f} | {100 * rate * flops / peak:.0f}% | "
            f"{rate / baseline:.2f}x |"
        )

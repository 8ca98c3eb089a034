"""Where a training step's time goes: the TensorFlow profiler, summarised.

Profiles ``--steps`` steps of ``fit`` (after warm-up) for the package's default
GAN, the same GAN with Keras's own Adam instead of the default
``keras_gan.optimizers.FusedAdam``, and the keras.io-style baseline
(tools/keras_io_baseline.py), for the paper's MNIST MLP GAN (m = 100) and the
DCGAN-28 (m = 64) at k = 1, with ``tf.profiler.experimental``. The trace (an
XSpace protobuf, viewable in TensorBoard's Profile tab with ``tensorboard
--logdir LOGDIR``) is then read back here: the time of every TensorFlow op
executed on the host's threads is summed by op type and printed per training
step, beside the step's wall time. Op times on the two cores overlap, so their
sum can exceed the wall time; the gap between the wall time and the op time of
the busiest thread is time spent outside TensorFlow kernels (Python, Keras, the
executor).

Usage: python tools/profile_step.py [--steps 30] [--logdir runs/profile]
"""

import argparse
import collections
import glob
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import benchmark  # noqa: E402
import keras  # noqa: E402
import keras_io_baseline  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.tsl.profiler.protobuf import xplane_pb2  # noqa: E402

import keras_gan  # noqa: E402
from keras_gan import data, networks  # noqa: E402


def build(name, kind, images):
    """A compiled model and its dataset: the package default or the baseline."""
    make_generator, make_discriminator, m = benchmark.MODELS[name]
    generator = make_generator(100, images.shape[1:])
    discriminator = make_discriminator(images.shape[1:])
    value_range = networks.output_range(generator)
    if kind == "keras.io baseline":
        model = keras_io_baseline.build(generator, discriminator, 100, 1)
        dataset = keras_io_baseline.dataset(data.rescale(images, value_range), m)
        return model, dataset.repeat()
    model = keras_gan.GAN(generator, discriminator, seed=0)
    if kind == "package default":
        model.compile()
    else:  # Keras's own Adam, to show what the fused update saves.
        model.compile(**benchmark.keras_adam_optimizers())
    dataset = data.from_array(images, batch_size=m, value_range=value_range, seed=0)
    return model, dataset.repeat()


KINDS = ("package default", "package, keras.optimizers.Adam", "keras.io baseline")


def profile(model, dataset, steps, logdir):
    """Profiles `steps` fit steps; returns (wall seconds, path of the trace)."""
    model.fit(dataset, steps_per_epoch=10, epochs=1, verbose=0)  # trace + warm up
    tf.profiler.experimental.start(logdir)
    start = time.perf_counter()
    model.fit(dataset, steps_per_epoch=steps, epochs=1, verbose=0)
    wall = time.perf_counter() - start
    tf.profiler.experimental.stop()
    traces = glob.glob(os.path.join(logdir, "plugins", "profile", "*", "*.xplane.pb"))
    return wall, max(traces, key=os.path.getmtime)


def op_times(trace_path):
    """Seconds per op type, and the busiest thread's op seconds, from a trace.

    TensorFlow op events are named ``op_name:OpType`` on the host plane's
    executor threads; the executor's own bookkeeping events (``A::B``) and
    the Python thread's are left out, and tf.data's threads are summed into
    one "input pipeline" row.
    """
    space = xplane_pb2.XSpace()
    with open(trace_path, "rb") as file:
        space.ParseFromString(file.read())
    by_type = collections.Counter()
    per_thread = collections.Counter()
    for plane in space.planes:
        if plane.name != "/host:CPU":
            continue
        for line in plane.lines:
            if line.name.startswith("tf_data"):
                by_type["input pipeline"] += _root_seconds(plane, line)
                continue
            if line.name == "python":
                continue
            for event in line.events:
                op_name = plane.event_metadata[event.metadata_id].name
                if "::" in op_name or ":" not in op_name:
                    continue
                seconds = event.duration_ps * 1e-12
                by_type[category(op_name)] += seconds
                per_thread[line.id] += seconds
    return by_type, max(per_thread.values(), default=0.0)


def _root_seconds(plane, line):
    """Time of a tf.data thread's outermost iterator events (no nested ones)."""
    return 1e-12 * sum(
        event.duration_ps
        for event in line.events
        if plane.event_metadata[event.metadata_id].name == "Iterator::Root"
    )


def category(op_name):
    """A row of the report: the optimizer update, or pass and op family.

    Keras names ops by scope: the optimizer's ops live under ``adam/`` and
    gradient ops under ``gradient_tape/``. oneDNN and grappler rename the
    same products (``_FusedMatMul``, ``_MklNativeConv2D``, ...), hence the
    substring rules.
    """
    scope, op_type = op_name.rsplit(":", 1)
    if "/adam" in scope.lower() or op_type == "ResourceApplyAdam":
        return "optimizer update"
    if "MatMul" in op_type:
        op_type = "matmul"
    elif "Conv2D" in op_type:
        op_type = "convolution"
    return ("backward " if "gradient_tape/" in scope else "forward ") + op_type


def report(label, steps, wall, by_type, busiest, top):
    total = sum(by_type.values())
    print(
        f"\n{label}: {1e3 * wall / steps:.1f} ms/step wall, "
        f"{1e3 * total / steps:.1f} ms/step in TF ops (both threads), "
        f"busiest thread {1e3 * busiest / steps:.1f} ms/step"
    )
    print(f"  {'op type':<28}{'ms/step':>9}{'share':>8}")
    for op_type, seconds in by_type.most_common(top):
        print(f"  {op_type:<28}{1e3 * seconds / steps:>9.2f}{seconds / total:>8.0%}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--models", default="paper MLP,DCGAN-28")
    parser.add_argument("--mnist", default="../shared/data/mnist.npz")
    parser.add_argument("--logdir", default="runs/profile")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    images, _ = data.load_arrays(args.mnist)
    for name in args.models.split(","):
        for kind in KINDS:
            keras.utils.set_random_seed(0)
            model, dataset = build(name, kind, images[:10_000])
            logdir = os.path.join(args.logdir, f"{name} {kind}".replace(" ", "_"))
            wall, trace = profile(model, dataset, args.steps, logdir)
            by_type, busiest = op_times(trace)
            report(f"{name}, {kind}", args.steps, wall, by_type, busiest, args.top)


if __name__ == "__main__":
    main()

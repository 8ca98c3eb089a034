"""Training speed with and without the monitoring of ``keras-gan train``.

Measures steps per second of ``GAN.fit`` in three setups on the same data
and networks:

- ``none``: no callbacks at all;
- ``default``: what ``keras-gan train`` adds by default (TensorBoard epoch
  scalars, a sample grid to TensorBoard and PNG every epoch, TerminateOnNaN,
  and a whole-state backup every 500 steps and at every epoch end);
- ``all``: the default plus every opt-in monitor (gradient norms, batch
  scalars every 100 steps, logit histograms and the collapse monitor every
  epoch).

Each setup gets its own GAN and one warm-up epoch (tracing), then the timed
epochs; setups alternate over ``--repeats`` rounds. Reported: the best wall
clock rate (the least disturbed round, for a shared machine) and the rate
per CPU second of this process (all threads), which other load barely moves.

    nice -n 5 python tools/monitoring_overhead.py --dataset digits --epochs 20
    nice -n 5 python tools/monitoring_overhead.py \\
        --dataset /work/shared/data/mnist.npz --epochs 1
"""

import argparse
import os
import statistics
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_gan import callbacks, data, networks  # noqa: E402
from keras_gan.training import resume


def make_setup(name, images, args, folder):
    """A compiled GAN and a function returning fresh callbacks for one fit."""
    gan = networks.build_gan(images.shape[1:], width=args.width, seed=0)
    gan.compile(track_gradient_norms=name == "all")
    per_epoch = len(images) // args.batch_size
    options = dict(png_dir=folder)
    if name == "all":
        options.update(
            log_every_steps=100, histograms_every_epochs=1, collapse_threshold=0.1
        )

    def hooks():
        if name == "none":
            return []
        return [
            callbacks.TerminateOnNaN(),
            *callbacks.monitoring_callbacks(
                images, os.path.join(folder, "logs"), **options
            ),
            resume.TrainingBackup(
                os.path.join(folder, "backup.npz"),
                steps_per_epoch=per_epoch,
                every_steps=500,
            ),
        ]

    return gan, hooks


def steps_per_second(gan, hooks, images, args, epochs):
    """Times ``fit`` over ``epochs`` epochs of the pipeline ``train`` uses."""
    batches = data.epoch_batches(
        images, step_batch_size=args.batch_size, seed=0, start_epoch=0,
        end_epoch=epochs,
    )  # fmt: skip
    per_epoch = len(images) // args.batch_size
    wall, cpu = time.perf_counter(), time.process_time()
    gan.fit(batches, epochs=epochs, steps_per_epoch=per_epoch, callbacks=hooks(),
            shuffle=False, verbose=0)  # fmt: skip
    if gan.stop_training:
        raise RuntimeError("Training stopped early (NaN loss?); the timing is void.")
    steps = epochs * per_epoch
    return steps / (time.perf_counter() - wall), steps / (time.process_time() - cpu)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="digits")
    parser.add_argument("--epochs", type=int, default=10, help="timed epochs")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--width", type=int, default=64)
    args = parser.parse_args()
    keras.utils.set_random_seed(0)
    images, _ = data.load_arrays(args.dataset)
    scaled = images * np.float32(2.0) - np.float32(1.0)  # tanh range of DCGAN
    names = ("none", "default", "all")
    results = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as folder:
        setups = {}
        for name in names:
            setups[name] = make_setup(name, scaled, args, os.path.join(folder, name))
            steps_per_second(*setups[name], images=scaled, args=args, epochs=1)
        for _ in range(args.repeats):
            for name in names:
                rate = steps_per_second(*setups[name], scaled, args, args.epochs)
                results[name].append(rate)
    per_epoch = len(scaled) // args.batch_size
    print(
        f"dataset={args.dataset} images={len(scaled)} steps/epoch={per_epoch} "
        f"width={args.width} timed epochs={args.epochs} repeats={args.repeats}"
    )
    for index, unit in ((0, "steps/s, best round"), (1, "steps per CPU-s, median")):
        pick = max if index == 0 else statistics.median
        baseline = pick(rates[index] for rates in results["none"])
        print(f"{unit}:")
        for name in names:
            rate = pick(rates[index] for rates in results[name])
            added = per_epoch / rate - per_epoch / baseline
            print(
                f"{name:>9}: {rate:7.1f}  overhead "
                f"{100 * (baseline / rate - 1):+5.1f}%  {added:+.3f} s/epoch"
            )


if __name__ == "__main__":
    main()

"""TensorFlow's speed per process start, for several runtime settings.

The default TensorFlow ``fit`` of the DCGAN-28 has run at one of two speeds
per process start on this machine (issue 18: 2 of 6 starts at 10.7 steps/s,
4 at 19.7-22.3). This starts a fresh process per measurement, interleaving
the settings start by start, and prints each start's steps/s, so a setting
that removes the slow mode shows as a tight min-max.

Each start builds the package's DCGAN-28 (m = 64, k = 1, ``gan.compile()``
defaults), runs a warm-up ``fit`` (tracing and compiling), then times
``--steps`` steps of ``fit`` on random 28x28 images (speed does not depend on
pixel values; no data set needed).

Settings: ``default``, ``inter_op_1`` (TF_NUM_INTEROP_THREADS=1, what
``execution.make_reproducible`` sets), ``intra_op_1``, ``onednn_off``,
``mixed_bfloat16`` (the Keras dtype policy) and ``mixed_bfloat16_inter_op_1``.

Usage: python tools/start_speeds.py [--starts 6] [--steps 220]
           [--settings default,inter_op_1,mixed_bfloat16]
"""

import argparse
import json
import os
import subprocess
import sys
import time

# name: (environment, Keras dtype policy)
SETTINGS = {
    "default": ({}, "float32"),
    "inter_op_1": ({"TF_NUM_INTEROP_THREADS": "1"}, "float32"),
    "intra_op_1": ({"TF_NUM_INTRAOP_THREADS": "1"}, "float32"),
    "onednn_off": ({"TF_ENABLE_ONEDNN_OPTS": "0"}, "float32"),
    "mixed_bfloat16": ({}, "mixed_bfloat16"),
    "mixed_bfloat16_inter_op_1": ({"TF_NUM_INTEROP_THREADS": "1"}, "mixed_bfloat16"),
}


def measure(steps, precision="float32"):
    """One start's steps/s and steps per CPU-second (run in a child process)."""
    import keras
    import numpy as np

    from keras_gan import GAN, data, networks

    keras.mixed_precision.set_dtype_policy(precision)
    gan = GAN(
        networks.dcgan_generator(100, (28, 28, 1)),
        networks.dcgan_discriminator((28, 28, 1)),
        seed=0,
    )
    gan.compile()
    images = np.random.default_rng(0).uniform(0, 1, (64 * max(steps, 20), 28, 28, 1))
    batches = data.from_array(images, batch_size=64, value_range=(-1, 1), seed=0)
    gan.fit(batches, epochs=1, steps_per_epoch=20, verbose=0)  # warm-up
    wall, cpu = time.perf_counter(), time.process_time()
    gan.fit(batches, epochs=1, steps_per_epoch=steps, verbose=0)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"steps_per_s": steps / wall, "steps_per_cpu_s": steps / cpu}


def start(setting, steps):
    variables, precision = SETTINGS[setting]
    environment = {
        **os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3",
        **variables,
    }  # fmt: skip
    result = subprocess.run(
        [sys.executable, __file__, "--child", "--steps", str(steps),
         "--precision", precision],
        env=environment, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=6)
    parser.add_argument("--steps", type=int, default=220)
    parser.add_argument("--settings", default="default,inter_op_1")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--precision", default="float32", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.steps, args.precision)))
        return
    settings = args.settings.split(",")
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        parser.error(f"--settings: unknown {unknown}; expected from {list(SETTINGS)}")
    speeds = {setting: [] for setting in settings}
    for index in range(args.starts):
        for setting in settings:  # interleaved, so drift hits every setting
            speeds[setting].append(start(setting, args.steps))
            print(f"start {index + 1} {setting}: {speeds[setting][-1]}", flush=True)
    for setting, runs in speeds.items():
        rates = sorted(round(run["steps_per_s"], 1) for run in runs)
        cpu = sorted(round(run["steps_per_cpu_s"], 1) for run in runs)
        print(f"{setting}: steps/s {rates}  steps/CPU-s {cpu}")


if __name__ == "__main__":
    main()

"""GPU check: trains the paper MLP GAN and the DCGAN-28 on each available Keras backend.

For each backend (``--backends``, default: each of jax, torch and tensorflow
that imports here), in its own subprocess with ``KERAS_BACKEND`` set, builds
``keras_gan.networks.build_gan`` for 28x28x1 images (network ``paper``,
m = 100, and ``dcgan``, m = 64; k = 1), ``gan.compile()`` with the defaults,
and ``gan.fit`` on ``keras_gan.data.from_array`` of uniform-noise images for
``--steps`` timed steps after one untimed first step (tracing / compiling).
Prints one line per result, ``GPU_CHECK {json}``: backend, model, steps/s,
final ``d_loss`` / ``g_loss``, the devices the backend sees, and the device
the networks' variables live on after training (jax: ``value.devices()``;
torch: ``value.device``; tensorflow: ``value.device``); then a summary.

Exit status: 0 when at least one backend trained on a GPU and none failed;
1 when no backend's variables were on a GPU (0 with ``--allow-cpu``, for smoke
tests on a CPU machine); 2 when a backend that was tried failed (an error, a
timeout, or a non-finite loss), even if another ran on the GPU. A backend
that is not installed is skipped unless named in ``--backends``.

Needs only numpy, ``keras``, this package (``keras_gan``, from the working
tree) and JAX and/or PyTorch (or TensorFlow): no TensorFlow, no downloads.

Running it on the GPU machine (the ``run`` device tool: it copies this
working tree, has JAX and PyTorch with CUDA, no TensorFlow, no internet, and
python3 is Python 3.12). Keras and the two of its requirements that the
machine's image lacks (namex and optree; absl-py, h5py, ml-dtypes, numpy,
packaging and rich are there) travel as wheels in ``.whl/``. Once, here::

    bash tools/gpu_check.sh wheels     # pip download into .whl/, git-ignored

(keras==<the version installed here>, namex, optree, for CPython 3.12 on
manylinux x86-64; ``/.whl/`` is added to ``.git/info/exclude``). Then run,
with the device tool, ``carry`` = ``[".whl"]`` and the command::

    bash tools/gpu_check.sh run --steps 50

which installs the wheels with ``pip install --no-index --no-deps --target
/tmp/site .whl/*.whl`` (only if ``import keras`` fails there), puts
``/tmp/site`` and the repository root on ``PYTHONPATH`` (no ``pip install``
of the package itself, whose requirements name TensorFlow), and runs this
script under ``timeout`` (``GPU_CHECK_TIMEOUT`` seconds, default 480; each
backend ``GPU_CHECK_BACKEND_TIMEOUT``, default 210), its
log also written to ``$OUT/gpu_check.log`` and its results to
``$OUT/gpu_check.json``. Expect about a minute per backend, mostly start-up
and compilation. Here, on a CPU::

    python tools/gpu_check.py --allow-cpu --steps 2 --backends tensorflow
"""

import argparse
import importlib.util
import json
import math
import os
import subprocess
import sys
import time

ALL_BACKENDS = ("jax", "torch", "tensorflow")
MODELS = {"paper": ("paper MLP", 100), "dcgan": ("DCGAN-28", 64)}
MARK = "GPU_CHECK "
IMAGE_SHAPE = (28, 28, 1)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--backends",
        default="auto",
        help="comma-separated: jax,torch,tensorflow; 'auto' (default): those "
        "installed here",
    )
    parser.add_argument("--models", default="paper,dcgan", help="paper,dcgan")
    parser.add_argument("--steps", type=int, default=50, help="timed steps per model")
    parser.add_argument(
        "--allow-cpu", action="store_true", help="exit 0 even if no GPU was used"
    )
    parser.add_argument(
        "--timeout", type=float, default=900, help="seconds per backend subprocess"
    )
    parser.add_argument("--json", default=None, help="also write the results here")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.steps < 1:
        parser.error("--steps must be >= 1")
    models = [name.strip() for name in args.models.split(",") if name.strip()]
    unknown = [name for name in models if name not in MODELS]
    if unknown or not models:
        parser.error(f"--models: unknown {unknown}; expected paper and/or dcgan")
    args.models = models
    if args.backends == "auto":
        args.backends, args.explicit = installed_backends(), False
    else:
        names = [name.strip() for name in args.backends.split(",") if name.strip()]
        unknown = [name for name in names if name not in ALL_BACKENDS]
        if unknown or not names:
            parser.error(f"--backends: unknown {unknown}; expected {ALL_BACKENDS}")
        args.backends, args.explicit = list(dict.fromkeys(names)), True
    return args


def installed_backends():
    return [name for name in ALL_BACKENDS if importlib.util.find_spec(name)]


def main(argv=None):
    args = parse_args(argv)
    if args.child:
        return child(args)
    results, failures = [], []
    if not args.backends:
        failures.append({"backend": None, "error": "none of jax, torch, tensorflow"})
    for backend in args.backends:
        backend_results, error = run_backend(backend, args)
        results += backend_results
        if error:
            failures.append({"backend": backend, "error": error})
    on_gpu = sorted({r["backend"] for r in results if r.get("gpu")})
    summary = {"gpu_backends": on_gpu, "failures": failures}
    print_summary(results, failures, on_gpu)
    if args.json:
        with open(args.json, "w") as file:
            json.dump({"results": results, **summary}, file, indent=1)
    if not on_gpu and not args.allow_cpu:
        print("FAIL: no backend trained on a GPU.", flush=True)
        return 1
    if failures:
        print(f"FAIL: {len(failures)} backend(s) failed.", flush=True)
        return 2
    print("OK" + ("" if on_gpu else " (CPU only, --allow-cpu)"), flush=True)
    return 0


def run_backend(backend, args):
    """Runs one backend's child; returns ``(results, error or None)``."""
    env = dict(os.environ, KERAS_BACKEND=backend, PYTHONUNBUFFERED="1")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join(
        [root] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    )
    command = [sys.executable, os.path.abspath(__file__), "--child", backend]
    command += ["--steps", str(args.steps), "--models", ",".join(args.models)]
    print(f"--- {backend}: {' '.join(command[1:])}", flush=True)
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=args.timeout
        )
    except subprocess.TimeoutExpired as expired:
        _echo(expired.stdout, expired.stderr)
        return [], f"timed out after {args.timeout:.0f} s"
    _echo(done.stdout, "" if done.returncode == 0 else done.stderr)
    results, error = [], None
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            record = json.loads(line[len(MARK) :])
            if record.get("error"):
                model = f"{record['model']}: " if "model" in record else ""
                error = (
                    f"{error}; {model}{record['error']}"
                    if error
                    else (model + record["error"])
                )
            elif "model" in record:
                results.append(record)
    if done.returncode and error is None:
        error = f"exited with status {done.returncode}"
    print(f"--- {backend}: {time.perf_counter() - start:.0f} s", flush=True)
    return results, error


def _echo(stdout, stderr):
    stdout = stdout.decode() if isinstance(stdout, bytes) else stdout or ""
    stderr = stderr.decode() if isinstance(stderr, bytes) else stderr or ""
    if stdout:
        print(stdout, end="" if stdout.endswith("\n") else "\n", flush=True)
    if stderr.strip():
        print("stderr (last 40 lines):", flush=True)
        print("\n".join(stderr.strip().splitlines()[-40:]), flush=True)


def print_summary(results, failures, on_gpu):
    print("\nSummary:")
    print("| backend | model | variables on | GPU | steps/s | d_loss | g_loss |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['backend']} | {r['model']} | {r['variable_device']} | "
            f"{'yes' if r['gpu'] else 'no'} | {r['steps_per_s']:.1f} | "
            f"{r['d_loss']:.3f} | {r['g_loss']:.3f} |"
        )
    for failure in failures:
        print(f"FAILED {failure['backend']}: {failure['error']}")
    print(f"Backends that trained on a GPU: {', '.join(on_gpu) or 'none'}", flush=True)


# --- The child: one backend ---


def emit(record):
    print(MARK + json.dumps(record), flush=True)


def backend_devices(backend):
    """``(description of what the backend sees, GPU available?)``."""
    if backend == "jax":
        import jax

        devices = jax.devices()
        names = [f"{d.platform}:{d.id} {d.device_kind}" for d in devices]
        return {"jax": jax.__version__, "devices": names}, any(
            d.platform in ("gpu", "cuda", "rocm") for d in devices
        )
    if backend == "torch":
        import torch

        info = {"torch": torch.__version__, "cuda_available": torch.cuda.is_available()}
        if torch.cuda.is_available():
            info["devices"] = [
                f"cuda:{i} {torch.cuda.get_device_name(i)}"
                for i in range(torch.cuda.device_count())
            ]
        return info, torch.cuda.is_available()
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    return {"tensorflow": tf.__version__, "devices": [g.name for g in gpus]}, bool(gpus)


def variable_device(backend, variable):
    """``(where a Keras variable's value lives, on a GPU?)``."""
    value = variable.value
    if backend == "jax":
        devices = sorted(f"{d.platform}:{d.id}" for d in value.devices())
        gpu = any(not name.startswith("cpu") for name in devices)
        return ",".join(devices), gpu
    if backend == "torch":
        return str(value.device), value.device.type == "cuda"
    return value.device, "GPU" in value.device.upper()


def train(backend, network, m, steps):
    import keras
    import numpy as np

    from keras_gan import data, networks

    class Clock(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.ends = []

        def on_train_batch_end(self, batch, logs=None):
            self.ends.append(time.perf_counter())

    start = time.perf_counter()
    gan = networks.build_gan(IMAGE_SHAPE, network=network, seed=0)
    gan.compile()
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 1, (m * (steps + 1), *IMAGE_SHAPE)).astype("float32")
    dataset = data.from_array(
        images,
        batch_size=m,
        value_range=networks.output_range(gan.generator),
        seed=0,
    )
    clock = Clock()
    history = gan.fit(
        dataset, epochs=1, steps_per_epoch=steps + 1, verbose=0, callbacks=[clock]
    )
    variables = gan.generator.trainable_variables
    variables += gan.discriminator.trainable_variables
    keras.ops.convert_to_numpy(variables[0].value)  # waits for the work
    elapsed = time.perf_counter() - clock.ends[0]
    places = {variable_device(backend, v) for v in variables}
    return {
        "steps": steps,
        "steps_per_s": steps / elapsed,
        "d_loss": float(history.history["d_loss"][-1]),
        "g_loss": float(history.history["g_loss"][-1]),
        "variable_device": ";".join(sorted(p for p, _ in places)),
        "gpu": all(gpu for _, gpu in places),
        "seconds_total": time.perf_counter() - start,
    }


def child(args):
    backend = args.child
    try:
        import keras

        if keras.backend.backend() != backend:
            raise RuntimeError(f"Keras runs {keras.backend.backend()}, not {backend}")
        info, has_gpu = backend_devices(backend)
        import keras_gan  # noqa: F401

        emit({"backend": backend, "keras": keras.__version__, **info, "gpu": has_gpu})
    except Exception as error:
        emit({"backend": backend, "error": f"{type(error).__name__}: {error}"})
        raise
    failed = False
    for network in args.models:
        name, m = MODELS[network]
        record = {"backend": backend, "model": name, "m": m}
        try:
            record.update(train(backend, network, m, args.steps))
        except Exception as error:
            emit({**record, "error": f"{type(error).__name__}: {error}"})
            failed = True
            continue
        if not (math.isfinite(record["d_loss"]) and math.isfinite(record["g_loss"])):
            record["error"] = "non-finite loss"
            failed = True
        emit(record)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

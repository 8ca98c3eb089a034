"""Training throughput of keras_gan on this machine, on one or several Keras backends.

Two modes:

``python tools/benchmark.py [--rounds 2] [--mnist ...] [--precision ...]``
    The TensorFlow configuration study (``tools/benchmark_tf.py``, unchanged):
    the package's default ``fit`` against a keras.io-style ``train_step``
    (``tools/keras_io_baseline.py``), XLA on/off, ``steps_per_execution``,
    the tf.data cache/prefetch and Keras's Adam, at k = 1 and 5, with FLOP
    rates. One process, TensorFlow only.

``python tools/benchmark.py --backend tensorflow,jax,torch [--rounds 3]``
    The backend comparison. For the paper's MNIST MLP GAN (m = 100) and the
    DCGAN-28 (m = 64) at k = 1, on each named backend: the package's default
    (``keras_gan.GAN`` from the ``keras_gan.networks`` builders,
    ``gan.compile()``, ``gan.fit`` on ``keras_gan.data.from_array``) beside
    that backend's keras.io guide-style hand-written loop
    (``tools/guide_loops.py``: TF ``tf.function`` + ``GradientTape``; JAX
    ``jax.jit`` of a stateless step; torch ``backward()`` +
    ``optimizer.apply``), and a plain PyTorch eager loop (``torch.nn``
    modules of the same networks, no Keras; ``--no-plain-torch`` skips it).

    Each backend runs in its own worker process (``KERAS_BACKEND`` fixed per
    process; the plain PyTorch loop in one more), started once; the parent
    only orchestrates and imports no framework. Each configuration is built
    and warmed up (traced / compiled) on first use, then every round asks
    each configuration in turn for one timed run of ``--steps`` generator
    updates (default 60 for the MLP, 24 for the DCGAN), so the rounds
    interleave the backends. A run's rate counts the steps after its first
    one, up to when the work has finished (values read back). The table
    reports the median round (``--report best`` for the best) and names the
    fastest backend per model. Workers use the frameworks' default thread
    settings, which they print. Images: the first ``--images`` MNIST
    training digits of ``--mnist``, or uniform noise if that file is absent.

    Targets (from the issue): on each backend ``package / guide >= 1.0``;
    on each model the fastest backend's package ``fit`` at ``>= 1.0x`` the
    plain PyTorch loop.

Examples:
    python tools/benchmark.py                       # TF configuration study
    python tools/benchmark.py --backend tensorflow,jax,torch --rounds 3
        (estimated 10 minutes on the idle 2-core machine; the script warns
        when the load average says the machine is busy)
    python tools/benchmark.py --backend jax --steps 3 --rounds 1   # smoke run

``import benchmark`` still gives the TF study's names (``benchmark.MODELS``,
``benchmark.keras_adam_optimizers``; ``tools/profile_step.py`` uses them),
loaded from ``benchmark_tf`` on first use.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import traceback

BACKENDS = ("tensorflow", "jax", "torch")
PLAIN_TORCH = "plain-torch"
# Backend-comparison models: name -> (keras_gan.networks.NETWORKS key, m,
# timed steps per run: a few seconds each on two cores with TensorFlow).
COMPARISON_MODELS = {
    "paper MLP": ("paper", 100, 60),
    "DCGAN-28": ("dcgan", 64, 24),
}
LATENT_DIM = 100
IMAGE_SHAPE = (28, 28, 1)
WARMUP_STEPS = 3


def __getattr__(name):
    """``benchmark.MODELS`` and the other TF-study names, from benchmark_tf."""
    if name.startswith("__"):
        raise AttributeError(name)
    import benchmark_tf

    return getattr(benchmark_tf, name)


def parse_backends(text):
    """``"tensorflow,jax"`` -> ``("tensorflow", "jax")``; ``"all"`` -> all three."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    if names == ["all"]:
        return BACKENDS
    aliases = {"tf": "tensorflow", "pytorch": "torch"}
    names = [aliases.get(name, name) for name in names]
    unknown = [name for name in names if name not in BACKENDS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown backend(s) {unknown or text!r}: expected a comma-separated "
            f"list of {', '.join(BACKENDS)} (or 'all')"
        )
    return tuple(dict.fromkeys(names))  # in order, without repeats


def parse_models(text):
    names = [name.strip() for name in text.split(",") if name.strip()]
    by_key = {key.lower(): name for name, (key, _, _) in COMPARISON_MODELS.items()}
    by_key.update({name.lower(): name for name in COMPARISON_MODELS})
    by_key.update({"mlp": "paper MLP", "dcgan-28": "DCGAN-28"})
    try:
        return tuple(dict.fromkeys(by_key[name.lower()] for name in names))
    except KeyError as error:
        raise argparse.ArgumentTypeError(
            f"unknown model {error.args[0]!r}: expected paper and/or dcgan"
        ) from None


def build_parser():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="See the module docstring (tools/benchmark.py) for both modes.",
    )
    parser.add_argument(
        "--backend",
        type=parse_backends,
        default=None,
        help="comma-separated Keras backends to compare (tensorflow,jax,torch or "
        "'all'); without it, the TensorFlow configuration study runs",
    )
    parser.add_argument(
        "--rounds", type=int, default=None, help="default 2 (TF study), 3 (--backend)"
    )
    parser.add_argument("--mnist", default="../shared/data/mnist.npz")
    parser.add_argument("--images", type=int, default=10000, help="training subset")
    parser.add_argument(
        "--precision", default="float32", help="Keras dtype policy (TF study only)"
    )
    comparison = parser.add_argument_group("backend comparison (--backend)")
    comparison.add_argument(
        "--models",
        type=parse_models,
        default=tuple(COMPARISON_MODELS),
        help="comma-separated: paper,dcgan (default both)",
    )
    comparison.add_argument(
        "--steps",
        type=int,
        default=None,
        help="timed steps per run (default 60 for the MLP, 24 for the DCGAN)",
    )
    comparison.add_argument(
        "--report", choices=("median", "best"), default="median", help="which round"
    )
    comparison.add_argument(
        "--no-plain-torch", action="store_true", help="skip the plain PyTorch loop"
    )
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    return parser


def parse_args(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.worker is None and args.backend is None:
        for name in ("steps", "report", "no_plain_torch"):
            if getattr(args, name) != parser.get_default(name):
                parser.error(f"--{name.replace('_', '-')} needs --backend")
        if args.models != parser.get_default("models"):
            parser.error("--models needs --backend")
    if args.backend is not None and args.precision != "float32":
        parser.error("--precision applies to the TF study only (no --backend)")
    if args.steps is not None and args.steps < 2:
        parser.error("--steps must be >= 2 (the first step of a run is not timed)")
    if args.rounds is None:
        args.rounds = 2 if args.backend is None else 3
    if args.rounds < 1:
        parser.error("--rounds must be >= 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.worker is not None:
        return serve(args)
    if args.backend is None:
        import benchmark_tf

        return benchmark_tf.main(args)
    return compare_backends(args)


# --- The parent: starts one worker per backend, interleaves the rounds ---


class WorkerProcess:
    """A worker subprocess; one JSON request and reply per line."""

    def __init__(self, name, args):
        self.name = name
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
        if name in BACKENDS:
            env["KERAS_BACKEND"] = name
        command = [sys.executable, os.path.abspath(__file__), "--worker", name]
        command += ["--mnist", args.mnist, "--images", str(args.images)]
        self.process = subprocess.Popen(
            command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.info = None

    def read(self):
        line = self.process.stdout.readline()
        if not line:
            code = self.process.wait()
            return {"error": f"worker exited (code {code}); see its stderr above"}
        return json.loads(line)

    def hello(self):
        self.info = self.read()
        return self.info

    def ask(self, **request):
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            return {"error": "worker is gone"}
        return self.read()

    def close(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.write(json.dumps({"quit": True}) + "\n")
                self.process.stdin.close()
                self.process.wait(timeout=60)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()


def kinds_of(name):
    return ("plain",) if name == PLAIN_TORCH else ("package", "guide")


def compare_backends(args):
    names = list(args.backend) + ([] if args.no_plain_torch else [PLAIN_TORCH])
    print(machine_load(), flush=True)
    workers = {name: WorkerProcess(name, args) for name in names}
    try:
        available = []
        for name, worker in workers.items():
            info = worker.hello()
            if "error" in info:
                print(f"{name}: UNAVAILABLE: {info['error']}", flush=True)
            else:
                available.append(name)
                print(f"{name}: {describe(info)}", flush=True)
        results, errors = run_rounds(args, workers, available)
    finally:
        for worker in workers.values():
            worker.close()
    print_comparison(args, results, errors, names, available)
    return 0


def machine_load():
    """One line: CPU count and load; warns when the machine is not idle."""
    cpus = os.cpu_count()
    if not hasattr(os, "getloadavg"):
        return f"machine: {cpus} CPUs"
    load = os.getloadavg()[0]
    line = f"machine: {cpus} CPUs, 1-minute load average {load:.2f}"
    if load > 0.5:
        line += (
            " -- NOT IDLE: other processes compete for the cores, and "
            "multi-threaded frameworks (PyTorch's OpenMP above all) slow down "
            "far more than their share; rerun on an idle machine"
        )
    return line


def describe(info):
    versions = ", ".join(f"{k} {v}" for k, v in info.get("versions", {}).items())
    threads = ", ".join(f"{k}={v}" for k, v in info.get("threads", {}).items())
    device = info.get("device")
    return f"{versions}; device {device}; threads: {threads}; {info['data']}"


def run_rounds(args, workers, available):
    results, errors = {}, {}
    for round_index in range(args.rounds):
        for model in args.models:
            steps = args.steps or COMPARISON_MODELS[model][2]
            for name in available:
                for kind in kinds_of(name):
                    key = (model, name, kind)
                    if key in errors:
                        continue
                    reply = workers[name].ask(kind=kind, model=model, steps=steps)
                    label = f"round {round_index + 1}: {model} {name} {kind}"
                    if "error" in reply:
                        errors[key] = reply["error"]
                        print(f"{label}: ERROR {reply['error']}", flush=True)
                        continue
                    results.setdefault(key, []).append(reply["steps_per_s"])
                    print(
                        f"{label}: {reply['steps_per_s']:.2f} steps/s "
                        f"(d_loss {reply['d_loss']:.3f}, g_loss {reply['g_loss']:.3f})",
                        flush=True,
                    )
    return results, errors


def pick(rates, report):
    if not rates:
        return float("nan")
    return max(rates) if report == "best" else statistics.median(rates)


def _cell(value):
    return "—" if value != value else f"{value:.2f}"  # NaN -> dash


def _ratio(a, b):
    return "—" if a != a or b != b or not b else f"{a / b:.2f}x"


def print_comparison(args, results, errors, names, available):
    print(
        f"\nSteps/s (generator updates per second), k = 1, {args.report} of "
        f"{args.rounds} round(s); guide = each backend's keras.io-style loop "
        "(tools/guide_loops.py); plain PyTorch = torch.nn eager loop, no Keras.\n"
    )
    print(
        "| model | backend | package fit steps/s | guide loop steps/s | "
        "package / guide | plain PyTorch steps/s | package / plain PyTorch |"
    )
    print("|---|---|---|---|---|---|---|")
    fastest = {}
    for model in args.models:
        plain = pick(results.get((model, PLAIN_TORCH, "plain"), []), args.report)
        for name in names:
            if name == PLAIN_TORCH:
                continue
            package = pick(results.get((model, name, "package"), []), args.report)
            guide = pick(results.get((model, name, "guide"), []), args.report)
            if package == package and package > fastest.get(model, (None, -1.0))[1]:
                fastest[model] = (name, package)
            state = "" if name in available else " (unavailable)"
            cells = [_cell(package), _cell(guide), _ratio(package, guide)]
            cells += [_cell(plain), _ratio(package, plain)]
            print(f"| {model} | {name}{state} | " + " | ".join(cells) + " |")
    print()
    for model in args.models:
        plain = pick(results.get((model, PLAIN_TORCH, "plain"), []), args.report)
        if model in fastest:
            name, rate = fastest[model]
            print(
                f"Fastest backend for the {model}: {name} ({rate:.2f} steps/s, "
                f"{_ratio(rate, plain)} the plain PyTorch loop)"
            )
        else:
            print(f"Fastest backend for the {model}: none measured")
    spreads = [
        (max(rates) - min(rates)) / max(rates)
        for rates in results.values()
        if len(rates) > 1 and max(rates) > 0
    ]
    if spreads:
        print(
            f"Round-to-round spread: up to {100 * max(spreads):.0f}% of a "
            "configuration's best round."
        )
    for (model, name, kind), error in errors.items():
        print(f"Not measured: {model} {name} {kind}: {error}")
    for name in names:
        if name not in available:
            print(f"Not measured: {name} (worker unavailable; see above)")


# --- A worker: one backend (or plain PyTorch) in its own process ---


def serve(args):
    """Answers measurement requests on stdin, one JSON line each on stdout."""
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever the frameworks print goes to stderr
    try:
        worker = Worker(args.worker, args.mnist, args.images)
        replies.write(json.dumps(worker.describe()) + "\n")
    except Exception as error:  # reported to the parent, which goes on without it
        traceback.print_exc()
        replies.write(json.dumps({"error": _short(error)}) + "\n")
        return 1
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("quit"):
            break
        try:
            reply = worker.measure(request["kind"], request["model"], request["steps"])
        except Exception as error:
            traceback.print_exc()
            reply = {"error": _short(error)}
        replies.write(json.dumps(reply) + "\n")
    return 0


def _short(error):
    text = f"{type(error).__name__}: {error}"
    return text if len(text) < 300 else text[:300] + "..."


def load_images(path, count):
    """``(images, description)``: MNIST digits in [0, 1], NHWC, or uniform noise."""
    import numpy as np

    if os.path.exists(path):
        with np.load(path) as arrays:
            digits = arrays["x_train"][:count]
        images = (digits.astype("float32") / 255.0)[..., None]
        return images, f"data: {len(images)} MNIST digits from {path}"
    rng = np.random.default_rng(0)
    images = rng.uniform(0.0, 1.0, (count, *IMAGE_SHAPE)).astype("float32")
    return images, f"data: {count} uniform-noise images ({path} not found)"


def _rescale(images, value_range):
    low, high = value_range
    return images * (high - low) + low


class Worker:
    def __init__(self, name, mnist, count):
        self.name = name
        self.images, self.data = load_images(mnist, count)
        self.runners = {}
        if name == PLAIN_TORCH:
            import torch  # noqa: F401

            return
        import keras

        if keras.backend.backend() != name:
            raise RuntimeError(
                f"KERAS_BACKEND={name} was asked, Keras runs {keras.backend.backend()}"
            )
        import keras_gan  # noqa: F401  (fails here, not mid-round, if it cannot)

    def describe(self):
        info = {"backend": self.name, "data": self.data, "versions": {}}
        threads = {"cpu_count": os.cpu_count()}
        if hasattr(os, "sched_getaffinity"):
            threads["affinity"] = len(os.sched_getaffinity(0))
        for variable in (
            "OMP_NUM_THREADS",
            "MKL_NUM_THREADS",
            "TF_NUM_INTRAOP_THREADS",
            "TF_NUM_INTEROP_THREADS",
            "XLA_FLAGS",
        ):
            if variable in os.environ:
                threads[variable] = os.environ[variable]
        versions = info["versions"]
        if self.name != PLAIN_TORCH:
            import keras

            versions["keras"] = keras.__version__
        if self.name == "tensorflow":
            import tensorflow as tf

            versions["tensorflow"] = tf.__version__
            intra = tf.config.threading.get_intra_op_parallelism_threads()
            inter = tf.config.threading.get_inter_op_parallelism_threads()
            threads["tf_intra_op"] = intra or "default (all cores)"
            threads["tf_inter_op"] = inter or "default"
            gpus = tf.config.list_physical_devices("GPU")
            info["device"] = "gpu" if gpus else "cpu"
        elif self.name == "jax":
            import jax

            versions["jax"] = jax.__version__
            info["device"] = ", ".join(sorted({d.platform for d in jax.devices()}))
            threads["xla_cpu"] = "default (all cores)"
        else:
            import torch

            versions["torch"] = torch.__version__
            threads["torch_intra_op"] = torch.get_num_threads()
            threads["torch_inter_op"] = torch.get_num_interop_threads()
            info["device"] = "cuda" if torch.cuda.is_available() else "cpu"
        info["threads"] = threads
        return info

    def measure(self, kind, model, steps):
        key = (kind, model)
        if key not in self.runners:
            runner = self.make_runner(kind, model)
            runner.measure(WARMUP_STEPS)  # traces / compiles; not reported
            self.runners[key] = runner
        rate, (d_loss, g_loss) = self.runners[key].measure(steps)
        return {"steps_per_s": rate, "d_loss": d_loss, "g_loss": g_loss}

    def make_runner(self, kind, model):
        network, m, _ = COMPARISON_MODELS[model]
        if kind == "package":
            return PackageRunner(self.images, network, m)
        if kind == "guide":
            import guide_loops

            from keras_gan import networks

            make_generator, make_discriminator = networks.NETWORKS[network]
            generator = make_generator(LATENT_DIM, IMAGE_SHAPE)
            loop = guide_loops.make_loop(
                generator, make_discriminator(IMAGE_SHAPE), latent_dim=LATENT_DIM
            )
            images = _rescale(self.images, networks.output_range(generator))
            return LoopRunner(loop, guide_loops.Batches(images, m))
        if kind == "plain":
            import guide_loops

            value_range = (0.0, 1.0) if network == "paper" else (-1.0, 1.0)
            images = _rescale(self.images, value_range).transpose(0, 3, 1, 2).copy()
            loop = guide_loops.PlainTorchLoop(
                *guide_loops.plain_torch_networks(network, LATENT_DIM, IMAGE_SHAPE),
                latent_dim=LATENT_DIM,
            )
            return LoopRunner(loop, guide_loops.Batches(images, m))
        raise ValueError(f"unknown kind {kind!r}")


class LoopRunner:
    """Times a hand-written loop: the steps after the first, until synced."""

    def __init__(self, loop, batches):
        self.loop, self.batches = loop, batches

    def measure(self, steps):
        self.loop.step(next(self.batches))
        self.loop.sync()
        start = time.perf_counter()
        for _ in range(steps - 1):
            self.loop.step(next(self.batches))
        losses = self.loop.sync()
        return (steps - 1) / (time.perf_counter() - start), losses


class PackageRunner:
    """Times a whole ``gan.fit`` call of ``steps`` steps, until the weights are read."""

    def __init__(self, images, network, m):

        import keras_gan
        from keras_gan import data, networks

        make_generator, make_discriminator = networks.NETWORKS[network]
        self.gan = keras_gan.GAN(
            make_generator(LATENT_DIM, IMAGE_SHAPE),
            make_discriminator(IMAGE_SHAPE),
            discriminator_steps=1,
            seed=0,
        )
        self.gan.compile()
        dataset = data.from_array(
            images,
            batch_size=m,
            value_range=networks.output_range(self.gan.generator),
            seed=0,
        )
        if hasattr(dataset, "repeat"):  # tf.data: as many steps as asked
            dataset, self.batches = dataset.repeat(), None
        else:  # keras.utils.PyDataset (or similar): one epoch's worth at most
            self.batches = len(dataset)
        self.dataset = dataset

    def measure(self, steps):
        from keras import ops

        if self.batches is not None and steps > self.batches:
            raise ValueError(
                f"{steps} steps asked, but one epoch of the dataset has "
                f"{self.batches} batches: use more --images or fewer --steps"
            )
        # The whole fit call, as a user pays it: a per-batch timing callback
        # would make Keras wait for every step's logs, which fit alone does not.
        start = time.perf_counter()
        history = self.gan.fit(
            self.dataset, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False
        )
        ops.convert_to_numpy(self.gan.generator.trainable_variables[0].value)  # sync
        elapsed = time.perf_counter() - start
        losses = tuple(float(history.history[n][-1]) for n in ("d_loss", "g_loss"))
        return steps / elapsed, losses


if __name__ == "__main__":
    sys.exit(main())

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
import sys

from benchmark_models import BACKENDS, COMPARISON_MODELS, PLAIN_TORCH  # noqa: F401
from benchmark_parent import compare_backends, print_comparison  # noqa: F401
from benchmark_worker import serve


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


if __name__ == "__main__":
    sys.exit(main())

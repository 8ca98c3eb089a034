"""The benchmark and GPU-check tools: argument parsing, output, exit status.

No timings are checked. One test runs ``tools/gpu_check.py`` for two steps on
the running Keras backend in a subprocess; the rest import the tools (whose
top level needs only the standard library).
"""

import importlib.util
import json
import pathlib
import subprocess
import sys
import warnings

import keras
import numpy as np
import pytest

TOOLS = pathlib.Path(__file__).resolve().parents[1] / "tools"


def _load(name):
    if str(TOOLS) not in sys.path:
        sys.path.insert(0, str(TOOLS))  # the tools import their siblings
    spec = importlib.util.spec_from_file_location(
        f"_tools_{name}", TOOLS / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def benchmark():
    return _load("benchmark")


@pytest.fixture(scope="module")
def gpu_check():
    return _load("gpu_check")


def test_benchmark_backend_flag(benchmark):
    args = benchmark.parse_args(["--backend", "tensorflow,jax,torch"])
    assert args.backend == ("tensorflow", "jax", "torch")
    assert args.rounds == 3 and args.report == "median"
    assert args.models == ("paper MLP", "DCGAN-28")
    assert benchmark.parse_args(["--backend", "all"]).backend == benchmark.BACKENDS
    assert benchmark.parse_args(["--backend", "torch, jax,torch"]).backend == (
        "torch",
        "jax",
    )
    args = benchmark.parse_args(["--backend", "jax", "--steps", "3", "--models", "mlp"])
    assert (args.steps, args.models) == (3, ("paper MLP",))


def test_benchmark_without_backend_is_the_tf_study(benchmark):
    args = benchmark.parse_args([])
    assert args.backend is None and args.rounds == 2
    assert args.precision == "float32"


@pytest.mark.parametrize(
    "argv",
    [
        ["--backend", "theano"],
        ["--backend", ""],
        ["--steps", "3"],  # comparison options need --backend
        ["--backend", "jax", "--precision", "mixed_bfloat16"],
        ["--backend", "jax", "--steps", "1"],
        ["--backend", "jax", "--models", "resnet"],
    ],
)
def test_benchmark_rejects(benchmark, argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        benchmark.parse_args(argv)
    assert exit_info.value.code == 2


def test_benchmark_table(benchmark, capsys):
    args = benchmark.parse_args(["--backend", "tensorflow,jax", "--rounds", "2"])
    results = {
        ("paper MLP", "tensorflow", "package"): [10.0, 12.0],
        ("paper MLP", "tensorflow", "guide"): [8.0, 8.0],
        ("paper MLP", "jax", "package"): [20.0, 22.0],
        ("paper MLP", "jax", "guide"): [10.0, 11.0],
        ("paper MLP", "plain-torch", "plain"): [5.0, 5.0],
        ("DCGAN-28", "tensorflow", "package"): [4.0, 4.0],
    }
    errors = {("DCGAN-28", "jax", "package"): "boom"}
    names = ["tensorflow", "jax", "plain-torch"]
    benchmark.print_comparison(args, results, errors, names, names)
    out = capsys.readouterr().out
    assert "| paper MLP | tensorflow | 11.00 | 8.00 | 1.38x | 5.00 | 2.20x |" in out
    assert "| paper MLP | jax | 21.00 | 10.50 | 2.00x | 5.00 | 4.20x |" in out
    assert "| DCGAN-28 | jax | — | — | — | — | — |" in out
    assert "Fastest backend for the paper MLP: jax (21.00 steps/s, 4.20x" in out
    assert "Fastest backend for the DCGAN-28: tensorflow" in out
    assert "Not measured: DCGAN-28 jax package: boom" in out


def _numpy(variable):
    with warnings.catch_warnings():  # numpy 2 on torch Parameters' __array__
        warnings.simplefilter("ignore", DeprecationWarning)
        return keras.ops.convert_to_numpy(variable).copy()


def test_guide_loop_trains_on_the_running_backend():
    guide_loops = _load("guide_loops")
    from keras_gan import networks

    generator = networks.dcgan_generator(8, (8, 8, 1), width=4)
    discriminator = networks.dcgan_discriminator((8, 8, 1), width=4)
    before = _numpy(discriminator.trainable_variables[0])
    loop = guide_loops.make_loop(generator, discriminator, latent_dim=8)
    images = np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1))
    batches = guide_loops.Batches(images.astype("float32"), 16)
    for _ in range(2):
        loop.step(next(batches))
    d_loss, g_loss = loop.sync()
    assert np.isfinite(d_loss) and np.isfinite(g_loss)
    if keras.backend.backend() != "jax":  # the JAX loop keeps its state apart
        after = _numpy(discriminator.trainable_variables[0])
        assert not np.allclose(before, after)


def test_plain_torch_loop():
    pytest.importorskip("torch")
    plain_torch = _load("plain_torch")
    for name in ("paper", "dcgan"):
        loop = plain_torch.PlainTorchLoop(
            *plain_torch.plain_torch_networks(name, 100, (28, 28, 1), width=8)
        )
        loop.step(np.random.default_rng(0).uniform(0, 1, (4, 1, 28, 28)).astype("f4"))
        assert all(np.isfinite(loss) for loss in loop.sync())


def test_gpu_check_on_cpu():
    backend = keras.backend.backend()
    command = [sys.executable, str(TOOLS / "gpu_check.py"), "--allow-cpu"]
    command += ["--steps", "2", "--backends", backend]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    records = [
        json.loads(line[len("GPU_CHECK ") :])
        for line in done.stdout.splitlines()
        if line.startswith("GPU_CHECK ")
    ]
    assert records[0]["backend"] == backend and records[0]["gpu"] is False
    results = [r for r in records if "model" in r]
    assert [r["model"] for r in results] == ["paper MLP", "DCGAN-28"]
    for result in results:
        assert result["steps"] == 2 and result["steps_per_s"] > 0
        assert np.isfinite(result["d_loss"]) and np.isfinite(result["g_loss"])
        assert result["gpu"] is False and "cpu" in result["variable_device"].lower()
    assert "Backends that trained on a GPU: none" in done.stdout
    assert "OK (CPU only, --allow-cpu)" in done.stdout


@pytest.mark.parametrize(
    "outcome, allow_cpu, code",
    [
        ("gpu", False, 0),
        ("cpu", False, 1),
        ("cpu", True, 0),
        ("error", True, 2),
        ("gpu+error", False, 2),
    ],
)
def test_gpu_check_exit_status(gpu_check, monkeypatch, outcome, allow_cpu, code):
    def fake_run_backend(backend, args):
        if backend == "torch" and "error" in outcome:
            return [], "ImportError: no"
        result = {"backend": backend, "model": "paper MLP", "steps": 2}
        result.update(steps_per_s=1.0, d_loss=1.0, g_loss=1.0)
        result.update(gpu="gpu" in outcome, variable_device="x")
        return [result], None

    monkeypatch.setattr(gpu_check, "run_backend", fake_run_backend)
    argv = ["--backends", "jax,torch"] + (["--allow-cpu"] if allow_cpu else [])
    assert gpu_check.main(argv) == code


def test_results_table_replaces_only_its_part_of_the_page(tmp_path):
    reproduce = _load("reproduce_results")
    page = tmp_path / "results.md"
    page.write_text(
        f"# Results\n\nbefore\n\n{reproduce.TABLE_START}\n\n| old |\n\n"
        f"{reproduce.TABLE_END}\n\nafter\n"
    )
    reproduce.write_table(page, ["| new |", "|---|"])
    assert page.read_text() == (
        f"# Results\n\nbefore\n\n{reproduce.TABLE_START}\n\n| new |\n|---|\n\n"
        f"{reproduce.TABLE_END}\n\nafter\n"
    )
    bare = tmp_path / "table.md"
    reproduce.write_table(bare, ["| new |"])
    assert bare.read_text() == "| new |\n"


def test_start_speeds_times_the_dcgan_fit():
    speed = _load("start_speeds").measure(4)
    assert set(speed) == {"steps_per_s", "steps_per_cpu_s"}
    assert all(np.isfinite(value) and value > 0 for value in speed.values())


def test_start_speeds_rejects_an_unknown_setting(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["start_speeds.py", "--settings", "fast"])
    with pytest.raises(SystemExit) as stop:
        _load("start_speeds").main()
    assert stop.value.code == 2
    assert "unknown ['fast']" in capsys.readouterr().err

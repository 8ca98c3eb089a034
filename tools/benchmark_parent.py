"""The backend comparison's parent process: workers, interleaved rounds, the table.

Starts one worker process per backend (``benchmark_worker.py``, through
``benchmark.py --worker NAME``), asks each in turn for one timed run per
round, and prints the comparison. Imports no framework.
"""

import json
import os
import statistics
import subprocess
import sys

from benchmark_models import BACKENDS, COMPARISON_MODELS, PLAIN_TORCH

BENCHMARK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "benchmark.py")


class WorkerProcess:
    """A worker subprocess; one JSON request and reply per line."""

    def __init__(self, name, args):
        self.name = name
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
        if name in BACKENDS:
            env["KERAS_BACKEND"] = name
        command = [sys.executable, BENCHMARK, "--worker", name]
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

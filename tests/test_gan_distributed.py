"""GAN training under tf.distribute, each run in fresh processes."""

import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

JOB = os.path.join(os.path.dirname(__file__), "distributed_job.py")


def _run_job(mode, output, *args, env=None):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})}
    return subprocess.Popen(
        [sys.executable, JOB, mode, str(output), *map(str, args)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish(process, timeout=300):
    output, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, output[-3000:]


def _weights(path):
    archive = np.load(path)
    return [archive[f"w{i}"] for i in range(len(archive.files) - 5)], archive


@pytest.mark.slow
@pytest.mark.parametrize(
    "steps, optimizer",
    # SGD shows the update's scale; the default FusedAdam updates the
    # per-device copies of mirrored variables through their own handles.
    [(1, "sgd"), (2, "auto")],
)
def test_mirrored_step_equals_the_single_device_step(tmp_path, steps, optimizer):
    single, mirrored = tmp_path / "single.npz", tmp_path / "mirrored.npz"
    jobs = [
        _run_job("single", single, steps, 1, optimizer),
        _run_job("mirrored", mirrored, steps, 1, optimizer),
    ]
    for job in jobs:
        _finish(job)
    single_weights, single_info = _weights(single)
    mirrored_weights, mirrored_info = _weights(mirrored)
    assert int(mirrored_info["replicas"]) == 2
    assert bool(mirrored_info["copies_agree"])
    # Same update at the same global batch: losses are scaled for the global
    # batch and the replicas' noise is the global batch's noise, sliced.
    for a, b in zip(single_weights, mirrored_weights, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)
    np.testing.assert_allclose(
        single_info["d_loss"], mirrored_info["d_loss"], rtol=1e-6
    )


@pytest.mark.slow
def test_a_mirrored_conditional_step_equals_the_single_device_step(tmp_path):
    # Each replica's slice of the batch keeps its own labels.
    single, mirrored = tmp_path / "single.npz", tmp_path / "mirrored.npz"
    jobs = [
        _run_job("single", single, 1, 1, "sgd", 3),
        _run_job("mirrored", mirrored, 1, 1, "sgd", 3),
    ]
    for job in jobs:
        _finish(job)
    (single_weights, _), (mirrored_weights, info) = _weights(single), _weights(mirrored)
    assert int(info["replicas"]) == 2 and bool(info["copies_agree"])
    for a, b in zip(single_weights, mirrored_weights, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)


@pytest.mark.slow
def test_mirrored_keeps_k_updates_per_step(tmp_path):
    output = tmp_path / "mirrored.npz"
    _finish(_run_job("mirrored", output, 3, 2))
    _, info = _weights(output)
    assert int(info["g_steps"]) == 3 and int(info["d_steps"]) == 6


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_multi_worker_trains_the_same_weights_on_both_workers(tmp_path):
    workers = [f"127.0.0.1:{_free_port()}" for _ in range(2)]
    jobs = []
    for index in range(2):
        config = {
            "cluster": {"worker": workers},
            "task": {"type": "worker", "index": index},
        }
        jobs.append(
            _run_job("worker", tmp_path / f"w{index}.npz", 4,
                     env={"TF_CONFIG": json.dumps(config)})
        )  # fmt: skip
    for job in jobs:
        _finish(job)
    first, first_info = _weights(tmp_path / "w0.npz")
    second, second_info = _weights(tmp_path / "w1.npz")
    assert int(first_info["replicas"]) == 2 and int(first_info["g_steps"]) == 4
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)

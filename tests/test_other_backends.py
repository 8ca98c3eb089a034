"""The core suite, cross-backend parity and JAX DataParallel, each backend in
its own process (Keras fixes its backend per process)."""

import os
import pathlib
import subprocess
import sys

import keras
import numpy as np
import pytest

from keras_gan import backend

TESTS = pathlib.Path(__file__).resolve().parent
OTHERS = [name for name in backend.BACKENDS if name != "tensorflow"]
# Run from the TensorFlow suite only, so a run on another backend does not
# start itself again.
pytestmark = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="spawns the other backends"
)


def _run(command, backend_name, **env):
    environment = {
        **os.environ, "KERAS_BACKEND": backend_name, "TF_CPP_MIN_LOG_LEVEL": "3",
        **env,
    }  # fmt: skip
    return subprocess.run(
        command, cwd=TESTS.parent, env=environment, capture_output=True, text=True,
        timeout=1800,
    )  # fmt: skip


# The core suite and the training run below check behaviour (step counts,
# golden values, round trips), not XLA's optimiser. On JAX they are bound by
# compiling hundreds of small programs (about 50 ms each, eager steps compile
# every op), and compiling with most optimisations off halves the core suite
# (182 s to 86 s on one core, 2026-12-07). The parity jobs, the generator
# compared with TensorFlow's below and the slow suite keep JAX's defaults.
_QUICK_COMPILE = {"JAX_DISABLE_MOST_OPTIMIZATIONS": "1"}


@pytest.mark.parametrize("backend_name", OTHERS)
def test_the_core_suite_passes_on(backend_name):
    result = _run(
        [sys.executable, "-m", "pytest", "-q", "-m", "core and not slow",
         "-p", "no:cacheprovider", "-W", "ignore", str(TESTS)],
        backend_name, **_QUICK_COMPILE,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def _job(job, backend_name, tmp_path, **env):
    output = tmp_path / f"{job}_{backend_name}.npz"
    result = _run(
        [sys.executable, str(TESTS / "backend_job.py"), job, str(output)],
        backend_name, **env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    with np.load(output) as arrays:
        weights = [arrays[f"weight_{i}"] for i in range(len(arrays) - 2)]
        return int(arrays["steps"]), float(arrays["moved"]), weights


# The default suite keeps one parity job, the penalised one (k = 2, the
# relativistic objective with R1 and R2, so second derivatives too); the
# others run in the slow suite (CI runs it), which keeps the default suite
# under its time.
@pytest.mark.parametrize(
    "job",
    [
        pytest.param("parity_non_saturating", marks=pytest.mark.slow),
        "parity_penalised",
        pytest.param("parity_conditional", marks=pytest.mark.slow),
    ],
)
def test_two_steps_at_k_2_give_the_same_weights_on_every_backend(job, tmp_path):
    results = {name: _job(job, name, tmp_path) for name in backend.BACKENDS}
    steps, moved, reference = results["tensorflow"]
    assert steps == 2 and moved > 1e-3  # the steps changed the weights
    for name in OTHERS:
        other_steps, _, weights = results[name]
        assert other_steps == 2
        for expected, actual in zip(reference, weights, strict=True):
            np.testing.assert_allclose(
                actual, expected, rtol=0, atol=1e-5, err_msg=name
            )


# Two JAX processes of 10-20 s each: slow suite (CI runs it).
@pytest.mark.slow
@pytest.mark.parametrize("suffix", ["", "_conditional"])
def test_jax_data_parallel_gives_the_single_device_update(suffix, tmp_path):
    two_cpus = {"XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
    _, _, single = _job(f"data_parallel_single{suffix}", "jax", tmp_path, **two_cpus)
    steps, moved, parallel = _job(f"data_parallel{suffix}", "jax", tmp_path, **two_cpus)
    assert steps == 1 and moved > 1e-3
    for expected, actual in zip(single, parallel, strict=True):
        np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-5)


_GENERATE = """
import sys, keras, numpy as np
import keras_gan  # registers GAN for loading
gan = keras.saving.load_model(sys.argv[1])
rng = np.random.default_rng(0)
latents = rng.standard_normal((5, gan.latent_dim)).astype("float32")
labels = np.arange(5) % gan.num_classes if gan.conditional else None
np.save(sys.argv[2], gan.generate(latents, labels))
"""


@pytest.mark.parametrize(
    "backend_name, conditional",
    [(name, False) for name in OTHERS]
    + [pytest.param(name, True, marks=pytest.mark.slow) for name in OTHERS],
)
def test_a_gan_trained_on_another_backend_exports_on_tensorflow(
    backend_name, conditional, tmp_path
):
    from keras_gan import export
    from keras_gan.export import litert

    output_dir = tmp_path / "run"
    trained = _run(
        [sys.executable, "-m", "keras_gan.cli", "train", "--dataset", "digits",
         "--epochs", "1", "--width", "4", "--latent-dim", "8", "--batch-size", "64",
         "--output-dir", str(output_dir)] + (["--conditional"] if conditional else []),
        backend_name, **_QUICK_COMPILE,
    )  # fmt: skip
    assert trained.returncode == 0, trained.stderr[-3000:]
    there = tmp_path / "there.npy"
    generated = _run(
        [sys.executable, "-c", _GENERATE, str(output_dir / "gan.keras"), str(there)],
        backend_name,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stderr[-3000:]
    gan = keras.saving.load_model(output_dir / "gan.keras")
    assert gan.conditional is conditional
    latents = np.random.default_rng(0).standard_normal((5, 8)).astype("float32")
    labels = (np.arange(5) % 10).astype("int32") if conditional else None
    here = gan.generate(latents, labels)
    np.testing.assert_allclose(here, np.load(there), atol=1e-5)
    export.export_saved_model(gan, tmp_path / "saved_model")
    import tensorflow as tf

    served = tf.saved_model.load(str(tmp_path / "saved_model"))
    inputs = {"latents": tf.constant(latents)}
    if conditional:
        inputs["labels"] = tf.constant(labels)
    outputs = served.signatures["serve"](**inputs)
    np.testing.assert_allclose(outputs["images"].numpy(), here, atol=1e-5)
    report = export.export_tflite(gan, tmp_path / "gan.tflite")
    assert report.max_abs_error < 1e-5
    interpreter = litert.load_interpreter(tmp_path / "gan.tflite")
    np.testing.assert_allclose(
        litert.generate(interpreter, latents, labels), here, atol=1e-5
    )

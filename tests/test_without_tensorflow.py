"""keras_gan on JAX and torch with TensorFlow missing.

Each check runs in a fresh interpreter with ``KERAS_BACKEND`` set and a
``sitecustomize.py`` whose import hook makes ``tensorflow``,
``tensorflow_datasets`` and ``ai_edge_litert`` unimportable, as on a machine
without them. What needs TensorFlow must fail in one line saying what to
install; everything else must work.
"""

import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
BACKENDS = ["jax", "torch"]
BLOCKED = ("tensorflow", "tensorflow_datasets", "ai_edge_litert")
INSTALL = "pip install tensorflow-cpu (or the package's [cpu] extra)"

_BLOCKER = f"""
import sys


class _Without:
    # Wraps a finder so that it never finds these packages: importing one
    # fails and importlib.util.find_spec says None, as when not installed.
    def __init__(self, finder):
        self.finder = finder

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {BLOCKED!r}:
            return None
        return self.finder.find_spec(name, path, target)

    def __getattr__(self, name):
        return getattr(self.finder, name)


sys.meta_path[:] = [_Without(finder) for finder in sys.meta_path]
"""


def _run(tmp_path, backend, code, check=True, block=True, **extra_env):
    """Runs ``code`` without TensorFlow on ``backend``; returns the process."""
    (tmp_path / "sitecustomize.py").write_text(_BLOCKER if block else "")
    paths = [str(tmp_path), str(ROOT), os.environ.get("PYTHONPATH", "")]
    env = {
        **os.environ,
        "KERAS_BACKEND": backend,
        "KERAS_GAN_CACHE": str(tmp_path / "cache"),
        "PYTHONPATH": os.pathsep.join(filter(None, paths)),
        **extra_env,
    }
    process = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    if check:
        assert process.returncode == 0, process.stderr[-4000:]
    return process


@pytest.mark.parametrize("backend", BACKENDS)
def test_importing_keras_gan_does_not_import_tensorflow(tmp_path, backend):
    _run(
        tmp_path,
        backend,
        f"""
        import importlib, sys

        try:
            import tensorflow  # noqa: F401
        except ImportError:
            pass
        else:
            raise AssertionError("the import hook let TensorFlow in")
        import keras_gan
        for name in ["cli", "cli.train", "data", "evaluation", "export",
                     "export.hash_noise", "export.litert", "optimizers",
                     "training", "training.callbacks", "training.execution",
                     "training.recipes"]:
            importlib.import_module(f"keras_gan.{{name}}")
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in {BLOCKED!r})
        assert not loaded, loaded
        """,
    )


def test_an_installed_tensorflow_is_not_imported_off_its_backend(tmp_path):
    pytest.importorskip("tensorflow")
    _run(
        tmp_path,
        "jax",
        """
        import sys
        import keras_gan, keras_gan.cli, keras_gan.evaluation, keras_gan.export

        assert "tensorflow" not in sys.modules
        """,
        block=False,
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_tensorflow_features_fail_in_one_line(tmp_path, backend):
    _run(
        tmp_path,
        backend,
        f"""
        import keras, numpy as np
        from keras_gan import callbacks, data, export
        from keras_gan.export import hash_noise, litert
        from keras_gan.training import execution
        from keras_gan.utils.requirements import MissingDependency

        def message(call, *args, error=MissingDependency, **kwargs):
            try:
                call(*args, **kwargs)
            except error as raised:
                text = str(raised)
                assert "\\n" not in text, text
                return text
            raise AssertionError(f"{{call.__name__}} did not raise")

        install = {INSTALL!r}
        assert message(data.load_arrays, "mnist").endswith(
            "needs TensorFlow: " + install)
        assert message(callbacks.TensorBoard, "logs") == (
            "Writing TensorBoard logs (log_dir='logs') needs TensorFlow: " + install)
        message(callbacks.SampleGrid, "logs")
        message(callbacks.LogitHistograms, np.zeros((2, 8, 8, 1)), "logs")
        message(hash_noise.hash_normal, 2, 3, 0)
        assert "ai-edge-litert" in message(litert.load_interpreter, b"")
        (tmp := __import__("pathlib").Path("saved_model")).mkdir()
        assert "needs TensorFlow" in message(export.as_sampler, str(tmp))
        assert "TensorFlow backend only" in message(
            execution.make_strategy, "mirrored", error=ValueError)
        if keras.backend.backend() == "torch":
            assert "JAX backend only" in message(
                execution.make_strategy, "data_parallel", error=ValueError)
        """,
    )


def test_the_cli_reports_a_missing_tensorflow_in_one_line(tmp_path):
    process = _run(
        tmp_path,
        "jax",
        """
        import sys
        from keras_gan import cli

        sys.exit(cli.main(["export", "--model", "gan.keras", "--tflite", "g.tflite"]))
        """,
        check=False,
    )
    expected = f"keras-gan: error: `keras-gan export` needs TensorFlow: {INSTALL}\n"
    assert (process.returncode, process.stderr) == (2, expected)


@pytest.mark.parametrize("backend", BACKENDS)
def test_what_needs_no_tensorflow_works(tmp_path, backend):
    _run(
        tmp_path,
        backend,
        """
        import keras, numpy as np
        from keras_gan import backend, data, networks, optimizers
        from keras_gan.training import execution

        images, labels = data.load_arrays("digits")
        assert images.shape == (1797, 8, 8, 1) and labels.shape == (1797,)
        np.savez("set.npz", x_train=images[:10], y_train=labels[:10],
                 x_test=images[:5], y_test=labels[:5])
        assert data.load_arrays("set.npz", split="test")[0].shape == (5, 8, 8, 1)
        strategy = execution.make_strategy("none")
        with strategy.scope():
            generator = networks.dcgan_generator(8, (8, 8, 1), width=4)
        assert execution.worker_output_dir("out", strategy) == "out"
        assert backend.worker_logs({"d_loss": 1.0}) == {"d_loss": 1.0}
        execution.make_reproducible(0)
        execution.set_precision("float32")
        policy = keras.mixed_precision.dtype_policy()
        optimizer = optimizers.make_optimizer("auto", generator, policy)
        assert isinstance(optimizer, keras.optimizers.Adam), type(optimizer)
        assert not isinstance(optimizer, optimizers.FusedAdam)
        rate = keras.ops.convert_to_numpy(optimizer.learning_rate)
        assert optimizer.beta_1 == 0.5 and np.isclose(rate, 2e-4)
        rate = optimizers.DecayingLearningRate(0.1, 2.0, 0.01)
        assert np.isclose(float(rate(3)), 0.0125)
        sgd = optimizers.RampedMomentumSGD(0.1, 0.5, 0.7, 0, 2)
        weight = keras.Variable(np.ones(3, "float32"))
        sgd.apply_gradients([(keras.ops.ones(3), weight)])
        assert np.allclose(keras.ops.convert_to_numpy(weight), 0.9)
        if keras.backend.backend() == "jax":
            distribution = execution.make_strategy("data_parallel")
            assert isinstance(distribution, keras.distribution.DataParallel)
            assert keras.distribution.distribution() is distribution
            with distribution.scope():
                networks.dcgan_discriminator((8, 8, 1), width=4)
        """,
    )


_TRAIN = """
import csv, os, sys
import numpy as np
from keras_gan import callbacks, cli, networks, training
from keras_gan.evaluation import judge
from keras_gan.gan import GAN

images = np.random.default_rng(0).uniform(0, 1, (64, 8, 8, 1)).astype("float32")
gan = GAN(networks.dcgan_generator(8, (8, 8, 1), width=4),
          networks.dcgan_discriminator((8, 8, 1), width=4), seed=7)
gan.compile()
low, high = networks.output_range(gan.generator)
hooks = callbacks.monitoring_callbacks(
    low + images * (high - low), "run/logs", png_dir="run/samples",
    csv_path="run/log.csv", collapse_threshold=0.0,
)
assert not any(isinstance(h, callbacks.TensorBoard) for h in hooks), hooks
# Every 2 steps: a grid drawn mid-epoch, from weights synced off JAX's state.
hooks.append(callbacks.SampleGrid(png_dir="run/samples", every_steps=2))
training.train(gan, images, output_dir="run", epochs=1, batch_size=16,
               callbacks=hooks, backup_every_steps=2, verbose=0)
for name in ["gan.keras", "samples.png", "backup.npz", "log.csv",
             "samples/epoch_0001.png", "samples/step_0000002.png"]:
    assert os.path.exists(os.path.join("run", name)), name
with open("run/log.csv") as file:
    (row,) = list(csv.DictReader(file))
assert {"epoch", "d_loss", "g_loss", "diversity"} <= set(row), row
assert cli.main(["sample", "--model", "run/gan.keras", "--num-samples", "4",
                 "--output", "grid.png"]) == 0
np.savez("real.npz", x_train=images, y_train=np.arange(64) % 4,
         x_test=images[:32], y_test=np.arange(32) % 4)
judge.MIN_STEPS, judge.EPOCHS = 1, 1  # a judge trained in a second
assert cli.main(["evaluate", "--model", "run/gan.keras", "--dataset", "real.npz",
                 "--num-samples", "32", "--output-dir", "eval"]) == 0
assert os.path.exists("eval/report.json") and os.path.exists("grid.png")
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_train_sample_and_evaluate_without_tensorflow(tmp_path, backend):
    # What runs is checked, not how XLA optimises it: most optimisations off
    # halve the JAX run (28 s -> 14 s); torch ignores the variable.
    process = _run(tmp_path, backend, _TRAIN, JAX_DISABLE_MOST_OPTIMIZATIONS="1")
    notice = (
        "keras_gan: TensorBoard logs need TensorFlow (pip install tensorflow-cpu); "
        "training without them"
    )
    assert notice in process.stderr.splitlines(), process.stderr[-2000:]

"""export/sample_litert.py, run as on a device: in a Python that has no TensorFlow."""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gan import networks
from keras_gan.export import export_saved_model, export_tflite, litert
from keras_gan.utils import images

SAMPLER = os.path.join(
    os.path.dirname(__file__), "..", "..", "export", "sample_litert.py"
)
LATENT_DIM = 8

_BLOCKER = """
import sys


class _Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("tensorflow", "keras", "keras_gan"):
            raise ImportError(f"{name} is blocked: the sampler must not need it")


sys.meta_path.insert(0, _Blocker())
"""


@pytest.fixture(scope="module")
def generator():
    keras.utils.set_random_seed(1)
    return networks.dcgan_generator(LATENT_DIM, (8, 8, 1), width=8)


@pytest.fixture(scope="module")
def models(generator, tmp_path_factory):
    """A keras_gan .tflite file and one with only a latents-in signature."""
    folder = tmp_path_factory.mktemp("models")
    export_tflite(generator, folder / "gan.tflite")
    saved_model = export_saved_model(generator, folder / "saved_model")
    content = litert.convert(saved_model, ["serving_default"])
    (folder / "latents_only.tflite").write_bytes(content)
    return {name: str(folder / f"{name}.tflite") for name in ("gan", "latents_only")}


def _run_without_tensorflow(arguments, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.mkdir(exist_ok=True)
    (blocker / "sitecustomize.py").write_text(_BLOCKER)
    env = {**os.environ, "PYTHONPATH": str(blocker), "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run(
        [sys.executable, *arguments], env=env, capture_output=True, text=True
    )


def _sample(model, tmp_path, *options):
    output = tmp_path / "grid.png"
    arguments = [SAMPLER, model, "--output", str(output), *options]
    run = _run_without_tensorflow(arguments, tmp_path)
    assert run.returncode == 0, run.stderr
    with Image.open(output) as picture:
        picture.verify()  # a complete, valid PNG
    with Image.open(output) as picture:
        return np.asarray(picture)


def test_the_blocker_blocks_tensorflow(tmp_path):
    probe = _run_without_tensorflow(["-c", "import tensorflow"], tmp_path)
    assert probe.returncode != 0 and "blocked" in probe.stderr


def test_samples_with_the_sample_signature(models, tmp_path):
    grid = _sample(models["gan"], tmp_path, "--num-samples", "10", "--seed", "2")
    interpreter = litert.load_interpreter(models["gan"])
    expected = images.tile(litert.sample(interpreter, 10, seed=2)[0])
    np.testing.assert_array_equal(grid, expected[..., 0])
    again = _sample(models["gan"], tmp_path, "--num-samples", "10", "--seed", "2")
    np.testing.assert_array_equal(again, grid)
    other = _sample(models["gan"], tmp_path, "--num-samples", "10", "--seed", "3")
    assert not np.array_equal(other, grid)


@pytest.fixture(scope="module")
def conditional_tflite(tmp_path_factory):
    keras.utils.set_random_seed(3)
    gan = networks.build_gan((8, 8, 1), width=4, latent_dim=6, num_classes=4, seed=0)
    path = tmp_path_factory.mktemp("conditional") / "gan.tflite"
    export_tflite(gan, path)
    return str(path)


def test_label_and_labels_pick_the_classes_of_a_conditional_file(
    conditional_tflite, tmp_path
):
    interpreter = litert.load_interpreter(conditional_tflite)
    options = ["--num-samples", "3", "--seed", "5"]
    for chosen, labels in (
        (["--label", "3"], [3, 3, 3]),
        (["--labels", "2,0,1"], [2, 0, 1]),
    ):
        grid = _sample(conditional_tflite, tmp_path, *options, *chosen)
        pixels, _ = litert.sample(interpreter, 3, 5, labels=np.array(labels, "int32"))
        np.testing.assert_array_equal(grid, images.tile(pixels)[..., 0])
    output = tmp_path / "bad.png"
    run = _run_without_tensorflow(
        [
            SAMPLER,
            conditional_tflite,
            *options,
            "--label",
            "4",
            "--output",
            str(output),
        ],
        tmp_path,
    )
    assert run.returncode != 0 and "labels must lie in [0, 4)" in run.stderr
    assert "Traceback" not in run.stderr and not output.exists()


def test_latents_only_model_draws_latents_with_numpy(generator, models, tmp_path):
    options = ["--num-samples", "5", "--seed", "4", "--scale", "2"]
    grid = _sample(models["latents_only"], tmp_path, *options).astype(int)
    latents = np.random.default_rng(4).standard_normal((5, LATENT_DIM))
    generated = keras.ops.convert_to_numpy(generator(latents, training=False))
    pixels = images.tile(images.to_uint8(generated, (-1.0, 1.0)))[..., 0]
    pixels = pixels.repeat(2, axis=0).repeat(2, axis=1)
    assert np.abs(grid - pixels).max() <= 1


def test_truncated_model_gives_a_clear_error(models, tmp_path):
    cut = tmp_path / "cut.tflite"
    cut.write_bytes(open(models["gan"], "rb").read()[:3000])
    output = tmp_path / "grid.png"
    run = _run_without_tensorflow(
        [SAMPLER, str(cut), "--output", str(output)], tmp_path
    )
    assert run.returncode != 0
    assert "cannot load" in run.stderr and "cut.tflite" in run.stderr
    assert "Traceback" not in run.stderr
    assert not output.exists()

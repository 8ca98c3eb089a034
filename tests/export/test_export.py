import os
import shutil
import subprocess

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_gan import GAN, cli, networks, sample_latents
from keras_gan.export import as_sampler, export_saved_model, export_tflite, litert
from keras_gan.export.hash_noise import hash_normal
from keras_gan.utils import images
from keras_gan.utils.atomic import save_model

LATENT_DIM = 16
# Documented bounds (export/README.md) on |tflite - keras| as fractions of the
# pixel range: (max, mean) over a batch of normal latents.
ERROR_BOUNDS = {
    "float16": (0.01, 0.001),
    "dynamic": (0.05, 0.005),
    "int8": (0.25, 0.02),
}


def _keras_images(generator, latents):
    return keras.ops.convert_to_numpy(generator(latents, training=False))


def _latents(batch_size, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((batch_size, LATENT_DIM)).astype("float32")


@pytest.fixture(scope="module")
def gan():
    keras.utils.set_random_seed(0)
    generator = networks.dcgan_generator(LATENT_DIM, (8, 8, 1), width=32)
    gan = GAN(
        generator, networks.dcgan_discriminator((8, 8, 1), width=8), ema_decay=0.9
    )
    # Non-trivial batch-norm statistics, so inference mode is really tested,
    # and a last layer strong enough that the images span the pixel range.
    for layer in generator.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.moving_mean.assign(np.full(layer.moving_mean.shape, 0.1, "float32"))
            layer.moving_variance.assign(
                np.full(layer.moving_mean.shape, 0.05, "float32")
            )
    images_layer = generator.get_layer("images")
    images_layer.kernel.assign(images_layer.kernel * 2.0)
    # An "average" whose images are the negatives of the generator's.
    gan.ema_generator.set_weights(generator.get_weights())
    ema_layer = gan.ema_generator.get_layer("images")
    ema_layer.kernel.assign(-ema_layer.kernel)
    ema_layer.bias.assign(-ema_layer.bias)
    return gan


@pytest.fixture(scope="module")
def saved_model(gan, tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "saved_model"
    assert export_saved_model(gan, path) == os.fspath(path)
    return str(path)


@pytest.fixture(scope="module")
def tflite(gan, tmp_path_factory):
    """quantize -> (path, report); converted once for the whole module."""
    folder = tmp_path_factory.mktemp("tflite")
    exported = {}
    for quantize in ("none", "float16", "dynamic", "int8"):
        path = folder / f"gan_{quantize}.tflite"
        exported[quantize] = (str(path), export_tflite(gan, path, quantize=quantize))
    return exported


@pytest.mark.parametrize("signature", ["serve", "serving_default"])
def test_saved_model_serve_matches_keras(gan, saved_model, signature):
    serve = tf.saved_model.load(saved_model).signatures[signature]
    for batch_size in (1, 33):
        latents = _latents(batch_size)
        got = serve(latents=tf.constant(latents))["images"].numpy()
        np.testing.assert_allclose(
            got, _keras_images(gan.generator, latents), atol=1e-5
        )


def test_saved_model_sample_is_gan_sample_in_uint8(gan, saved_model):
    sample = tf.saved_model.load(saved_model).signatures["sample"]

    def run(num_samples, seed):
        outputs = sample(
            num_samples=tf.constant(num_samples), seed=tf.constant(seed),
            truncation=tf.constant(1.0),
        )  # fmt: skip
        return outputs["images"].numpy(), outputs["latents"].numpy()

    pixels, latents = run(5, 3)
    assert pixels.dtype == np.uint8 and pixels.shape == (5, 8, 8, 1)
    np.testing.assert_allclose(latents, sample_latents(5, LATENT_DIM, 3), atol=1e-6)
    expected = images.to_uint8(gan.sample(5, seed=3), (-1.0, 1.0))
    # Graph and eager float results may round a pixel on a .5 boundary apart.
    assert np.abs(pixels.astype(int) - expected).max() <= 1
    np.testing.assert_array_equal(pixels, run(5, 3)[0])
    assert not np.array_equal(pixels, run(5, 4)[0])
    # The loader gives the signature's pixels exactly, as floats in [0, 1].
    np.testing.assert_array_equal(
        images.to_uint8(as_sampler(saved_model).sample(5, seed=3)), pixels
    )


def test_saved_model_records_its_pixel_range(gan, saved_model, tmp_path):
    loaded = tf.saved_model.load(saved_model)
    assert [float(bound.numpy()) for bound in loaded.value_range] == [-1.0, 1.0]
    assert as_sampler(saved_model).value_range == (-1.0, 1.0)
    path = export_saved_model(gan, tmp_path / "wide", value_range=(-2.0, 2.0))
    assert as_sampler(path).value_range == (-2.0, 2.0)


def test_saved_model_cli_lists_both_signatures(saved_model):
    shown = subprocess.run(
        ["saved_model_cli", "show", "--dir", saved_model, "--all"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    ).stdout
    for signature in ("serve", "serving_default", "sample"):
        assert f"signature_def['{signature}']" in shown
    assert "inputs['num_samples']" in shown and "DT_UINT8" in shown


@pytest.mark.slow
def test_saved_model_cli_runs_sample(saved_model, tmp_path):
    np.save(tmp_path / "n.npy", np.int32(4))
    np.save(tmp_path / "seed.npy", np.int32(3))
    np.save(tmp_path / "psi.npy", np.float32(1.0))
    inputs = (
        f"num_samples={tmp_path / 'n.npy'};seed={tmp_path / 'seed.npy'};"
        f"truncation={tmp_path / 'psi.npy'}"
    )
    subprocess.run(
        ["saved_model_cli", "run", "--dir", saved_model, "--tag_set", "serve"]
        + ["--signature_def", "sample", "--inputs", inputs, "--outdir", str(tmp_path)],
        capture_output=True,
        check=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert np.load(tmp_path / "images.npy").shape == (4, 8, 8, 1)
    assert np.load(tmp_path / "images.npy").dtype == np.uint8


@pytest.mark.parametrize("batch_size", [1, 64])
def test_float32_tflite_matches_keras(gan, tflite, batch_size):
    interpreter = litert.load_interpreter(tflite["none"][0])
    latents = _latents(batch_size, seed=batch_size)
    got = litert.generate(interpreter, latents)
    np.testing.assert_allclose(got, _keras_images(gan.generator, latents), atol=1e-5)


@pytest.mark.parametrize("quantize", ["float16", "dynamic", "int8"])
def test_quantized_tflite_is_smaller_and_within_bounds(gan, tflite, quantize):
    path, report = tflite[quantize]
    assert report.size_bytes == os.path.getsize(path)
    assert report.size_bytes < 0.7 * tflite["none"][1].size_bytes
    largest, average = (2.0 * bound for bound in ERROR_BOUNDS[quantize])  # [-1, 1]
    assert report.max_abs_error < largest and report.mean_abs_error < average
    latents = _latents(64, seed=9)  # fresh latents, not the report's
    got = litert.generate(litert.load_interpreter(path), latents)
    error = np.abs(got - _keras_images(gan.generator, latents))
    assert error.max() < largest and error.mean() < average
    assert error.max() > 0  # it really is quantized


def test_tflite_files_have_only_builtin_ops(tflite):
    for quantize, (path, _) in tflite.items():
        interpreter = litert.load_interpreter(path)
        assert litert.non_builtin_ops(interpreter) == []
        expected = {"serving_default", "metadata"}
        expected |= {"sample"} if quantize != "int8" else set()
        assert set(interpreter.get_signature_list()) == expected


def test_tflite_sample_signature_draws_hash_noise(gan, tflite):
    interpreter = litert.load_interpreter(tflite["none"][0])
    pixels, latents = litert.sample(interpreter, 6, seed=5)
    np.testing.assert_allclose(latents, hash_normal(6, LATENT_DIM, 5), atol=1e-5)
    expected = images.to_uint8(_keras_images(gan.generator, latents), (-1.0, 1.0))
    assert pixels.dtype == np.uint8
    assert np.abs(pixels.astype(int) - expected).max() <= 1
    np.testing.assert_array_equal(pixels, litert.sample(interpreter, 6, seed=5)[0])
    assert not np.array_equal(pixels, litert.sample(interpreter, 6, seed=6)[0])
    # float16 rounds 2*pi; hash_noise splits it so the noise survives.
    _, latents16 = litert.sample(litert.load_interpreter(tflite["float16"][0]), 6, 5)
    np.testing.assert_allclose(latents16, latents, atol=1e-5)


def test_tflite_sampler_draws_the_sample_signature(tflite):
    sampler = as_sampler(tflite["none"][0])
    pixels, _ = litert.sample(litert.load_interpreter(tflite["none"][0]), 6, seed=5)
    np.testing.assert_array_equal(images.to_uint8(sampler.sample(6, seed=5)), pixels)
    assert sampler.latent_dim == LATENT_DIM
    # The file's metadata signature records the pixel range: latents in too.
    latents = _latents(2)
    expected = litert.generate(litert.load_interpreter(tflite["none"][0]), latents)
    np.testing.assert_allclose(sampler.generate(latents), (expected + 1) / 2, atol=1e-6)
    with pytest.raises(ValueError, match="use_ema.*gan_none.tflite"):
        as_sampler(tflite["none"][0], use_ema=True)


def _read_png(path):
    with Image.open(path) as picture:
        picture.verify()  # a complete, valid PNG
    with Image.open(path) as picture:
        return np.asarray(picture)


def test_truncated_or_corrupt_artifacts_give_clear_errors(tflite, tmp_path, capsys):
    cut = tmp_path / "cut.tflite"
    cut.write_bytes(open(tflite["none"][0], "rb").read()[:4000])
    with pytest.raises(ValueError, match="cut.tflite.*truncated"):
        as_sampler(cut)
    output = str(tmp_path / "grid.png")
    assert cli.main(["sample", "--model", str(cut), "--output", output]) == 2
    assert "cut.tflite" in capsys.readouterr().err
    broken = tmp_path / "broken_saved_model"
    broken.mkdir()
    (broken / "saved_model.pb").write_bytes(b"not a protobuf")
    with pytest.raises(ValueError, match="SavedModel.*broken_saved_model"):
        as_sampler(broken)
    cut_keras = tmp_path / "cut.keras"
    cut_keras.write_bytes(b"PK\x03\x04 half a zip")
    with pytest.raises(ValueError, match="cut.keras.*not a complete zip file"):
        as_sampler(cut_keras)
    assert not os.path.exists(output)


def test_failed_saved_model_export_keeps_the_previous_one(
    gan, saved_model, tmp_path, monkeypatch
):
    target = tmp_path / "saved_model"
    shutil.copytree(saved_model, target)

    def crash(trackable, path, **kwargs):
        os.makedirs(path)
        with open(os.path.join(path, "saved_model.pb"), "wb") as file:
            file.write(b"half a protobuf")
        raise OSError("disk full")

    monkeypatch.setattr(tf.saved_model, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        export_saved_model(gan, target)
    assert os.listdir(tmp_path) == ["saved_model"]  # no staging leftovers
    assert as_sampler(target).sample(2, seed=0).shape == (2, 8, 8, 1)


class _CumulativeProduct(keras.layers.Layer):
    def call(self, inputs):
        return tf.math.cumprod(inputs, axis=-1)  # has no LiteRT builtin kernel


def test_failed_export_names_the_op_and_leaves_nothing(tmp_path):
    latents = keras.Input((LATENT_DIM,))
    x = _CumulativeProduct()(keras.layers.Dense(64, activation="sigmoid")(latents))
    generator = keras.Model(latents, keras.layers.Reshape((8, 8, 1))(x))
    folder = tmp_path / "out"
    with pytest.raises(RuntimeError, match="no builtin kernel.*Cumprod"):
        export_tflite(generator, folder / "g.tflite", value_range=(0.0, 1.0))
    assert not folder.exists() or os.listdir(folder) == []


def test_bad_arguments_are_refused_before_writing(gan, tmp_path):
    with pytest.raises(ValueError, match="quantize='int4'"):
        export_tflite(gan, tmp_path / "g.tflite", quantize="int4")
    with pytest.raises(ValueError, match="keras_gan.GAN or a generator"):
        export_saved_model(object(), tmp_path / "s")
    with pytest.raises(ValueError, match="use_ema"):
        export_saved_model(gan.generator, tmp_path / "s", use_ema=True)
    assert os.listdir(tmp_path) == []


def test_cli_exports_and_samples_every_artifact(gan, tmp_path, capsys):
    model = str(tmp_path / "gan.keras")
    save_model(gan, model)
    saved, lite = str(tmp_path / "saved_model"), str(tmp_path / "gan.tflite")
    command = ["export", "--model", model, "--saved-model", saved, "--tflite", lite]
    assert cli.main([*command, "--quantize", "dynamic", "--ema"]) == 0
    assert "dynamic" in capsys.readouterr().out
    grids = {}
    for source, ema in ((model, []), (model, ["--ema"]), (saved, []), (lite, [])):
        output = str(tmp_path / "grid.png")
        arguments = ["--num-samples", "6", "--seed", "1", "--output", output, *ema]
        assert cli.main(["sample", "--model", source, *arguments]) == 0
        grids[source, bool(ema)] = _read_png(output).astype(int)
    # The SavedModel holds the moving average: a seed names the images of
    # the .keras GAN's EMA generator, not of its raw generator.
    assert np.abs(grids[model, True] - grids[saved, False]).max() <= 1
    assert np.abs(grids[model, False] - grids[saved, False]).mean() > 20
    assert grids[lite, False].shape == grids[model, False].shape
    assert cli.main(["export", "--model", model]) == 2
    assert "Nothing to export" in capsys.readouterr().err


def test_paper_generator_exports(tmp_path):
    generator = networks.paper_mnist_generator()
    report = export_tflite(generator, tmp_path / "paper.tflite")
    assert report.max_abs_error < 1e-5
    interpreter = litert.load_interpreter(tmp_path / "paper.tflite")
    for batch_size in (1, 64):
        latents = np.random.default_rng(0).standard_normal((batch_size, 100))
        latents = latents.astype("float32")
        got = litert.generate(interpreter, latents)
        np.testing.assert_allclose(got, _keras_images(generator, latents), atol=1e-5)
    assert litert.sample(interpreter, 3, seed=0)[0].shape == (3, 28, 28, 1)
    path = export_saved_model(generator, tmp_path / "paper")
    pixels = images.to_uint8(as_sampler(path).sample(3, seed=0))
    expected = images.to_uint8(_keras_images(generator, sample_latents(3, 100, 0)))
    assert np.abs(pixels.astype(int) - expected).max() <= 1


def test_exports_draw_the_gans_latent_distribution(tmp_path):
    from keras_gan.export.hash_noise import hash_latents

    keras.utils.set_random_seed(1)
    gan = GAN(
        networks.dcgan_generator(LATENT_DIM, (8, 8, 1), width=8),
        networks.dcgan_discriminator((8, 8, 1), width=4),
        latent_distribution="uniform",
    )
    export_saved_model(gan, tmp_path / "saved")
    loaded = tf.saved_model.load(str(tmp_path / "saved"))
    assert loaded.latent_distribution[0].numpy() == b"uniform"
    outputs = loaded.signatures["sample"](
        num_samples=tf.constant(5), seed=tf.constant(2), truncation=tf.constant(1.0)
    )
    np.testing.assert_array_equal(
        outputs["latents"].numpy(), sample_latents(5, LATENT_DIM, 2, "uniform")
    )
    np.testing.assert_array_equal(
        outputs["images"].numpy(), images.to_uint8(gan.sample(5, seed=2), (-1, 1))
    )
    export_tflite(gan, tmp_path / "gan.tflite")
    latents = litert.sample(
        litert.load_interpreter(str(tmp_path / "gan.tflite")), 6, 3
    )[1]
    np.testing.assert_allclose(
        latents, hash_latents(6, LATENT_DIM, 3, "uniform"), atol=1e-6
    )
    assert np.abs(latents).max() < np.sqrt(3.0)

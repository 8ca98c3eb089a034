"""keras_gan/export/web.py: the exported page, and the page in headless Chromium.

The browser tests serve the exported folder on 127.0.0.1 and drive Debian's
chromium with chromedriver through selenium. Outside CI they skip when one of
those or the npm-installed LiteRT.js is missing, naming the install command;
in CI (``CI`` set, as ``.ci/run`` does) they fail instead.
"""

import functools
import http.server
import importlib.util
import json
import os
import pathlib
import shutil
import tempfile
import threading
import time

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import GAN, cli, networks
from keras_gan.export import Exportable, hash_noise, litert, web
from keras_gan.utils.atomic import save_model

REPO = pathlib.Path(__file__).resolve().parents[2]
INSTALL = (
    "apt-get install chromium chromium-driver && pip install selenium && "
    "npm ci --prefix keras_gan/export/web_page (npm: Node.js >= 18)"
)
CHROMIUM_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
).split()
LATENT_DIM = 8
GRID = 16
# Off-by-one: the page rounds float32 pixels of serving_default at batch 16,
# the `sample` signature those of its own graph (the .tflite tolerance).
PIXEL_TOLERANCE = 1


def _load_sample_litert():
    path = REPO / "export" / "sample_litert.py"
    spec = importlib.util.spec_from_file_location("sample_litert", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sample_litert = _load_sample_litert()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """``keras-gan export --web`` of a small DCGAN whose pixels span [-1, 1]."""
    keras.utils.set_random_seed(3)
    generator = networks.dcgan_generator(LATENT_DIM, (8, 8, 1), width=8)
    images = generator.get_layer("images")
    images.kernel.assign(images.kernel * 3.0)  # many pixels near rounding edges
    gan = GAN(generator, networks.dcgan_discriminator((8, 8, 1), width=4))
    folder = tmp_path_factory.mktemp("web")
    save_model(gan, folder / "gan.keras")
    page = folder / "page"
    assert (
        cli.main(["export", "--model", str(folder / "gan.keras"), "--web", str(page)])
        == 0
    )
    return page


def test_the_folder_holds_the_page_the_model_and_its_facts(exported):
    meta = json.loads((exported / "model.json").read_text())
    assert meta["latent_dim"] == LATENT_DIM
    assert meta["latent_distribution"] == "normal"
    assert meta["value_range"] == [-1.0, 1.0]
    assert meta["image_shape"] == [8, 8, 1]
    assert meta["num_classes"] is None and meta["class_names"] is None
    assert meta["litertjs"]["version"] == web.litertjs_versions()["@litertjs/core"]
    for name in (*web.PAGE_FILES, "gan.tflite"):
        assert (exported / name).is_file(), name
    html = (exported / "index.html").read_text()
    assert "__LITERTJS_IMPORT_MAP__" not in html and '"@litertjs/core"' in html
    if meta["litertjs"]["source"] == "node_modules":
        wasm = exported / meta["litertjs"]["wasm"] / "litert_wasm_internal.wasm"
        assert wasm.stat().st_size > 1_000_000


def test_the_tflite_has_a_fixed_batch_and_the_sample_signature(exported):
    interpreter = litert.load_interpreter(str(exported / "gan.tflite"))
    runner = interpreter.get_signature_runner("serving_default")
    details = runner.get_input_details()["latents"]
    assert list(details["shape_signature"]) == [web.BATCH_SIZE, LATENT_DIM]
    pixels, _ = sample_litert.sample(interpreter, 5, 0, None)  # any num_samples
    assert pixels.shape == (5, 8, 8, 1) and pixels.dtype == np.uint8


def test_the_cdn_page_links_the_pinned_version(tmp_path):
    meta = web._metadata(Exportable(_tiny_generator(), "uniform"), None)
    web._write_page(tmp_path, meta["litertjs"])
    html = (tmp_path / "index.html").read_text()
    imports = json.loads(html.split('type="importmap">')[1].split("</script>")[0])
    versions = web.litertjs_versions()
    assert imports["imports"] == {
        name: f"https://cdn.jsdelivr.net/npm/{name}@{version}/dist/index.js"
        for name, version in versions.items()
    }
    assert meta["litertjs"]["wasm"].endswith(f"core@{versions['@litertjs/core']}/wasm/")
    assert meta["latent_distribution"] == "uniform" and meta["value_range"] == [-1, 1]


def test_class_facts_come_from_the_gan_when_it_has_them():
    conditional = Exportable(_tiny_generator(), "normal", 3, ["a", "b", "c"])
    meta = web._metadata(conditional, None)
    assert (meta["num_classes"], meta["class_names"]) == (3, ["a", "b", "c"])


def test_a_runtime_folder_without_the_pinned_litertjs_is_refused(tmp_path):
    with pytest.raises(ValueError, match="node_modules folder holding"):
        web.export_web(_tiny_generator(), tmp_path / "page", runtime=tmp_path)
    assert not (tmp_path / "page").exists()


def _tiny_generator():
    return networks.dcgan_generator(LATENT_DIM, (8, 8, 1), width=4)


# --- in the browser ---------------------------------------------------------


def _require_browser(meta):
    missing = []
    if importlib.util.find_spec("selenium") is None:
        missing.append("selenium")
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        missing.append("chromium and chromedriver")
    if meta["litertjs"]["source"] != "node_modules":
        missing.append("LiteRT.js from npm (the page would need the CDN)")
    if missing:
        message = f"The browser tests need {', '.join(missing)}: {INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser(exported):
    """Chromium on the page, served from a thread on 127.0.0.1."""
    _require_browser(json.loads((exported / "model.json").read_text()))
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    handler = functools.partial(_Quiet, directory=str(exported))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver")), options=options
    )
    try:
        started = time.perf_counter()
        driver.base_url = f"http://127.0.0.1:{server.server_port}/"
        _open(driver, driver.base_url)
        driver.load_seconds = time.perf_counter() - started
        yield driver
    finally:
        driver.quit()
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)


def _open(driver, url):
    driver.get(url)
    _wait(driver, "kerasGan.ready || kerasGan.error")
    assert driver.execute_script("return kerasGan.error") is None


def _wait(driver, condition, timeout=60):
    """Polls the JavaScript expression ``condition`` until it is true."""
    deadline = time.monotonic() + timeout
    while not driver.execute_script(f"return window.kerasGan && ({condition})"):
        assert time.monotonic() < deadline, f"timed out waiting for {condition}"
        time.sleep(0.02)


def _set(driver, **values):
    """Sets controls by id (seed_a -> seed-a), fires their input events, and
    waits for the redraw."""
    before = driver.execute_script("return kerasGan.draws")
    driver.execute_script(
        "for (const [id, value] of Object.entries(arguments[0])) {"
        "  const control = document.getElementById(id);"
        "  control.value = value;"
        "  control.dispatchEvent(new Event('input'));"
        "}",
        {name.replace("_", "-"): str(value) for name, value in values.items()},
    )
    _wait(driver, f"kerasGan.draws > {before} && !kerasGan.busy")
    assert driver.execute_script("return kerasGan.error") is None


def _canvas(driver, canvas_id):
    width, height, data = driver.execute_script(
        "const c = document.getElementById(arguments[0]);"
        "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height);"
        "return [c.width, c.height, Array.from(d.data)];",
        canvas_id,
    )
    rgba = np.array(data, "uint8").reshape(height, width, 4)
    assert (rgba[..., 3] == 255).all()
    return rgba[..., :3]


def _tiles(grid, count, columns):
    """Images (count, 8, 8, 3) cut out of a grid with 1-pixel borders."""
    return np.stack(
        [
            grid[1 + (i // columns) * 9 :][:8, 1 + (i % columns) * 9 :][:, :8]
            for i in range(count)
        ]
    )


def _expected_grid(exported, seed):
    interpreter = litert.load_interpreter(str(exported / "gan.tflite"))
    images, _ = sample_litert.sample(interpreter, GRID, seed, None)
    return np.repeat(sample_litert.tile(images), 3, axis=-1)


def _max_difference(a, b):
    assert a.shape == b.shape
    return int(np.abs(a.astype(int) - b.astype(int)).max())


def test_the_grid_is_sample_litert_s(browser, exported):
    _set(browser, seed=0, truncation=1)
    difference = _max_difference(_canvas(browser, "grid"), _expected_grid(exported, 0))
    timings = browser.execute_script(
        "return [kerasGan.runtimeLoadedMs, kerasGan.modelLoadedMs, "
        "kerasGan.firstDrawMs]"
    )
    print(
        f"grid vs sample_litert.py: max |difference| {difference}; load and draw "
        f"(ms since navigation: LiteRT.js, model, first grid) {timings}; "
        f"driver.get to ready {browser.load_seconds:.2f} s"
    )
    assert difference <= PIXEL_TOLERANCE


def test_the_seed_changes_the_grid(browser, exported):
    _set(browser, seed=0, truncation=1)
    first = _canvas(browser, "grid")
    for seed in (1, -5, 2**31 - 1):
        _set(browser, seed=seed)
        grid = _canvas(browser, "grid")
        assert _max_difference(grid, first) > 10
        expected = _expected_grid(exported, seed)
        assert _max_difference(grid, expected) <= PIXEL_TOLERANCE, seed


def test_truncation_scales_the_latents(browser, exported):
    _set(browser, seed=4, truncation=1)
    untruncated = _canvas(browser, "grid")
    _set(browser, truncation=0.5)
    grid = _canvas(browser, "grid")
    assert _max_difference(grid, untruncated) > 10
    # The page's psi is the file's: its `sample` signature at truncation 0.5.
    interpreter = litert.load_interpreter(str(exported / "gan.tflite"))
    outputs = interpreter.get_signature_runner("sample")(
        num_samples=np.array(GRID, "int32"),
        seed=np.array(4, "int32"),
        truncation=np.array(0.5, "float32"),
    )
    expected = np.repeat(sample_litert.tile(outputs["images"]), 3, axis=-1)
    assert _max_difference(grid, expected) <= PIXEL_TOLERANCE


@pytest.mark.parametrize("truncation", [1, 0.7])
def test_the_strip_ends_are_the_seeds_first_images(browser, truncation):
    steps = 6
    _set(browser, truncation=truncation, seed_a=3, seed_b=11, steps=steps)
    strip = _tiles(_canvas(browser, "strip"), steps, steps)
    ends = []
    for seed in (3, 11):
        _set(browser, seed=seed)
        ends.append(_tiles(_canvas(browser, "grid"), 1, 4)[0])
    assert _max_difference(strip[0], ends[0]) <= PIXEL_TOLERANCE
    assert _max_difference(strip[-1], ends[1]) <= PIXEL_TOLERANCE
    assert _max_difference(strip[0], strip[-1]) > 10
    print(
        f"psi {truncation}: strip ends vs grids: max |difference| "
        f"{_max_difference(strip[0], ends[0])}, {_max_difference(strip[-1], ends[1])}"
    )


_IMPORT_SAMPLING = (
    "const done = arguments[arguments.length - 1];"
    "import('./sampling.js').then((m) => done(%s)).catch((e) => done(String(e)));"
)


@pytest.mark.parametrize("seed", [0, 7, -5, 2**31 - 1, -(2**31)])
def test_the_page_s_hash_is_hash_noise_s(browser, seed):
    count, dim = 6, LATENT_DIM
    script = _IMPORT_SAMPLING % (
        f"[Array.from(m.hashUniform({2 * count * dim}, {seed})),"
        f" Array.from(m.hashLatents({count}, {dim}, {seed}, 'normal')),"
        f" Array.from(m.hashLatents({count}, {dim}, {seed}, 'uniform'))]"
    )
    uniform, normal, uniform_latents = browser.execute_async_script(script)
    # The uniforms carry the integer hash: bit for bit.
    expected = hash_noise._hash_uniform(2 * count * dim, tf.constant(seed, "int32"))
    np.testing.assert_array_equal(np.float32(uniform), expected.numpy())
    for distribution, got in (("normal", normal), ("uniform", uniform_latents)):
        expected = hash_noise.hash_latents(count, dim, seed, distribution).numpy()
        np.testing.assert_allclose(
            np.float32(got).reshape(count, dim), expected, rtol=1e-6, atol=1e-6
        )


def test_interpolation_is_spherical_for_normal_latents(browser):
    a, b, normal, uniform = browser.execute_async_script(
        _IMPORT_SAMPLING
        % "[[3, 0], [0, 3], Array.from(m.interpolate(new Float32Array([3, 0]),"
        " new Float32Array([0, 3]), 3, 'normal')), Array.from(m.interpolate("
        "new Float32Array([3, 0]), new Float32Array([0, 3]), 3, 'uniform'))]"
    )
    normal, uniform = np.reshape(normal, (3, 2)), np.reshape(uniform, (3, 2))
    np.testing.assert_array_equal(normal[[0, -1]], [a, b])
    np.testing.assert_allclose(normal[1], [3 / 2**0.5] * 2, rtol=1e-6)  # norm 3
    np.testing.assert_allclose(uniform[1], [1.5, 1.5])


def _conditional_tflite(folder):
    """A stand-in for a conditional export: ``labels`` shift the pixels."""

    class Conditional(tf.Module):
        @tf.function(
            input_signature=[
                tf.TensorSpec((web.BATCH_SIZE, LATENT_DIM), "float32"),
                tf.TensorSpec((web.BATCH_SIZE,), "int32"),
            ]
        )
        def serve(self, latents, labels):
            pixels = tf.reshape(tf.tile(tf.tanh(latents), [1, 8]), (-1, 8, 8, 1))
            shift = tf.reshape(tf.cast(labels, "float32") * 0.25, (-1, 1, 1, 1))
            return {"images": pixels * 0.5 - 0.25 + shift}

    module = Conditional()
    signature = module.serve.get_concrete_function()
    tf.saved_model.save(module, str(folder), signatures={"serving_default": signature})
    return litert.convert(str(folder), ["serving_default"])


def test_the_class_picker_feeds_the_labels_input(browser, exported, tmp_path):
    page = exported / "conditional"
    page.mkdir(exist_ok=True)
    for name in web.PAGE_FILES:
        text = (exported / name).read_text().replace("./litertjs/", "../litertjs/")
        (page / name).write_text(text)
    meta = json.loads((exported / "model.json").read_text())
    meta["litertjs"]["wasm"] = "../litertjs/core/wasm/"
    meta.update(num_classes=3, class_names=["zero", "one", "two"])
    (page / "model.json").write_text(json.dumps(meta))
    (page / "gan.tflite").write_bytes(_conditional_tflite(tmp_path / "saved"))
    try:
        _open(browser, browser.base_url + "conditional/")
        names = browser.execute_script(
            "const s = document.getElementById('label');"
            "return [s.closest('span').hidden, Array.from(s.options, (o) => o.text)]"
        )
        assert names == [False, ["zero", "one", "two"]]
        _set(browser, seed=2, label=0)
        first = _canvas(browser, "grid").astype(int)
        _set(browser, label=2)
        shift = _tiles(_canvas(browser, "grid"), GRID, 4) - _tiles(first, GRID, 4)
        # Two classes apart: 0.5 in [-1, 1], 255 / 4 levels, wherever unclipped.
        assert np.median(shift) == pytest.approx(255 / 4, abs=1)
    finally:
        _open(browser, browser.base_url)

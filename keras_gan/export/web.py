"""The web export: a static page that samples the generator in the browser.

``export_web`` writes a folder any static file server can serve: the page
(``index.html``, ``app.js``, ``sampling.js``, package data beside this
module), the generator as ``gan.tflite``, its facts in ``model.json``, and
LiteRT.js (``@litertjs/core`` at the version ``web_page/package-lock.json``
pins), which runs the file on the CPU in WebAssembly.

LiteRT.js 2.5.3 runs static shapes only, so ``gan.tflite`` fixes the batch of
``serving_default`` to 16 (``sample`` is as in ``export_tflite``, so
``export/sample_litert.py`` reads the file too), and the page draws latents
in JavaScript with ``hash_noise``'s algorithm: a seed shows the images of the
``.tflite`` ``sample`` signature.
"""

import dataclasses
import json
import os
import pathlib
import shutil

from keras_gan import networks
from keras_gan.export import litert
from keras_gan.export.artifacts import load_exportable
from keras_gan.export.tflite import ExportReport, export_tflite
from keras_gan.utils.atomic import atomic_path

PAGE = pathlib.Path(__file__).with_name("web_page")
PAGE_FILES = ("index.html", "app.js", "sampling.js")
BATCH_SIZE = 16  # the page's grid, in one call of serving_default
CDN = "https://cdn.jsdelivr.net/npm"
# What the page loads of each npm package: the ES modules, and the plain and
# relaxed-SIMD WebAssembly builds (the threaded build needs cross-origin
# isolation headers a plain file server does not send; the JSPI one serves
# WebNN and WebGPU only).
_RUNTIME_FILES = {
    "@litertjs/core": (
        "package.json",
        "dist/index.js",
        "wasm/litert_wasm_internal.js",
        "wasm/litert_wasm_internal.wasm",
        "wasm/litert_wasm_compat_internal.js",
        "wasm/litert_wasm_compat_internal.wasm",
    ),
    "@litertjs/wasm-utils": ("package.json", "dist/index.js"),
}


@dataclasses.dataclass(frozen=True)
class WebExport:
    """What ``export_web`` wrote: the folder, its size, where LiteRT.js comes from."""

    directory: str
    size_bytes: int
    litertjs: str
    tflite: ExportReport

    def __str__(self):
        return (
            f"{self.directory}: web page, {self.size_bytes / 1e6:.2f} MB, "
            f"LiteRT.js {self.litertjs}; {self.tflite}"
        )


def litertjs_versions():
    """``{npm package: version}`` of LiteRT.js, as the page's lock file pins them."""
    lock = json.loads((PAGE / "package-lock.json").read_text())
    return {
        name: lock["packages"][f"node_modules/{name}"]["version"]
        for name in _RUNTIME_FILES
    }


def export_web(model, directory, *, use_ema=False, quantize="none", runtime="auto"):
    """Writes a static web page that samples the generator with LiteRT.js.

    The page shows a grid of 16 samples of a seed, a truncation slider ψ in
    (0, 1] (latents scaled towards their mean), a class picker for
    conditional GANs and an interpolation strip between the first samples of
    two seeds. It needs no Python and no server logic: serve ``directory``
    with any static file server (``python -m http.server``) and open it.

    Args:
        model: a ``keras_gan.GAN``, the path of one saved as ``.keras``, or a
            generator ``keras.Model``.
        directory: the folder to write (replaced when complete).
        use_ema: export the GAN's moving-average generator.
        quantize: the ``.tflite`` weights, as in ``export_tflite``.
        runtime: where the page gets LiteRT.js: ``"auto"`` copies it from an
            npm-installed ``node_modules`` (``npm ci`` in
            ``keras_gan/export/web_page``, or ``./node_modules``) when one
            holds the pinned version, else links the CDN; ``"cdn"`` links
            jsDelivr's copy of the pinned version (the page then needs the
            internet); a path copies from that ``node_modules`` folder.

    Returns:
        A ``WebExport`` with the folder's size and the ``.tflite`` report.

    Examples:
        >>> print(export_web("run/gan.keras", "run/web"))
        run/web: web page, 19.39 MB, LiteRT.js 2.5.3 copied from ...
    """
    litert.check_quantize(quantize)
    node_modules = _node_modules(runtime)
    exportable = load_exportable(model, use_ema=use_ema)
    with atomic_path(directory) as staging:
        os.makedirs(staging)
        report = export_tflite(
            exportable,
            os.path.join(staging, "gan.tflite"),
            quantize=quantize,
            batch_size=BATCH_SIZE,
            metadata=False,  # a string tensor, which LiteRT.js cannot load
        )
        meta = _metadata(exportable, node_modules)
        with open(os.path.join(staging, "model.json"), "w") as file:
            json.dump(meta, file, indent=2)
        _write_page(staging, meta["litertjs"])
        if node_modules is not None:
            _copy_runtime(node_modules, staging)
        size = sum(path.stat().st_size for path in pathlib.Path(staging).rglob("*"))
    version = meta["litertjs"]["version"]
    where = "from the CDN" if node_modules is None else f"copied from {node_modules}"
    report = dataclasses.replace(
        report, path=os.path.join(os.fspath(directory), "gan.tflite")
    )
    return WebExport(os.fspath(directory), size, f"{version} {where}", report)


def _node_modules(runtime):
    """The ``node_modules`` folder to copy LiteRT.js from, or None for the CDN."""
    runtime = os.fspath(runtime)
    if runtime == "cdn":
        return None
    if runtime == "auto":
        for folder in (PAGE / "node_modules", pathlib.Path.cwd() / "node_modules"):
            if _installed_versions(folder) == litertjs_versions():
                return folder
        return None
    folder = pathlib.Path(runtime)
    found = _installed_versions(folder)
    if found != litertjs_versions():
        raise ValueError(
            f"`runtime` must be 'auto', 'cdn' or a node_modules folder holding "
            f"{litertjs_versions()} (npm ci --prefix {PAGE}). Received: "
            f"runtime={runtime!r}, which holds {found}."
        )
    return folder


def _installed_versions(node_modules):
    versions = {}
    for name in _RUNTIME_FILES:
        manifest = pathlib.Path(node_modules) / name / "package.json"
        if manifest.is_file():
            versions[name] = json.loads(manifest.read_text()).get("version")
    return versions


def _metadata(exportable, node_modules):
    """What the page needs to know of the generator (``load_exportable``)."""
    generator, class_names = exportable.generator, exportable.class_names
    version = litertjs_versions()["@litertjs/core"]
    return {
        "model": "gan.tflite",
        "latent_dim": int(exportable.latent_dim),
        "latent_distribution": exportable.latent_distribution,
        "value_range": [float(bound) for bound in networks.output_range(generator)],
        "image_shape": [int(size) for size in generator.output_shape[1:]],
        "num_classes": exportable.num_classes,
        "class_names": [str(name) for name in class_names] if class_names else None,
        "batch_size": BATCH_SIZE,
        "litertjs": {
            "version": version,
            "source": "cdn" if node_modules is None else "node_modules",
            "wasm": (
                f"{CDN}/@litertjs/core@{version}/wasm/"
                if node_modules is None
                else f"./{_local('@litertjs/core')}/wasm/"
            ),
        },
    }


def _write_page(folder, litertjs):
    for name in PAGE_FILES:
        shutil.copyfile(PAGE / name, os.path.join(folder, name))
    if litertjs["source"] == "cdn":
        modules = {
            name: f"{CDN}/{name}@{version}/dist/index.js"
            for name, version in litertjs_versions().items()
        }
    else:
        modules = {name: f"./{_local(name)}/dist/index.js" for name in _RUNTIME_FILES}
    page = os.path.join(folder, "index.html")
    html = pathlib.Path(page).read_text()
    imports = json.dumps({"imports": modules}, indent=2)
    pathlib.Path(page).write_text(html.replace("__LITERTJS_IMPORT_MAP__", imports))


def _local(name):
    """The folder of a copied npm package: ``litertjs/core`` for ``@litertjs/core``."""
    return "litertjs/" + name.split("/")[1]


def _copy_runtime(node_modules, folder):
    for name, files in _RUNTIME_FILES.items():
        for file in files:
            target = pathlib.Path(folder, _local(name), file)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pathlib.Path(node_modules, name, file), target)

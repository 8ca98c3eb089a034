"""Deployment: a generator as a SavedModel or a LiteRT file, and one sampler.

- ``saved_model``: ``export_saved_model``, for TF Serving and TensorFlow.
- ``tflite``: ``export_tflite``, a ``.tflite`` file for LiteRT (float32,
  float16, dynamic or int8), measured against Keras before it is written.
- ``archive``: the ``serve`` and ``sample`` functions both exports trace.
- ``litert``: conversion, op checks and inference with ``ai_edge_litert``.
- ``hash_noise``: seeded latents from builtin LiteRT ops only.
- ``artifacts``: ``as_sampler``, the one loader of every artifact keras_gan
  writes (a GAN, ``.keras``, SavedModel, ``.tflite``), and
  ``load_exportable``, what the exports write from.
- ``sampler``: ``Sampler``, images in [0, 1] from any of them, with labels,
  truncation and interpolation.
- ``web``: ``export_web``, a static page that samples the ``.tflite`` file
  in the browser with LiteRT.js (its HTML and JS are in ``web_page/``).

Both exports trace the generator with TensorFlow: they need it installed and
the TensorFlow Keras backend (a ``.keras`` file saved on any backend loads
there). A new export format is one module here. What runs on the device side
(``export/sample_litert.py`` at the repository root) needs only the artifact
and its runtime, never this package.
"""

from keras_gan.export.artifacts import (
    Exportable,
    as_sampler,
    load_exportable,
    load_generator,
)
from keras_gan.export.sampler import Sampler
from keras_gan.export.saved_model import export_saved_model
from keras_gan.export.tflite import ExportReport, export_tflite
from keras_gan.export.web import WebExport, export_web

__all__ = [
    "ExportReport",
    "Exportable",
    "Sampler",
    "WebExport",
    "as_sampler",
    "export_saved_model",
    "export_tflite",
    "export_web",
    "load_exportable",
    "load_generator",
]

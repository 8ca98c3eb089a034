"""LiteRT (.tflite) conversion, op checks and inference with ``ai_edge_litert``.

The pip LiteRT runtimes carry builtin kernels only (no Flex delegate), so a
model that needs TensorFlow ops converts but cannot run. Conversion here
allows builtin ops only and ``check_builtin_ops`` re-reads the op list of the
result, so such a model fails at export time with the op names, not on device.
Conversion needs TensorFlow; running a ``.tflite`` file needs ``ai-edge-litert``
only.
"""

import json
import re
import warnings

import numpy as np

from keras_gan.utils import images
from keras_gan.utils.requirements import (
    INSTALL_LITERT,
    import_optional,
    import_tensorflow,
)

QUANTIZATIONS = ("none", "float16", "dynamic", "int8")


def convert(saved_model_dir, signature_keys, *, quantize="none", calibration=None):
    """Converts signatures of a SavedModel to ``.tflite`` bytes.

    Uses ``TFLiteConverter.from_saved_model``: ``from_concrete_functions``
    drops Keras 3 variables and yields a model that outputs NaN.

    Args:
        saved_model_dir: the SavedModel folder.
        signature_keys: signatures to convert; they keep their names. The
            SavedModel must not have a ``serve`` attribute, which the
            converter treats as a ``model.export`` artifact and reduces to
            ``serving_default`` alone.
        quantize: ``"none"`` (float32), ``"float16"`` (float16 weights),
            ``"dynamic"`` (int8 weights, float activations) or ``"int8"``
            (int8 weights and activations calibrated on ``calibration``,
            float32 inputs and outputs, float kernels where no int8 one
            exists).
        calibration: for ``"int8"``, an iterable of ``(signature_key,
            inputs_dict)`` pairs (a representative dataset).
    """
    tf = import_tensorflow("LiteRT (.tflite) export")
    check_quantize(quantize)
    if quantize == "int8" and calibration is None:
        raise ValueError('quantize="int8" needs `calibration` inputs.')
    converter = tf.lite.TFLiteConverter.from_saved_model(
        saved_model_dir, signature_keys=list(signature_keys)
    )
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    if quantize != "none":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if quantize == "float16":
        converter.target_spec.supported_types = [tf.float16]
    if quantize == "int8":
        calibration = list(calibration)
        converter.representative_dataset = lambda: iter(calibration)
    try:
        with warnings.catch_warnings():
            # int8 calibration runs the deprecated tf.lite.Interpreter inside.
            warnings.filterwarnings("ignore", message=".*tf.lite.Interpreter")
            return converter.convert()
    except Exception as error:  # ConverterError is not public API.
        raise RuntimeError(_conversion_failure(error)) from error


def check_quantize(quantize):
    if quantize not in QUANTIZATIONS:
        raise ValueError(
            f"`quantize` must be one of {QUANTIZATIONS}. "
            f"Received: quantize={quantize!r}"
        )


def _conversion_failure(error):
    text = str(error)
    found = re.findall(r"(?:TF Select|Custom) ops: ([^\n]*)", text)
    if found:
        return (
            "The generator uses ops that LiteRT has no builtin kernel for: "
            f"{', '.join(found)}. The pip LiteRT runtimes have no Flex delegate, "
            "so a model with them would not run. Replace those layers or ops."
        )
    return f"TFLite conversion failed: {text[:2000]}"


def non_builtin_ops(interpreter):
    """Names of the ops of ``interpreter``'s model that are not builtin."""
    names = {op["op_name"] for op in interpreter._get_ops_details()}
    return sorted(
        name
        for name in names
        if not re.fullmatch(r"[A-Z0-9_]+", name) or name in ("CUSTOM", "DELEGATE")
    )


def check_builtin_ops(content):
    """Raises ``RuntimeError`` naming any Flex or custom op in ``content``."""
    problems = non_builtin_ops(load_interpreter(content))
    if problems:
        raise RuntimeError(
            f"The converted model contains non-builtin ops {problems}; the pip "
            "LiteRT runtimes cannot run them (no Flex delegate)."
        )


def load_interpreter(model):
    """An ``ai_edge_litert`` interpreter for a ``.tflite`` path or its bytes.

    Raises ``ValueError`` naming the file when it is missing, truncated or
    not a ``.tflite`` model.
    """
    interpreter = import_optional(
        "ai_edge_litert.interpreter", "Running a .tflite model",
        package="ai-edge-litert", install=INSTALL_LITERT,
    )  # fmt: skip
    try:
        if isinstance(model, bytes):
            return interpreter.Interpreter(model_content=model)
        return interpreter.Interpreter(model_path=str(model))
    except (ValueError, RuntimeError) as error:
        name = "the model bytes" if isinstance(model, bytes) else repr(str(model))
        raise ValueError(
            f"Cannot load {name} as a LiteRT model ({error}). The file is missing, "
            "truncated or not a .tflite flatbuffer; export it again."
        ) from error


def generate(interpreter, latents, labels=None):
    """Runs ``serving_default``: float32 latents (and int labels) -> images."""
    runner = interpreter.get_signature_runner("serving_default")
    names = runner.get_input_details()
    feed = {"latents": np.asarray(latents, "float32")}
    if "labels" in names:
        feed["labels"] = _labels(labels, len(feed["latents"]))
    elif labels is not None:
        raise ValueError("`labels` were given, but this .tflite file takes none.")
    if "latents" not in names:  # files from before the inputs were named
        (name,) = names
        feed = {name: feed["latents"]}
    return runner(**feed)["images"]


def sample(interpreter, num_samples, seed, truncation=1.0, labels=None):
    """``(uint8 images, latents)`` for ``seed``, as ``sample_litert.py`` draws them.

    Runs the ``sample`` signature when the file has one (``truncation`` and,
    for a conditional generator, ``labels`` among its inputs). Otherwise
    (int8 files) the latents are ``numpy.random.default_rng(seed).standard_normal``
    (or uniform, by the file's metadata), scaled by ``truncation``, and the
    pixels map from the recorded range, or from [-1, 1] if any is negative,
    else from [0, 1].
    """
    signatures = interpreter.get_signature_list()
    if "sample" in signatures:
        runner = interpreter.get_signature_runner("sample")
        names = runner.get_input_details()
        feed = {
            "num_samples": np.array(num_samples, "int32"),
            "seed": np.array(seed, "int32"),
        }
        if "truncation" in names:
            feed["truncation"] = np.array(truncation, "float32")
        elif truncation != 1.0:
            raise ValueError(
                "This .tflite file was exported before truncation; export it "
                "again to sample it with `truncation`."
            )
        if "labels" in names:
            feed["labels"] = _labels(labels, num_samples)
        outputs = runner(**feed)
        return outputs["images"], outputs["latents"]
    if "serving_default" not in signatures:
        raise ValueError(
            "This .tflite file has neither a `sample` nor a `serving_default` "
            f"signature, only {sorted(signatures)}. Export it "
            "with keras_gan.export.export_tflite."
        )
    meta = metadata(interpreter) or {}
    latent_dim = latent_size(interpreter)
    rng = np.random.default_rng(seed)
    if meta.get("latent_distribution") == "uniform":
        latents = rng.uniform(-(3.0**0.5), 3.0**0.5, (num_samples, latent_dim))
    else:
        latents = rng.standard_normal((num_samples, latent_dim))
    latents = (latents * truncation).astype("float32")
    generated = generate(interpreter, latents, labels)
    value_range = meta.get("value_range")
    if value_range is None:
        value_range = (-1.0, 1.0) if generated.min() < 0 else (0.0, 1.0)
    return images.to_uint8(generated, tuple(value_range)), latents


def latent_size(interpreter):
    """The size of ``serving_default``'s latents."""
    inputs = interpreter.get_signature_runner("serving_default").get_input_details()
    latents = inputs["latents"] if "latents" in inputs else next(iter(inputs.values()))
    return int(latents["shape"][-1])


def metadata(interpreter):
    """The file's ``metadata`` signature as a dict; None for files without one.

    Holds ``latent_dim``, ``latent_distribution``, ``value_range``,
    ``image_shape``, ``num_classes`` and ``class_names`` (see
    ``keras_gan.export.archive``).
    """
    if "metadata" not in interpreter.get_signature_list():
        return None
    runner = interpreter.get_signature_runner("metadata")
    (text,) = runner(version=np.array(0, "int32"))["metadata"]
    return json.loads(text.decode() if isinstance(text, bytes) else text)


def _labels(labels, count):
    if labels is None:
        raise ValueError(
            "This .tflite generator is conditional: pass `labels`, one int class "
            "index per sample."
        )
    labels = np.broadcast_to(np.asarray(labels), (count,))
    return np.ascontiguousarray(labels, dtype="int32")

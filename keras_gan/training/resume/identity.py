"""A run's identity: what a backup must match to be resumed.

The GAN's and its compile configuration, the batch size and the data. A
backup of another run is refused with the settings that differ.
"""

import json
import zlib

import numpy as np

from keras_gan.training.resume.variables import read_metadata

# Options that change how a step runs, not what it computes.
_EXECUTION_OPTIONS = ("run_eagerly", "steps_per_execution", "jit_compile")


def run_identity(gan, images, batch_size, labels=None):
    """A JSON-able dict that two runs share exactly when they train alike.

    The GAN's config (networks, latent size, k, objective, seed, EMA) and
    compile config (optimizers) without names Keras numbers per process and
    without execution options, the batch size, and the data's shape and
    checksum (with the labels' checksum when they are given).
    """
    compile_config = {
        key: value
        for key, value in gan.get_compile_config().items()
        if key not in _EXECUTION_OPTIONS
    }
    identity = {
        "gan": gan.get_config(),
        "compile": compile_config,
        "batch_size": batch_size,
        "data": {"shape": list(images.shape), "crc32": zlib.crc32(images.tobytes())},
        **({} if labels is None else {"labels_crc32": _labels_checksum(labels)}),
    }
    return _without_names(json.loads(json.dumps(identity, default=str)))


def _labels_checksum(labels):
    return zlib.crc32(np.asarray(labels, "int64").tobytes())


# A seeded layer's seed only starts its seed state, which the backup restores.
_SEEDED_LAYERS = ("Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D")


def _without_names(value):
    if isinstance(value, dict):
        if value.get("class_name") in _SEEDED_LAYERS and "config" in value:
            config = {k: v for k, v in value["config"].items() if k != "seed"}
            value = {**value, "config": config}
        return {
            key: _without_names(item)
            for key, item in value.items()
            if key not in ("name", "keras_history")
        }
    if isinstance(value, list):
        return [_without_names(item) for item in value]
    return value


def check_identity(path, identity):
    saved = read_metadata(path).get("identity", {})
    differences = [
        _describe(key, saved.get(key), value)
        for key, value in identity.items()
        if saved.get(key) != value
    ]
    if differences:
        raise ValueError(
            f"{path} is the backup of a run with other settings "
            f"({'; '.join(differences)}). Rerun with the same settings to resume, "
            "or use another --output-dir."
        )


def _describe(key, old, new):
    if isinstance(old, dict) and isinstance(new, dict):
        keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        return ", ".join(_describe(k, old.get(k), new.get(k)) for k in keys)
    if isinstance(old, (dict, list)) or isinstance(new, (dict, list)):
        return f"{key}: other network or settings"
    return f"{key}: backup {old!r}, now {new!r}"

"""What a training run is: its variables by name, and its identity.

``keyed_variables`` names every variable of a model's training state by its
owner and path, the keys of ``keras_gan.backup`` files, so a backup that does
not fit a model names the variable that differs. ``run_identity`` is what a
backup must match to be resumed: the GAN's and its compile configuration,
the batch size and the data.
"""

import collections
import json
import re
import zlib

import keras

# Keras numbers auto-named layers and optimizers per process ("dense_3"); a
# rebuilt network gets other numbers, so keys drop them and count repeats.
_AUTO_NUMBER = re.compile(r"_\d+(?=/|_|$)")
# Options that change how a step runs, not what it computes.
_EXECUTION_OPTIONS = ("run_eagerly", "steps_per_execution", "jit_compile")


def keyed_variables(model):
    """``{key: variable}`` for every variable of ``model``'s training state.

    Keys are ``owner/path``: the owner is the model attribute holding the
    variable (``generator``, ``discriminator``, ``ema_generator``,
    ``generator_optimizer``, ...), ``metrics`` for metric variables, or
    ``model`` for anything else the model holds (seed-generator states
    included); the path is ``variable.path`` without Keras's per-process
    numbering, with ``#2``, ``#3``... for repeats in one owner.
    """
    keyed, seen = {}, set()
    for owner, variables in _owners(model):
        counts = collections.Counter()
        for variable in variables:
            if id(variable) in seen:
                continue
            seen.add(id(variable))
            key = f"{owner}/{_AUTO_NUMBER.sub('', variable.path)}"
            counts[key] += 1
            keyed[key if counts[key] == 1 else f"{key}#{counts[key]}"] = variable
    return keyed


def _owners(model):
    for name in sorted(vars(model)):
        value = getattr(model, name, None)
        if not name.startswith("_") and isinstance(
            value, (keras.layers.Layer, keras.optimizers.Optimizer)
        ):
            yield name, value.variables
    yield "metrics", model.metrics_variables
    yield "model", model.variables


def run_identity(gan, images, batch_size):
    """A JSON-able dict that two runs share exactly when they train alike.

    The GAN's config (networks, latent size, k, objective, seed, EMA) and
    compile config (optimizers) without names Keras numbers per process and
    without execution options, the batch size, and the data's shape and
    checksum.
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
    }
    return _without_names(json.loads(json.dumps(identity, default=str)))


def _without_names(value):
    if isinstance(value, dict):
        return {
            key: _without_names(item)
            for key, item in value.items()
            if key not in ("name", "keras_history")
        }
    if isinstance(value, list):
        return [_without_names(item) for item in value]
    return value

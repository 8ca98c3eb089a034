"""A run's training state: every variable by owner and path, in one backup file.

``keyed_variables`` names every variable of a model's training state by its
owner and path, the keys of backup files, so a backup that does not fit a
model names the variable that differs. ``save_backup``/``restore_backup``
write and read that state atomically as one ``.npz`` file.
"""

import collections
import glob
import json
import os
import re
import shutil

import keras
import numpy as np

from keras_gan.utils.atomic import atomic_path

# Keras numbers auto-named layers and optimizers per process ("dense_3"); a
# rebuilt network gets other numbers, so keys drop them and count repeats.
_AUTO_NUMBER = re.compile(r"_\d+(?=/|_|$)")


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


def save_backup(model, path, *, step, metadata=None):
    """Writes ``model``'s training state and position to ``path`` atomically.

    A kill at any moment leaves either the previous backup or the new one,
    never a half-written file. A state holding NaN or infinity is refused, so
    a diverged model never replaces a good backup.

    Args:
        model: a compiled ``keras.Model`` (e.g. a ``GAN``).
        path: the ``.npz`` file to write.
        step: training steps (batches) done so far.
        metadata: JSON-serializable dict stored beside the arrays.

    Raises:
        ValueError: a variable is not finite; nothing was written.
    """
    arrays = {key: _to_numpy(v) for key, v in keyed_variables(model).items()}
    for key, array in arrays.items():
        if array.dtype.kind == "f" and not np.isfinite(array).all():
            raise ValueError(f"Not backing up step {step}: {key} is not finite.")
    header = json.dumps({**(metadata or {}), "step": int(step)})
    with atomic_path(path) as temporary:
        with open(temporary, "wb") as file:
            np.savez(file, _metadata=np.array(header), **arrays)
            file.flush()
            os.fsync(file.fileno())


def _to_numpy(variable):
    # Under tf.distribute the value is a MirroredVariable, which numpy cannot
    # convert but which reads itself (its replicas are identical).
    value = variable.value
    if keras.backend.backend() != "tensorflow":
        return keras.ops.convert_to_numpy(value)
    return value.numpy() if hasattr(value, "numpy") else np.asarray(value)


def remove_partial_backups(path):
    """Deletes staging folders that a kill during ``save_backup`` left beside ``path``.

    Call it only when no other process is writing a backup to ``path``.
    """
    folder, name = os.path.split(os.path.abspath(path))
    for stale in glob.glob(
        os.path.join(glob.escape(folder), f".{glob.escape(name)}.*")
    ):
        shutil.rmtree(stale, ignore_errors=True)


def read_metadata(path):
    """The metadata dict of the backup at ``path`` (with its ``step``)."""
    with np.load(path) as archive:
        return json.loads(str(archive["_metadata"]))


def restore_backup(model, path):
    """Loads the training state at ``path`` into ``model``; returns its metadata.

    Raises:
        ValueError: the backup lacks one of the model's variables, holds one
            the model lacks, or holds one with another shape; the message
            names the variable. Nothing is assigned then.
    """
    variables = keyed_variables(model)
    with np.load(path) as archive:
        saved = {name: archive[name] for name in archive.files if name != "_metadata"}
        metadata = json.loads(str(archive["_metadata"]))
    missing = sorted(set(variables) - set(saved))
    extra = sorted(set(saved) - set(variables))
    if missing or extra:
        found = f"no {missing[0]!r}" if missing else f"an unknown {extra[0]!r}"
        raise ValueError(_mismatch(path, found, f"{len(variables)} variables"))
    for key, variable in variables.items():
        if tuple(variable.shape) != saved[key].shape:
            found = f"shape {saved[key].shape} for {key!r}"
            raise ValueError(_mismatch(path, found, tuple(variable.shape)))
    for key, variable in variables.items():
        variable.assign(saved[key])
    return metadata


def _mismatch(path, found, expected):
    return (
        f"The backup {path!r} holds {found}, but the model expects {expected}: it "
        "was written for another model or configuration. Delete it, or resume "
        "with the configuration that wrote it."
    )

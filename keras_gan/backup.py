"""Exact resume: whole-state backups and a data order that restarts mid-epoch.

Keras's ``BackupAndRestore`` reruns an interrupted epoch from its first batch.
Resuming so that training "loses nothing and repeats nothing" needs three
things, all here:

1. ``save_backup`` / ``restore_backup``: every variable that shapes the rest of
   training (weights, the moving-average generator, both optimizers' slots and
   step counters, the dropout layers' seed-generator states, the running
   metric averages), written atomically to one ``.npz`` file.
2. ``epoch_batches``: epoch e's data order is a pure function of (seed, e), so
   a new process can rebuild it and skip the batches already trained on.
3. ``TrainingBackup``: a callback that writes the backup every N steps and at
   every epoch end, together with the position (steps done).

The GAN's training noise is keyed on the generator optimizer's step counter,
so restoring the optimizers restores the noise stream too.
``keras_gan.training.train`` (``keras-gan train``) puts the pieces together.
"""

import glob
import json
import math
import os
import shutil

import keras
import numpy as np
import tensorflow as tf

from keras_gan.saving import atomic_path


def training_variables(model):
    """Every variable of ``model``'s training state, in a fixed order.

    ``model.variables`` (weights, sub-models such as ``ema_generator``, and
    ``SeedGenerator`` states, which ``model.weights`` leaves out), then the
    variables of every optimizer the model holds as an attribute (in
    attribute-name order), then the metric variables.
    """
    found = list(model.variables)
    for name in sorted(vars(model)):
        value = getattr(model, name, None)
        if isinstance(value, keras.optimizers.Optimizer):
            found.extend(value.variables)
    found.extend(model.metrics_variables)
    unique, seen = [], set()
    for variable in found:
        if id(variable) not in seen:
            seen.add(id(variable))
            unique.append(variable)
    return unique


def save_backup(model, path, *, step, metadata=None):
    """Writes ``model``'s training state and position to ``path`` atomically.

    A kill at any moment leaves either the previous backup or the new one,
    never a half-written file.

    Args:
        model: a compiled ``keras.Model`` (e.g. a ``GAN``).
        path: the ``.npz`` file to write.
        step: training steps (batches) done so far.
        metadata: JSON-serializable dict stored beside the arrays.
    """
    arrays = {
        f"v{index:05d}": _to_numpy(variable)
        for index, variable in enumerate(training_variables(model))
    }
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
        ValueError: the backup was written by a model with other variables.
    """
    variables = training_variables(model)
    with np.load(path) as archive:
        names = sorted(name for name in archive.files if name != "_metadata")
        if len(names) != len(variables):
            raise ValueError(_mismatch(path, f"{len(names)} variables", len(variables)))
        values = [archive[name] for name in names]
        metadata = json.loads(str(archive["_metadata"]))
    for variable, value in zip(variables, values, strict=True):
        if tuple(variable.shape) != value.shape:
            raise ValueError(
                _mismatch(
                    path, f"shape {value.shape} for {variable.path}", variable.shape
                )
            )
    for variable, value in zip(variables, values, strict=True):
        variable.assign(value)
    return metadata


def _mismatch(path, found, expected):
    return (
        f"The backup {path!r} holds {found}, but the model expects {expected}: it "
        "was written for another model or configuration. Delete it, or resume "
        "with the configuration that wrote it."
    )


def steps_per_epoch(num_images, step_batch_size):
    """Batches per epoch of ``epoch_batches`` (the remainder is dropped)."""
    return num_images // step_batch_size


def epoch_batches(images, *, step_batch_size, seed, start_epoch, end_epoch, skip=0):
    """Batches of epochs ``start_epoch .. end_epoch - 1``, skipping the first ``skip``.

    Epoch e visits ``images`` in the order ``stateless_shuffle(range(N),
    (seed, e))`` and drops the last partial batch, so the batches of any epoch
    can be rebuilt in a new process: ``skip=s`` starts at batch s of
    ``start_epoch``. Each element holds ``step_batch_size`` images (k*m for a
    GAN with k discriminator steps).

    Args:
        images: array (N, H, W, C), already in the generator's pixel range.
        step_batch_size: images per training step.
        seed: int, the data-order seed.
        start_epoch: first epoch (0-based).
        end_epoch: one past the last epoch.
        skip: batches of ``start_epoch`` already trained on.
    """
    count = len(images)
    batches = steps_per_epoch(count, step_batch_size)
    if batches < 1:
        raise ValueError(
            f"`step_batch_size`={step_batch_size} is larger than the number of "
            f"images ({count})."
        )
    images = tf.constant(images)

    def epoch_indices(epoch):
        key = tf.stack([tf.constant(seed, "int64"), epoch])
        order = tf.random.experimental.stateless_shuffle(tf.range(count), key)
        order = tf.reshape(order[: batches * step_batch_size], (batches, -1))
        return tf.data.Dataset.from_tensor_slices(order)

    dataset = tf.data.Dataset.range(start_epoch, end_epoch).flat_map(epoch_indices)
    dataset = dataset.skip(skip).map(lambda indices: tf.gather(images, indices))
    return dataset.prefetch(tf.data.AUTOTUNE)


class TrainingBackup(keras.callbacks.Callback):
    """Backs up the whole training state every ``every_steps`` steps and each epoch.

    The position saved is the number of steps done, so a run restored with
    ``restore_backup`` continues at ``divmod(step, steps_per_epoch)`` (epoch,
    batch). A backup is skipped when a logged value is not finite, so a
    diverged state (see ``keras.callbacks.TerminateOnNaN``) never replaces a
    good one. When resuming mid-epoch, pass the restored metric values as
    ``carried_metrics``: they are put back after ``fit`` resets the metrics,
    so the interrupted epoch's averages cover all its steps.

    Args:
        path: the ``.npz`` file to write.
        steps_per_epoch: training steps in a full epoch.
        every_steps: also back up every this many steps (None: epoch ends only).
        initial_step: steps done before this ``fit`` started.
        metadata: JSON-serializable dict saved with every backup.
        carried_metrics: metric variable values to restore at the first epoch.
    """

    def __init__(
        self,
        path,
        *,
        steps_per_epoch,
        every_steps=None,
        initial_step=0,
        metadata=None,
        carried_metrics=None,
    ):
        super().__init__()
        if every_steps is not None and every_steps < 1:
            raise ValueError(
                "`every_steps` must be None or an integer >= 1. Received: "
                f"every_steps={every_steps}"
            )
        self.path = path
        self.steps_per_epoch = steps_per_epoch
        self.every_steps = every_steps
        self.step = initial_step
        self.metadata = metadata
        self.carried_metrics = carried_metrics
        self._epoch_start = initial_step

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = self.step
        if self.carried_metrics is not None:
            for variable, value in zip(
                self.model.metrics_variables, self.carried_metrics, strict=True
            ):
                variable.assign(value)
            self.carried_metrics = None

    def on_train_batch_end(self, batch, logs=None):
        # `batch` is the index of the last step run in this epoch of this fit;
        # with steps_per_execution > 1 steps arrive several at a time.
        previous, self.step = self.step, self._epoch_start + batch + 1
        every = self.every_steps
        if every and self.step // every > previous // every:
            if self.step % self.steps_per_epoch:  # epoch ends back up anyway
                self._save(logs)

    def on_epoch_end(self, epoch, logs=None):
        self._save(logs)

    def _save(self, logs):
        if all(math.isfinite(float(value)) for value in (logs or {}).values()):
            save_backup(self.model, self.path, step=self.step, metadata=self.metadata)

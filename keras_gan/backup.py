"""Exact resume: whole-state backups and the one function that fits resumably.

Keras's ``BackupAndRestore`` reruns an interrupted epoch from its first batch.
Resuming so that training "loses nothing and repeats nothing" needs:

1. ``save_backup`` / ``restore_backup``: every variable that shapes the rest of
   training (weights, the moving-average generator, both optimizers' slots and
   step counters, the dropout layers' seed-generator states, the running
   metric averages), keyed by owner and path and written atomically to one
   ``.npz`` file.
2. A data order that is a pure function of (seed, epoch):
   ``keras_gan.data.epoch_batches``, the order of ``data.from_array`` too.
3. ``fit_resumably``: restores the backup, checks that it belongs to this run,
   plans the ``fit`` calls that finish the run (an interrupted epoch first),
   carries the interrupted epoch's metric averages over, and backs up every N
   steps and at every epoch end.

The GAN's training noise is keyed on the generator optimizer's step counter,
so restoring the optimizers restores the noise stream too.
"""

import math
import os
import sys

import keras
import numpy as np

from keras_gan import backend, data
from keras_gan.state import (
    keyed_variables,
    read_metadata,
    remove_partial_backups,
    restore_backup,
    run_identity,
    save_backup,
)

__all__ = [
    "TrainingBackup",
    "fit_resumably",
    "keyed_variables",
    "read_metadata",
    "restore_backup",
    "run_identity",
    "run_seed",
    "save_backup",
]


def run_seed(output_dir, seed=None):
    """The seed of the run in ``output_dir``: its backup's, else ``seed``.

    Build the GAN with this seed to resume the run exactly. Without a backup
    and without ``seed`` a fresh seed is drawn.
    """
    path = os.path.join(output_dir, "backup.npz")
    if os.path.exists(path) and seed is None:
        return read_metadata(path)["identity"]["gan"]["seed"]
    return int(np.random.randint(2**31)) if seed is None else seed


def fit_resumably(
    gan, images, path, *, epochs, batch_size, callbacks=(), every_steps=None, verbose=1
):
    """Fits ``gan`` for ``epochs`` on ``images``, continuing the backup at ``path``.

    Without a backup the run starts from the GAN as it is. With one, the
    backup must be of this run (same GAN and compile configuration, batch size
    and data; see ``run_identity``); its state is restored and training goes
    on from the step it holds, mid-epoch if need be, so the result is the same
    bit for bit as an uninterrupted run. Epoch e visits the images in the
    order ``data.epoch_order(N, gan.seed, e)``.

    Args:
        gan: a compiled, seeded ``keras_gan.GAN``.
        images: array (N, H, W, C) in the generator's pixel range.
        path: the backup ``.npz`` file.
        epochs: total epochs of the run (>= 1), counting those already done.
        batch_size: m, images per discriminator update.
        callbacks: more callbacks for every ``fit`` call.
        every_steps: also back up every this many steps (None: epoch ends).
        verbose: ``fit`` verbosity; also reports a resume on stderr.

    Returns:
        The number of steps done.
    """
    step_batch = data.check_step_batch(len(images), batch_size, gan.discriminator_steps)
    per_epoch = len(images) // step_batch
    identity = run_identity(gan, images, batch_size)
    remove_partial_backups(path)
    step, carried = 0, None
    if os.path.exists(path):
        _check_identity(path, identity)
        step = restore_backup(gan, path)["step"]
        carried = [keras.ops.convert_to_numpy(v) for v in gan.metrics_variables]
    _check_position(step, per_epoch, epochs, verbose)
    for start, end, skip in fit_plan(step, per_epoch, epochs):
        saver = TrainingBackup(
            path,
            steps_per_epoch=per_epoch,
            every_steps=every_steps,
            initial_step=start * per_epoch + skip,
            metadata={"identity": identity},
            carried_metrics=carried if skip else None,
        )
        batches = data.epoch_batches(
            images, step_batch_size=step_batch, seed=gan.seed,
            start_epoch=start, end_epoch=end, skip=skip,
        )  # fmt: skip
        gan.fit(
            batches, initial_epoch=start, epochs=end, steps_per_epoch=per_epoch - skip,
            callbacks=[*callbacks, saver], shuffle=False, verbose=verbose,
        )  # fmt: skip
        step = saver.step
        if gan.stop_training:
            break
    return step


def fit_plan(step, steps_per_epoch, epochs):
    """``(start_epoch, end_epoch, skip)`` of the ``fit`` calls that finish the run.

    Keras's ``fit`` cannot start mid-epoch, so an interrupted epoch is
    finished by a ``fit`` of its remaining steps, then one ``fit`` runs the
    following epochs.
    """
    epoch, skip = divmod(step, steps_per_epoch)
    plan = []
    if skip:
        plan.append((epoch, epoch + 1, skip))
        epoch += 1
    if epoch < epochs:
        plan.append((epoch, epochs, 0))
    return plan


def _check_identity(path, identity):
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


def _check_position(step, steps_per_epoch, epochs, verbose):
    if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"`epochs` must be an integer >= 1. Received: {epochs!r}")
    done = step / steps_per_epoch
    if step > epochs * steps_per_epoch:
        raise ValueError(
            f"The backup is at epoch {done:g}, past `epochs`={epochs}. Pass "
            f"epochs >= {done:g} or use another output directory."
        )
    if step and verbose:
        if step == epochs * steps_per_epoch:
            message = f"Training already finished ({epochs} epochs); rewriting outputs."
        else:
            message = f"Resuming from the backup at epoch {done:.3f}."
        print(message, file=sys.stderr)


class TrainingBackup(keras.callbacks.Callback):
    """Backs up the whole training state every ``every_steps`` steps and each epoch.

    The position saved is the number of steps done, so a run restored with
    ``restore_backup`` continues at ``divmod(step, steps_per_epoch)`` (epoch,
    batch). A backup is skipped when a logged value or a variable is not
    finite, so a diverged state never replaces a good one. When resuming
    mid-epoch, ``carried_metrics`` (the restored metric values) are put back
    after ``fit`` resets the metrics, so the interrupted epoch's averages
    cover all its steps. ``fit_resumably`` sets all of this up.

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
        if every_steps is not None and (
            not isinstance(every_steps, int) or every_steps < 1
        ):
            raise ValueError(
                "`every_steps` must be None or an integer >= 1. Received: "
                f"every_steps={every_steps!r}"
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
        if not all(math.isfinite(float(value)) for value in (logs or {}).values()):
            return
        backend.sync_state(self.model)  # JAX holds the state apart mid-epoch
        try:
            save_backup(self.model, self.path, step=self.step, metadata=self.metadata)
        except ValueError as error:  # a non-finite variable: keep the last backup
            print(f"keras_gan: {error}", file=sys.stderr)

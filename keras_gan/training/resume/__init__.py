"""Exact resume: one package owns a run's backups.

A killed run, rerun, continues from its last backup and ends bit-identical
to an uninterrupted one. What that takes, one module each:

- ``variables``: every variable of the training state by owner and path,
  written atomically to one ``.npz`` backup and read back.
- ``identity``: what a backup must match to be resumed (the GAN, its
  optimizers, the batch size, the data).
- ``plan``: the position: a step count, and the ``fit`` calls that finish
  the run from it (an interrupted epoch first).
- ``callback``: ``TrainingBackup``, which writes backups as ``fit`` runs.
- ``fit``: ``fit_resumably``, which puts them together, and ``run_seed``.

The data order is ``keras_gan.data.order``'s: epoch e's batches are a pure
function of (seed, e), so a new process rebuilds them. The training noise is
keyed on the generator optimizer's step counter, so restoring the
optimizers restores the noise stream too.
"""

from keras_gan.training.resume.callback import TrainingBackup
from keras_gan.training.resume.fit import fit_resumably, run_seed
from keras_gan.training.resume.identity import run_identity
from keras_gan.training.resume.plan import fit_plan
from keras_gan.training.resume.variables import (
    keyed_variables,
    read_metadata,
    remove_partial_backups,
    restore_backup,
    save_backup,
)

__all__ = [
    "TrainingBackup",
    "fit_plan",
    "fit_resumably",
    "keyed_variables",
    "read_metadata",
    "remove_partial_backups",
    "restore_backup",
    "run_identity",
    "run_seed",
    "save_backup",
]

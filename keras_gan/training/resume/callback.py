"""``TrainingBackup``: the callback that writes a run's backups as it trains."""

import math
import sys

import keras

from keras_gan import backend
from keras_gan.training.resume.variables import save_backup


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
        stop_at_step: stop ``fit`` once this many steps are done (mid-epoch
            too; the epoch's end then writes the backup). None: run on.
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
        stop_at_step=None,
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
        self.stop_at_step = stop_at_step
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
        if self.stop_at_step is not None and self.step >= self.stop_at_step:
            self.model.stop_training = True  # on_epoch_end still backs up
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

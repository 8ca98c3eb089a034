"""Stopping a GAN whose losses diverge."""

import keras
import numpy as np


class TerminateOnNaN(keras.callbacks.TerminateOnNaN):
    """Stops training when ``d_loss`` or ``g_loss`` becomes NaN or infinite.

    Keras's ``TerminateOnNaN`` reads only ``logs["loss"]``, which a GAN does
    not log, so on a GAN the stock callback never fires. This one checks both
    losses and otherwise behaves the same (``raise_error`` included); after a
    stop, ``stopped`` says which loss diverged at which batch (else None).
    """

    def __init__(self, raise_error=False):
        super().__init__(raise_error=raise_error)
        self.stopped = None

    def on_train_begin(self, logs=None):
        self.stopped = None

    def on_batch_end(self, batch, logs=None):
        for name in ("d_loss", "g_loss"):
            value = (logs or {}).get(name)
            if value is not None and not np.isfinite(value):
                self.stopped = f"{name} (at batch {batch} of the epoch)"
                super().on_batch_end(batch, {"loss": value})
                return

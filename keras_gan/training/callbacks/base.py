"""The base of the callbacks that run every few epochs and write summaries."""

import os

import keras

from keras_gan.utils.requirements import import_tensorflow


def summary_module(log_dir):
    """``tf.summary``, which writes TensorBoard event files to ``log_dir``.

    TensorBoard's file format is TensorFlow's; ``tf.summary`` takes NumPy
    arrays, so it serves every Keras backend when TensorFlow is installed.
    Without it this raises ``MissingDependency`` (an ``ImportError``).
    """
    feature = f"Writing TensorBoard logs (log_dir={os.fspath(log_dir)!r})"
    return import_tensorflow(feature).summary


class EveryEpochs(keras.callbacks.Callback):
    """Base: calls ``_run(epoch)`` at the end of every ``every_epochs``-th epoch."""

    def __init__(self, every_epochs):
        super().__init__()
        if not isinstance(every_epochs, int) or every_epochs < 1:
            raise ValueError(
                f"`every_epochs` must be an integer >= 1. Received: {every_epochs!r}"
            )
        self.every_epochs = every_epochs
        self._writer = None

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_epochs == 0:
            self._run(epoch, logs if logs is not None else {})

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def _summary_writer(self, log_dir, run):
        if self._writer is None:
            summary = summary_module(log_dir)
            self._writer = summary.create_file_writer(os.path.join(log_dir, run))
        return self._writer

"""Keras's TensorBoard callback, fixed for GANs and resumed runs."""

import keras

from keras_gan.training.callbacks.base import summary_module


class TensorBoard(keras.callbacks.TensorBoard):
    """``keras.callbacks.TensorBoard`` that keeps epoch summaries and resumes steps.

    With an integer ``update_freq`` the stock callback leaves its batch-level
    condition (record only when the batch counter is a multiple of
    ``update_freq``) active at the epoch end, so epoch scalars are silently
    dropped unless an epoch ends on such a step. Here they are always written.
    The stock callback also counts batch steps from 0 in every ``fit``; this
    one starts from the steps the GAN has already trained (its generator
    optimizer's step counter), so a resumed run logs on from where it was.

    Args:
        log_dir: the log directory.
        **kwargs: ``keras.callbacks.TensorBoard`` arguments.
    """

    def __init__(self, log_dir="logs", **kwargs):
        summary_module(log_dir)  # without TensorFlow, fail now, not mid-fit
        super().__init__(log_dir, **kwargs)

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        steps = self.model.generator_optimizer.iterations
        self._global_train_batch = int(keras.ops.convert_to_numpy(steps.value))

    def on_epoch_end(self, epoch, logs=None):
        with self.summary.record_if(True):
            super().on_epoch_end(epoch, logs)

"""``monitoring_callbacks``: the monitoring of ``keras-gan train`` as callbacks."""

import os
import sys

import keras

from keras_gan.training.callbacks.collapse import ModeCollapseMonitor
from keras_gan.training.callbacks.histograms import LogitHistograms
from keras_gan.training.callbacks.sample_grid import SampleGrid
from keras_gan.training.callbacks.tensorboard import TensorBoard
from keras_gan.utils.requirements import has_tensorflow


def monitoring_callbacks(
    real_images,
    log_dir,
    *,
    real_labels=None,
    png_dir=None,
    csv_path=None,
    log_every_steps=None,
    samples_every_epochs=1,
    histograms_every_epochs=None,
    collapse_threshold=None,
    stop_on_collapse=False,
    use_ema=False,
):
    """The monitoring of ``keras-gan train``, as a list of callbacks.

    ``TensorBoard`` (epoch scalars, plus batch scalars every
    ``log_every_steps``), a ``SampleGrid`` every ``samples_every_epochs`` (0 or
    None: off), ``LogitHistograms`` every ``histograms_every_epochs`` (off by
    default), a ``ModeCollapseMonitor`` when ``collapse_threshold`` is set and
    a ``keras.callbacks.CSVLogger`` with ``csv_path``. The collapse monitor
    comes first so that the logs after it carry its ``diversity``. Without
    TensorFlow the TensorBoard parts are left out, with one line on stderr.

    Args:
        real_images: real images in the generator's pixel range.
        real_labels: their labels (a conditional GAN's logit histograms
            judge the real images with them).
        log_dir: TensorBoard log directory, or None for no TensorBoard logs.
        png_dir: folder for the sample grids' PNG files, or None.
        csv_path: CSV file of the epoch logs (appended to on resume), or None.
        use_ema: grids and the collapse monitor draw from the EMA generator.
    """
    hooks, ema = [], {"use_ema": use_ema}
    if collapse_threshold is not None:
        count = min(64, len(real_images))
        monitor = ModeCollapseMonitor(
            real_images, threshold=collapse_threshold, num_samples=count,
            stop_on_collapse=stop_on_collapse, **ema,
        )  # fmt: skip
        hooks.append(monitor)
    if csv_path is not None:
        os.makedirs(os.path.dirname(os.path.abspath(csv_path)), exist_ok=True)
        hooks.append(keras.callbacks.CSVLogger(csv_path, append=True))
    log_dir = log_dir if _can_write_tensorboard(log_dir) else None
    if log_dir is not None:
        hooks.append(TensorBoard(log_dir, update_freq=log_every_steps or "epoch"))
    if samples_every_epochs and (log_dir is not None or png_dir is not None):
        every = samples_every_epochs
        hooks.append(SampleGrid(log_dir, png_dir=png_dir, every_epochs=every, **ema))
    if histograms_every_epochs and log_dir is not None:
        every = histograms_every_epochs
        real, labels = real_images[:256], None
        if real_labels is not None:
            labels = real_labels[:256]
        hooks.append(
            LogitHistograms(
                real, log_dir, real_labels=labels, every_epochs=every, **ema
            )
        )
    return hooks


def _can_write_tensorboard(log_dir):
    if log_dir is None:
        return False
    if has_tensorflow():
        return True
    print(
        "keras_gan: TensorBoard logs need TensorFlow (pip install tensorflow-cpu); "
        "training without them",
        file=sys.stderr,
    )
    return False

"""Callbacks that watch a GAN train: sample grids, logit histograms, collapse.

The training scalars (``d_loss``, ``g_loss``, ``d_real``, ``d_fake``, and
``d_grad_norm``/``g_grad_norm`` with ``compile(track_gradient_norms=True)``)
need no callback of ours: the stock ``keras.callbacks.TensorBoard`` logs them.
``SampleGrid``, ``LogitHistograms`` and ``ModeCollapseMonitor`` run the
networks outside ``train_step`` (which does no I/O); the first two write
TensorBoard summaries to their own runs under ``log_dir`` (``samples``,
``discriminator``), beside the stock callback's ``train`` run.
``TerminateOnNaN`` and ``TensorBoard`` fix stock callbacks for GANs.

TensorBoard event files need TensorFlow, on any Keras backend; without it
``monitoring_callbacks`` keeps the CSV log and the PNG grids.
"""

import os
import sys
import warnings

import keras
import numpy as np

from keras_gan import backend, images, networks
from keras_gan.callbacks_base import EveryEpochs, summary_module
from keras_gan.collapse import ModeCollapseMonitor, pairwise_distance
from keras_gan.requirements import has_tensorflow


class SampleGrid(EveryEpochs):
    """Logs a tiled grid of images generated from a fixed set of latents.

    The images are ``gan.sample(num_samples, seed)``: the same latents every
    time, so successive grids show the same z evolving. Pixels are mapped
    from the generator's range (``networks.output_range``) to 0..255. The
    grid goes to TensorBoard as the image ``samples`` in the run
    ``log_dir/samples`` (step: the 0-based epoch, as the stock callback's
    epoch scalars) and, with ``png_dir``, to ``png_dir/epoch_0007.png``
    (named by epochs completed). With ``every_steps`` grids are also written
    every that many generator steps,
    as the image ``samples_by_step`` and ``png_dir/step_0000500.png``.

    Args:
        log_dir: TensorBoard log directory, or None for PNG files only.
        png_dir: folder for PNG files, or None.
        num_samples: images in the grid.
        seed: seed of the fixed latents.
        every_epochs: write a grid every this many epochs.
        every_steps: also write one every this many generator steps.
        columns: images per row; default near-square.
        scale: PNG upscaling factor (TensorBoard gets the unscaled grid).
        use_ema: draw from ``gan.ema_generator`` (see ``GAN.pick_generator``).
    """

    def __init__(
        self,
        log_dir=None,
        *,
        png_dir=None,
        num_samples=64,
        seed=0,
        every_epochs=1,
        every_steps=None,
        columns=None,
        scale=4,
        use_ema=False,
    ):
        super().__init__(every_epochs)
        self.every_steps = every_steps
        if log_dir is None and png_dir is None:
            raise ValueError(
                "SampleGrid needs `log_dir`, `png_dir` or both; got neither."
            )
        self.log_dir = log_dir
        # Without TensorFlow a log_dir fails here, not at the first grid.
        self._summary = None if log_dir is None else summary_module(log_dir)
        self.png_dir = png_dir
        self.num_samples = num_samples
        self.seed = seed
        self.columns = columns
        self.scale = scale
        self.use_ema = use_ema

    def grid(self):
        """The current grid, a uint8 array (H, W, C); None if G draws NaN."""
        gan = self.model
        samples = gan.sample(self.num_samples, self.seed, use_ema=self.use_ema)
        if not np.isfinite(samples).all():
            return None
        pixels = images.to_uint8(samples, networks.output_range(gan.generator))
        return images.tile(pixels, columns=self.columns)

    def on_train_batch_end(self, batch, logs=None):
        if self.every_steps:
            # On JAX the variables are detached from the model mid-epoch.
            backend.sync_state(self.model)
            # The optimizer's step counter survives a resume; a batch index does not.
            step = int(self.model.generator_optimizer.iterations)
            if step % self.every_steps == 0:
                self._write(f"step_{step:07d}.png", "samples_by_step", step)

    def _run(self, epoch, logs):
        self._write(f"epoch_{epoch + 1:04d}.png", "samples", epoch)

    def _write(self, file_name, tag, step):
        grid = self.grid()
        if grid is None:  # a diverged generator: a black grid would mislead
            warnings.warn(
                f"Not writing {file_name}: the generator draws NaN or infinite pixels.",
                stacklevel=2,
            )
            return
        if self.png_dir is not None:
            images.save_png(
                os.path.join(self.png_dir, file_name), grid, scale=self.scale
            )
        if self.log_dir is not None:
            writer = self._summary_writer(self.log_dir, "samples")
            # The stock TensorBoard may leave record_if(False) on; see below.
            with writer.as_default(), self._summary.record_if(True):
                self._summary.image(tag, grid[None], step=step)


class LogitHistograms(EveryEpochs):
    """Histograms of discriminator logits on a held real batch and on samples.

    Written to the run ``log_dir/discriminator`` as ``logits/real`` and
    ``logits/generated``: two separating humps mean D wins, overlapping ones
    mean D cannot tell. D runs in inference mode (no dropout) on
    ``real_images`` and on images from fixed latents.

    Args:
        real_images: a batch of real images in the generator's pixel range.
        log_dir: TensorBoard log directory.
        seed: seed of the latents of the generated batch.
        every_epochs: write every this many epochs.
        use_ema: generate with ``gan.ema_generator`` (see
            ``GAN.pick_generator``): D judges the images that will be shown.
    """

    def __init__(self, real_images, log_dir, *, seed=0, every_epochs=1, use_ema=False):
        super().__init__(every_epochs)
        self.real_images = np.asarray(real_images, dtype="float32")
        self.log_dir = log_dir
        self._summary = summary_module(log_dir)
        self.seed = seed
        self.use_ema = use_ema

    def _run(self, epoch, logs):
        gan = self.model
        generated = gan.sample(len(self.real_images), self.seed, use_ema=self.use_ema)
        writer = self._summary_writer(self.log_dir, "discriminator")
        with writer.as_default(), self._summary.record_if(True):
            for name, batch in (("real", self.real_images), ("generated", generated)):
                logits = gan.discriminator(batch, training=False)
                logits = keras.ops.convert_to_numpy(logits)  # a JAX or torch tensor
                self._summary.histogram(f"logits/{name}", logits, step=epoch)


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


def monitoring_callbacks(
    real_images,
    log_dir,
    *,
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
        real = real_images[:256]
        hooks.append(LogitHistograms(real, log_dir, every_epochs=every, **ema))
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


__all__ = [
    "EveryEpochs",
    "LogitHistograms",
    "ModeCollapseMonitor",
    "SampleGrid",
    "TensorBoard",
    "TerminateOnNaN",
    "monitoring_callbacks",
    "pairwise_distance",
]

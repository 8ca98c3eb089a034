"""Sample grids: the same latents every few epochs, to TensorBoard and PNGs."""

import os
import warnings

import numpy as np

from keras_gan import backend, networks
from keras_gan.training.callbacks.base import EveryEpochs, summary_module
from keras_gan.utils import images


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

    For a conditional GAN the grid has one row per class (the first
    ``max_classes``), and each column keeps its latents across the rows
    (``GAN.sample_per_class``): style fixed, class changing. It then holds
    ``num_samples // rows`` columns (or ``columns``).

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
        max_classes: rows of a conditional GAN's grid, at most.
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
        max_classes=10,
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
        self.max_classes = max_classes

    def grid(self):
        """The current grid, a uint8 array (H, W, C); None if G draws NaN."""
        gan = self.model
        columns = self.columns
        if gan.conditional:
            rows = min(gan.num_classes, self.max_classes)
            columns = columns or max(1, self.num_samples // rows)
            samples = gan.sample_per_class(
                columns, self.seed, classes=range(rows), use_ema=self.use_ema
            )
        else:
            samples = gan.sample(self.num_samples, self.seed, use_ema=self.use_ema)
        if not np.isfinite(samples).all():
            return None
        pixels = images.to_uint8(samples, networks.output_range(gan.generator))
        return images.tile(pixels, columns=columns)

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

"""Histograms of the discriminator's logits on real and generated images."""

import keras
import numpy as np

from keras_gan.training.callbacks.base import EveryEpochs, summary_module


class LogitHistograms(EveryEpochs):
    """Histograms of discriminator logits on a held real batch and on samples.

    Written to the run ``log_dir/discriminator`` as ``logits/real`` and
    ``logits/generated``: two separating humps mean D wins, overlapping ones
    mean D cannot tell. D runs in inference mode (no dropout) on
    ``real_images`` and on images from fixed latents; for a conditional GAN
    both with ``real_labels`` (the generated images are drawn for them).

    Args:
        real_images: a batch of real images in the generator's pixel range.
        log_dir: TensorBoard log directory.
        real_labels: their labels; needed by a conditional GAN.
        seed: seed of the latents of the generated batch.
        every_epochs: write every this many epochs.
        use_ema: generate with ``gan.ema_generator`` (see
            ``GAN.pick_generator``): D judges the images that will be shown.
    """

    def __init__(
        self,
        real_images,
        log_dir,
        *,
        real_labels=None,
        seed=0,
        every_epochs=1,
        use_ema=False,
    ):
        super().__init__(every_epochs)
        self.real_images = np.asarray(real_images, dtype="float32")
        self.real_labels = real_labels
        self.log_dir = log_dir
        self._summary = summary_module(log_dir)
        self.seed = seed
        self.use_ema = use_ema

    def _run(self, epoch, logs):
        gan = self.model
        labels = self._labels(gan)
        generated = gan.sample(
            len(self.real_images), self.seed, labels=labels, use_ema=self.use_ema
        )
        writer = self._summary_writer(self.log_dir, "discriminator")
        with writer.as_default(), self._summary.record_if(True):
            for name, batch in (("real", self.real_images), ("generated", generated)):
                inputs = batch if labels is None else [batch, labels]
                logits = gan.discriminator(inputs, training=False)
                logits = keras.ops.convert_to_numpy(logits)  # a JAX or torch tensor
                self._summary.histogram(f"logits/{name}", logits, step=epoch)

    def _labels(self, gan):
        """The real batch's labels as D takes them; None when unconditional."""
        if not gan.conditional:
            return None
        if self.real_labels is None:
            raise ValueError(
                "LogitHistograms on a conditional GAN needs `real_labels`, the "
                "labels of `real_images`."
            )
        return keras.ops.convert_to_tensor(
            gan.sample_labels(len(self.real_images), self.real_labels)
        )

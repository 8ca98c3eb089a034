"""Seeing mode collapse: sample diversity against real data's, as a callback.

Training G too long without updating D collapses many z onto one x, the
"Helvetica scenario" of Goodfellow et al. (2014), section 6.
``ModeCollapseMonitor`` measures it every few epochs and can stop training.
"""

import warnings

import numpy as np

from keras_gan.training.callbacks.base import EveryEpochs


def pairwise_distance(images):
    """Mean Euclidean distance between all pairs of distinct images in a batch."""
    flat = np.asarray(images, dtype="float64").reshape(len(images), -1)
    squared = np.sum(flat**2, axis=1)
    gram = squared[:, None] + squared[None, :] - 2.0 * flat @ flat.T
    distances = np.sqrt(np.maximum(gram, 0.0))
    count = len(flat)
    return distances.sum() / (count * (count - 1))


class ModeCollapseMonitor(EveryEpochs):
    """Watches sample diversity to catch mode collapse (the "Helvetica scenario").

    Diversity is the mean pairwise distance of ``num_samples`` generated
    images divided by that of a real batch of the same size: about 1 when the
    generator spreads like the data, 0 when many z map to one image (Goodfellow
    et al. 2014, section 6). The value is added to the epoch logs as
    ``diversity`` (so ``TensorBoard``, ``CSVLogger`` and ``EarlyStopping``
    placed after this callback see it); below ``threshold`` a warning is
    issued and, with ``stop_on_collapse=True``, training stops.

    Args:
        real_images: real images in the generator's pixel range; the first
            ``num_samples`` form the reference batch.
        threshold: diversity below which the generator counts as collapsed.
        num_samples: images per measurement.
        seed: seed of the latents.
        every_epochs: measure every this many epochs.
        stop_on_collapse: set ``model.stop_training`` on collapse.
        use_ema: measure ``gan.ema_generator`` (see ``GAN.pick_generator``).
    """

    def __init__(
        self,
        real_images,
        *,
        threshold=0.5,
        num_samples=64,
        seed=0,
        every_epochs=1,
        stop_on_collapse=False,
        use_ema=False,
    ):
        super().__init__(every_epochs)
        real_images = np.asarray(real_images, dtype="float32")
        if not 2 <= num_samples <= len(real_images):
            raise ValueError(
                f"`num_samples` must be between 2 and the number of real images "
                f"({len(real_images)}). Received: num_samples={num_samples}"
            )
        self.reference = pairwise_distance(real_images[:num_samples])
        if self.reference == 0.0:
            raise ValueError(
                "The real images are all identical; diversity is undefined."
            )
        self.threshold = threshold
        self.num_samples = num_samples
        self.seed = seed
        self.stop_on_collapse = stop_on_collapse
        self.use_ema = use_ema
        self.history = []

    def diversity(self):
        """The generator's current diversity relative to the real batch."""
        samples = self.model.sample(self.num_samples, self.seed, use_ema=self.use_ema)
        return float(pairwise_distance(samples) / self.reference)

    def _run(self, epoch, logs):
        value = self.diversity()
        self.history.append((epoch, value))
        logs["diversity"] = value
        if value < self.threshold:
            action = "; stopping training" if self.stop_on_collapse else ""
            warnings.warn(
                f"Possible mode collapse at epoch {epoch + 1}: sample diversity "
                f"{value:.3f} is below threshold={self.threshold}{action}.",
                stacklevel=2,
            )
            if self.stop_on_collapse:
                self.model.stop_training = True

"""Training runs: ``train``, exact resume, callbacks, recipes, devices.

- ``run``: ``train(gan, images, output_dir=..., epochs=...)``, a run that
  resumes exactly and writes ``gan.keras`` and ``samples.png``.
- ``resume``: the one owner of backups (variables, identity, position).
- ``callbacks``: what watches a GAN train (sample grids, logit histograms,
  mode collapse, TensorBoard, NaN guard) and ``monitoring_callbacks``.
- ``recipes``: functions that return a compiled GAN (``dcgan``,
  ``paper_mlp``, ``r3gan``).
- ``execution``: strategies (tf.distribute, JAX DataParallel) and precision.
- ``budget``: minutes of CPU or wall time turned into a run's steps, once
  (``plan_steps``), and the ``TimeBudget`` callback.

Above ``networks`` and ``data``; below ``export``, ``evaluation`` and ``cli``.
A recipe is one function in ``recipes``; a callback one module in
``callbacks``.
"""

from keras_gan.training import budget, callbacks, execution, recipes, resume
from keras_gan.training.resume import fit_resumably, run_seed
from keras_gan.training.run import train

__all__ = [
    "budget",
    "callbacks",
    "execution",
    "fit_resumably",
    "recipes",
    "resume",
    "run_seed",
    "train",
]

"""Callbacks that watch a GAN train: sample grids, logit histograms, collapse.

The training scalars (``d_loss``, ``g_loss``, ``d_real``, ``d_fake``, and
``d_grad_norm``/``g_grad_norm`` with ``compile(track_gradient_norms=True)``)
need no callback of ours: the stock ``keras.callbacks.TensorBoard`` logs them.
``SampleGrid``, ``LogitHistograms`` and ``ModeCollapseMonitor`` run the
networks outside ``train_step`` (which does no I/O); the first two write
TensorBoard summaries to their own runs under ``log_dir`` (``samples``,
``discriminator``), beside the stock callback's ``train`` run.
``TerminateOnNaN`` and ``TensorBoard`` fix stock callbacks for GANs.
``KeepBest`` keeps the GAN that scores best on held-out data (the paper's
pylearn2 runs kept the best by a monitored validation score).

TensorBoard event files need TensorFlow, on any Keras backend; without it
``monitoring_callbacks`` keeps the CSV log and the PNG grids.
"""

from keras_gan.training.callbacks.base import EveryEpochs
from keras_gan.training.callbacks.collapse import ModeCollapseMonitor, pairwise_distance
from keras_gan.training.callbacks.histograms import LogitHistograms
from keras_gan.training.callbacks.keep_best import KeepBest
from keras_gan.training.callbacks.monitoring import monitoring_callbacks
from keras_gan.training.callbacks.sample_grid import SampleGrid
from keras_gan.training.callbacks.tensorboard import TensorBoard
from keras_gan.training.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = [
    "EveryEpochs",
    "KeepBest",
    "LogitHistograms",
    "ModeCollapseMonitor",
    "SampleGrid",
    "TensorBoard",
    "TerminateOnNaN",
    "monitoring_callbacks",
    "pairwise_distance",
]

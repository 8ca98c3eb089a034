"""keras_gan: generative adversarial networks as ordinary Keras models.

The model core sits here: ``GAN`` (``gan.py``, whose ``train_step`` is
Algorithm 1 of Goodfellow et al. 2014), the objectives (``losses``), the
penalties, DiffAugment (``augment``), the moving-average generator
(``ema``), the noise, sampling (``sampling``: labels, truncation,
interpolation) and what networks' inputs say (``signatures``). Around it,
one folder per concept: ``backend``,
``optimizers``, ``data``, ``networks``, ``training`` (with ``callbacks`` and
``recipes``), ``export``, ``evaluation``, ``cli`` and ``utils``. See
ARCHITECTURE.md at the repository root for the map.

Importing the package registers every serializable object it defines, so a
``.keras`` file it wrote loads after ``import keras_gan``.
"""

from keras_gan.utils import console

# TensorFlow logs while it loads, which the imports below make it do (through
# keras): the command line's log level must be set before them.
console.quiet_tensorflow_in_the_command()

from keras_gan import augment, data, losses, networks, optimizers, penalties  # noqa: E402
from keras_gan.gan import GAN  # noqa: E402
from keras_gan.noise import sample_latents  # noqa: E402
from keras_gan.training import callbacks, recipes  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "GAN",
    "augment",
    "callbacks",
    "data",
    "losses",
    "networks",
    "optimizers",
    "penalties",
    "recipes",
    "sample_latents",
]

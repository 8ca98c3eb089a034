"""keras_gan: generative adversarial networks as ordinary Keras models.

Public names are imported on first use (PEP 562), so the command line answers
``--help`` without the seconds TensorFlow takes to import.
"""

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "GAN": "keras_gan.gan",
    "sample_latents": "keras_gan.gan",
    "backup": "keras_gan.backup",
    "callbacks": "keras_gan.callbacks",
    "data": "keras_gan.data",
    "evaluation": "keras_gan.evaluation",
    "export": "keras_gan.export",
    "losses": "keras_gan.losses",
    "networks": "keras_gan.networks",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'keras_gan' has no attribute {name!r}")
    module = importlib.import_module(_EXPORTS[name])
    return module if module.__name__.endswith(name) else getattr(module, name)


def __dir__():
    return sorted([*globals(), *_EXPORTS])

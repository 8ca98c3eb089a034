"""The optional packages of the TensorFlow-only features, imported where used.

keras_gan trains on every Keras 3 backend. tf.data pipelines,
tensorflow-datasets, SavedModel and LiteRT export, tf.distribute and
TensorBoard event files need TensorFlow (``.tflite`` files also need
``ai-edge-litert``). Those features import it through here when they run, so
``import keras_gan`` does not, and a missing package fails with one line that
names the feature and what to install.
"""

import importlib

INSTALL_TENSORFLOW = "pip install tensorflow-cpu (or the package's [cpu] extra)"
INSTALL_LITERT = "pip install ai-edge-litert"


class MissingDependency(ImportError):
    """A feature's optional package is not installed; the message says which."""


def import_optional(module, feature, *, package, install):
    """Imports ``module`` for ``feature``, or raises a one-line ``MissingDependency``.

    Only the absence of ``module`` itself becomes ``MissingDependency``; a
    broken installation keeps its own error, which says more than "install".

    Args:
        module: the module to import, e.g. ``"ai_edge_litert.interpreter"``.
        feature: what needs it, the subject of "... needs PACKAGE".
        package: the package's name in the message.
        install: the command that installs it.
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        missing = error.name or ""
        if not missing or not (module + ".").startswith(missing + "."):
            raise
        raise MissingDependency(f"{feature} needs {package}: {install}") from None


def import_tensorflow(feature):
    """The ``tensorflow`` module, or ``MissingDependency`` naming ``feature``.

    Examples:
        >>> tf = import_tensorflow("SavedModel export")
    """
    return import_optional(
        "tensorflow", feature, package="TensorFlow", install=INSTALL_TENSORFLOW
    )


def has_tensorflow():
    """Whether TensorFlow can be imported (it is imported if so)."""
    try:
        import_tensorflow("keras_gan")
    except MissingDependency:
        return False
    return True

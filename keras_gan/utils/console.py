"""TensorFlow's C++ log level for the ``keras-gan`` command.

TensorFlow's C++ core writes INFO banners to stderr while it loads (the
CPU-feature guard, absl's line about ``InitializeLog``), which ``keras``
does on import when TensorFlow is its backend. Every ``keras_gan`` module
imports ``keras``, so by the time ``keras_gan.cli`` runs the banners are
out: ``keras_gan/__init__.py`` calls ``quiet_tensorflow_in_the_command``
before its first import instead. It changes nothing when ``keras_gan`` is
imported by a user's program, and a value the user set always wins.
"""

import os
import sys

# Level 1 hides TensorFlow's C++ INFO lines and keeps its warnings and errors.
COMMAND_ENVIRONMENT = {"TF_CPP_MIN_LOG_LEVEL": "1"}


def is_the_command(argv=None, orig_argv=None):
    """Whether this process is ``keras-gan`` or ``python -m keras_gan.cli``.

    Python imports ``keras_gan`` before either runs a line of the command, so
    the only witness is the command line: the console script's name in
    ``sys.argv[0]``, or ``-m keras_gan.cli`` in ``sys.orig_argv`` (while
    ``-m`` imports the package, ``sys.argv[0]`` is just ``"-m"``).
    """
    argv = sys.argv if argv is None else argv
    orig_argv = getattr(sys, "orig_argv", []) if orig_argv is None else orig_argv
    # The console script is "keras-gan" ("keras-gan.exe", "keras-gan-script.py"
    # on Windows).
    if argv and os.path.basename(argv[0]).startswith("keras-gan"):
        return True
    modules = [
        module
        for flag, module in zip(orig_argv, orig_argv[1:], strict=False)
        if flag == "-m"
    ]
    modules += [arg[2:] for arg in orig_argv if arg.startswith("-m") and arg != "-m"]
    return any(module.startswith("keras_gan.cli") for module in modules)


def quiet_tensorflow_in_the_command():
    """Sets ``COMMAND_ENVIRONMENT``'s defaults when this process is the command.

    Only defaults (``os.environ.setdefault``): a ``TF_CPP_MIN_LOG_LEVEL`` the
    user exported, ``0`` included, is kept.
    """
    if is_the_command():
        for name, value in COMMAND_ENVIRONMENT.items():
            os.environ.setdefault(name, value)

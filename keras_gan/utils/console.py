"""TensorFlow's C++ log level for the ``keras-gan`` command.

TensorFlow's C++ core writes INFO banners to stderr while it loads (the
CPU-feature guard, absl's line about ``InitializeLog``), which ``keras``
does on import when TensorFlow is its backend. Every ``keras_gan`` module
imports ``keras``, so by the time ``keras_gan.cli`` runs the banners are
out: ``keras_gan/__init__.py`` calls ``quiet_tensorflow_in_the_command``
before its first import instead. It changes nothing when ``keras_gan`` is
imported by a user's program, and a value the user set always wins.

Two lines no log level hides: ``port.cc``'s "oneDNN custom operations are
on" notice, each after absl's "All log messages before absl::InitializeLog()"
preamble, written while TensorFlow's libraries load. The command imports
``keras`` with stderr held in a file and passes on every other line (a real
warning or error still shows); a user who sets ``TF_CPP_MIN_LOG_LEVEL``
sees everything TensorFlow writes at that level, these lines included.
"""

import contextlib
import os
import sys
import tempfile

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


# Informational lines written while TensorFlow loads, before any log level
# applies (absl is not initialised yet).
LOAD_NOTICES = (
    "All log messages before absl::InitializeLog() is called",
    "port.cc:153] oneDNN custom operations are on",
)


def quiet_tensorflow_in_the_command():
    """Sets ``COMMAND_ENVIRONMENT``'s defaults when this process is the command.

    Only defaults (``os.environ.setdefault``): a ``TF_CPP_MIN_LOG_LEVEL`` the
    user exported, ``0`` included, is kept, and then the load notices show too.
    """
    if not is_the_command():
        return
    users_level = "TF_CPP_MIN_LOG_LEVEL" in os.environ
    for name, value in COMMAND_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    if not users_level:
        with without_lines(LOAD_NOTICES):
            import keras  # noqa: F401  (loads TensorFlow when it is the backend)


@contextlib.contextmanager
def without_lines(fragments, stream=None):
    """Holds what is written to file descriptor 2 and passes it on without the
    lines that contain one of ``fragments``.

    C++ writes to the descriptor, not to ``sys.stderr``, so the descriptor is
    what is redirected (to a temporary file: a pipe could fill and block).
    """
    stream = sys.stderr if stream is None else stream
    stream.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            stream.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            text = held.read().decode("utf-8", errors="replace")
            kept = [
                line
                for line in text.splitlines(keepends=True)
                if not any(fragment in line for fragment in fragments)
            ]
            stream.write("".join(kept))
            stream.flush()

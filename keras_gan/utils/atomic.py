"""Atomic writes: a crash mid-save never leaves a half-written artifact."""

import contextlib
import os
import shutil
import tempfile


@contextlib.contextmanager
def atomic_path(path):
    """Yields a temporary path beside ``path``; moves it into place on success.

    The temporary file or folder lives in the same directory, so the final
    ``os.replace`` is atomic on POSIX file systems. On failure it is removed
    and ``path`` keeps its previous content.
    """
    path = os.path.abspath(os.fspath(path))
    folder, name = os.path.split(path)
    os.makedirs(folder, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".{name}.", dir=folder)
    temporary = os.path.join(staging, name)
    try:
        yield temporary
        if os.path.isdir(path) and not os.path.islink(path):
            # os.replace cannot overwrite a non-empty directory: swap via rename.
            old = os.path.join(staging, ".old")
            os.replace(path, old)
        os.replace(temporary, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def save_model(model, path):
    """``model.save(path)``, atomically."""
    with atomic_path(path) as temporary:
        model.save(temporary)

"""``KeepBest``: keep the GAN that scored best on held-out data so far.

GAN losses say little about sample quality, and quality does not rise
monotonically: the GAN paper's pylearn2 runs monitored a validation score and
kept the best model. ``KeepBest`` scores the GAN every few epochs with any
callable (``keras_gan.evaluation.ParzenScore`` for the paper's protocol) and
saves it, atomically, whenever the score beats the best so far.
"""

import json
import math
import os

from keras_gan.training.callbacks.base import EveryEpochs
from keras_gan.utils.atomic import atomic_path, save_model


class KeepBest(EveryEpochs):
    """Saves the GAN to ``path`` whenever ``score(gan)`` beats the best so far.

    Every ``every_epochs`` epochs the score (higher is better) goes into the
    epoch's logs as ``name``, so ``CSVLogger`` and ``TensorBoard`` callbacks
    placed after this one record it. A better score rewrites ``path`` (a
    ``.keras`` file); every score also rewrites its record ``<path without
    .keras>.json`` (``best``, its ``epoch``, ``last_step`` and every score so
    far, by epoch), both atomically.
    A score that is NaN or infinite never replaces a saved model.

    A resumed run (``keras_gan.training.train`` after a crash) reads the
    record back and goes on comparing with it; since the epochs after the last
    backup are retrained identically, it keeps the same model an uninterrupted
    run keeps. A record more than one epoch ahead of the run's start belongs
    to another run and stops training instead of being overwritten.

    Args:
        path: where the best GAN goes, ending in ``.keras``.
        score: ``score(gan) -> float``, higher is better.
        every_epochs: score at the end of every this many epochs.
        name: the score's key in the logs and the record.

    Examples:
        >>> real = evaluation.load_real("../shared/data/mnist.npz")
        >>> score = evaluation.ParzenScore(real.train[51_000:53_000], real.validation)
        >>> keep = KeepBest("run/best.keras", score, every_epochs=10)
        >>> training.train(gan, real.train[:50_000], output_dir="run", epochs=300,
        ...                callbacks=[keep])
        >>> keep.best, keep.best_epoch
    """

    def __init__(self, path, score, *, every_epochs=5, name="val_parzen"):
        super().__init__(every_epochs)
        path = os.fspath(path)
        if not path.endswith(".keras"):
            raise ValueError(f"`path` must name a .keras file. Received: {path!r}")
        if not callable(score):
            raise ValueError(
                f"`score` must be a callable score(gan) -> float. Received: {score!r}"
            )
        self.path = path
        self.record_path = path[: -len(".keras")] + ".json"
        self.score = score
        self.name = name
        self.best = -math.inf
        self.best_epoch = None
        self.scores = {}

    def on_train_begin(self, logs=None):
        if not os.path.exists(self.record_path):
            return
        with open(self.record_path) as file:
            record = json.load(file)
        # A crash loses at most the steps since the last epoch-end backup, so
        # this run's own record is at most one epoch ahead of its start.
        start = int(self.model.generator_optimizer.iterations)
        if record["last_step"] > start + (self.params or {}).get("steps", 0):
            raise ValueError(
                f"{self.record_path!r} records scores up to step "
                f"{record['last_step']}, but this run starts at step {start}: "
                "it belongs to another run. Move it and its .keras file away, "
                "or give `path` a new name."
            )
        if record["best"] is not None:
            self.best, self.best_epoch = record["best"], record["epoch"]
        self.scores = {int(epoch): value for epoch, value in record["scores"].items()}

    def _run(self, epoch, logs):
        value = float(self.score(self.model))
        logs[self.name] = value
        self.scores[epoch + 1] = value
        if math.isfinite(value) and value > self.best:
            save_model(self.model, self.path)
            self.best, self.best_epoch = value, epoch + 1
        self._write_record()

    def _write_record(self):
        record = {
            "best": self.best if math.isfinite(self.best) else None,
            "epoch": self.best_epoch,
            "last_step": int(self.model.generator_optimizer.iterations),
            "name": self.name,
            "scores": {str(epoch): self.scores[epoch] for epoch in sorted(self.scores)},
        }
        with atomic_path(self.record_path) as temporary:
            with open(temporary, "w") as file:
                json.dump(record, file, indent=1)

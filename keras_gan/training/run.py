"""``train``: fit a compiled GAN resumably and write its outputs.

A run writes ``OUTPUT_DIR/gan.keras`` and ``OUTPUT_DIR/samples.png`` at the
end and the whole training state to ``OUTPUT_DIR/backup.npz`` every
``backup_every_steps`` steps and at every epoch end. Rerunning the same run
after a crash continues from that backup, mid-epoch if need be, and ends with
the same model bit for bit (see ``keras_gan.training.resume``). The backup is kept
when training ends: rerunning a finished run trains nothing and rewrites the
outputs from it, and rerunning it with more ``epochs`` extends the run as if
it had been asked for from the start. A run whose losses turn NaN stops with
an error and writes nothing over earlier outputs; its last finite backup is
kept. ``keras-gan train`` builds the GAN and its monitoring and calls
``train``.
"""

import os

import keras
import numpy as np

from keras_gan import data, networks
from keras_gan.gan import GAN
from keras_gan.training import execution, resume
from keras_gan.training.callbacks import TerminateOnNaN
from keras_gan.utils import images
from keras_gan.utils.atomic import save_model


def train(
    gan,
    images,
    *,
    output_dir,
    epochs=None,
    steps=None,
    labels=None,
    batch_size=64,
    callbacks=(),
    backup_every_steps=500,
    verbose="auto",
):
    """Trains ``gan`` on ``images``, resuming from ``output_dir``'s backup if any.

    Args:
        gan: a compiled ``keras_gan.GAN`` with a ``seed`` (the seed of its
            noise and of the data order). To resume, build the same GAN again:
            ``keras_gan.training.run_seed(output_dir)`` gives the seed a backup was made
            with.
        images: real images, array (N, H, W, C) in [0, 1]; rescaled to the
            generator's pixel range here.
        output_dir: where ``gan.keras``, ``samples.png`` and ``backup.npz``
            go. Under ``multi_worker`` workers other than the first write to
            ``OUTPUT_DIR/worker_<index>``.
        epochs: total epochs of the run, counting those already done.
        steps: or the total training steps (generator updates), e.g. a
            budget's (``keras_gan.training.budget``); give one of the two.
        labels: one int class index per image; needed by a conditional GAN
            (and ignored by an unconditional one).
        batch_size: m, real images per discriminator update.
        callbacks: more Keras callbacks, e.g.
            ``keras_gan.callbacks.monitoring_callbacks(...)``.
        backup_every_steps: back up every this many steps; 0 or None: only
            at epoch ends.
        verbose: ``fit`` verbosity.

    Returns:
        ``gan``, trained.

    Raises:
        ValueError: bad arguments or data, or a backup of another run.
        RuntimeError: the losses or weights became NaN or infinite.

    Examples:
        >>> images, _ = data.load_arrays("digits")
        >>> gan = networks.build_gan(images.shape[1:], seed=0)
        >>> gan.compile()
        >>> train(gan, images, output_dir="runs/digits", epochs=10)
    """
    _check_gan(gan)
    pixel_range = networks.output_range(gan.generator)
    pixels = data.rescale(data.check_images(np.asarray(images, "float32")), pixel_range)
    labels = _training_labels(gan, labels, len(pixels))
    output_dir = execution.worker_output_dir(
        output_dir, getattr(gan, "distribute_strategy", None)
    )
    guard = TerminateOnNaN()
    resume.fit_resumably(
        gan,
        pixels,
        os.path.join(output_dir, "backup.npz"),
        epochs=epochs,
        steps=steps,
        labels=labels,
        batch_size=batch_size,
        callbacks=[guard, *callbacks],
        every_steps=backup_every_steps or None,
        verbose=verbose,
    )
    _check_finite(gan, guard, output_dir)
    _write_outputs(gan, output_dir)
    return gan


def _check_gan(gan):
    if not isinstance(gan, GAN) or not gan.compiled:
        raise ValueError(
            f"`gan` must be a compiled keras_gan.GAN. Received: {gan!r}"
            + ("" if not isinstance(gan, GAN) else " (call gan.compile() first)")
        )
    if gan.seed is None:
        raise ValueError(
            "`gan` must be built with a `seed` (e.g. GAN(..., seed=0)): the seed "
            "names its noise and data order, which an exact resume repeats."
        )


def _training_labels(gan, labels, num_images):
    """The checked labels a conditional GAN trains on; None when unconditional."""
    if not gan.conditional:
        return None
    if labels is None:
        raise ValueError(
            f"This GAN is conditional (num_classes={gan.num_classes}): pass the "
            "images' `labels` (one int class index per image)."
        )
    return data.check_labels(labels, num_images=num_images, num_classes=gan.num_classes)


def _check_finite(gan, guard, output_dir):
    """Raises, before anything is written, if training diverged."""
    weights = [keras.ops.convert_to_numpy(w) for w in gan.generator.weights]
    if guard.stopped is None and all(np.isfinite(w).all() for w in weights):
        return
    where = guard.stopped or "the generator's weights"
    raise RuntimeError(
        f"Training diverged: {where} became NaN or infinite, so nothing was "
        f"written over {output_dir}'s gan.keras or samples.png. The last finite "
        "state is kept in backup.npz; rerun with a lower learning rate or a "
        "fresh --output-dir."
    )


def _write_outputs(gan, output_dir):
    """The final model and a grid of 64 samples (seed 0) beside it.

    With an EMA generator the grid comes from the moving average.
    """
    use_ema = gan.ema_generator is not None
    final = gan.sample(64, seed=0, use_ema=use_ema)
    if not np.isfinite(final).all():
        raise RuntimeError(
            "The trained generator draws NaN or infinite pixels; nothing was "
            f"written to {output_dir}."
        )
    save_model(gan, os.path.join(output_dir, "gan.keras"))
    pixel_range = networks.output_range(gan.generator)
    grid = images.tile(images.to_uint8(final, pixel_range), columns=8)
    images.save_png(os.path.join(output_dir, "samples.png"), grid, scale=4)

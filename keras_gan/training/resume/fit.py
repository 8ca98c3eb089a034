"""``fit_resumably``: fit a GAN so that a killed run resumes exactly.

Keras's ``BackupAndRestore`` reruns an interrupted epoch from its first batch.
Resuming so that training "loses nothing and repeats nothing" needs:

1. ``save_backup`` / ``restore_backup``: every variable that shapes the rest of
   training (weights, the moving-average generator, both optimizers' slots and
   step counters, the dropout layers' seed-generator states, the running
   metric averages), keyed by owner and path and written atomically to one
   ``.npz`` file.
2. A data order that is a pure function of (seed, epoch):
   ``keras_gan.data.epoch_batches``, the order of ``data.from_array`` too.
   ``fit_plan`` turns a step count into the ``fit`` calls that finish the
   run (``plan``), and ``run_identity`` says which backups belong to it.
3. ``fit_resumably``: restores the backup, checks that it belongs to this run,
   plans the ``fit`` calls that finish the run (an interrupted epoch first),
   carries the interrupted epoch's metric averages over, and backs up every N
   steps and at every epoch end.

The GAN's training noise is keyed on the generator optimizer's step counter,
so restoring the optimizers restores the noise stream too.
"""

import os

import numpy as np
from keras import ops

from keras_gan import data
from keras_gan.training.resume.callback import TrainingBackup
from keras_gan.training.resume.identity import check_identity, run_identity
from keras_gan.training.resume.plan import check_position, fit_plan, run_length
from keras_gan.training.resume.variables import (
    read_metadata,
    remove_partial_backups,
    restore_backup,
)


def run_seed(output_dir, seed=None):
    """The seed of the run in ``output_dir``: its backup's, else ``seed``.

    Build the GAN with this seed to resume the run exactly. Without a backup
    and without ``seed`` a fresh seed is drawn.
    """
    path = os.path.join(output_dir, "backup.npz")
    if os.path.exists(path) and seed is None:
        return read_metadata(path)["identity"]["gan"]["seed"]
    return int(np.random.randint(2**31)) if seed is None else seed


def fit_resumably(
    gan,
    images,
    path,
    *,
    epochs=None,
    steps=None,
    batch_size,
    labels=None,
    callbacks=(),
    every_steps=None,
    verbose=1,
):
    """Fits ``gan`` for ``epochs`` or ``steps``, continuing the backup at ``path``.

    Without a backup the run starts from the GAN as it is. With one, the
    backup must be of this run (same GAN and compile configuration, batch size
    and data; see ``run_identity``); its state is restored and training goes
    on from the step it holds, mid-epoch if need be, so the result is the same
    bit for bit as an uninterrupted run. Epoch e visits the images in the
    order ``data.epoch_order(N, gan.seed, e)``.

    Args:
        gan: a compiled, seeded ``keras_gan.GAN``.
        images: array (N, H, W, C) in the generator's pixel range.
        path: the backup ``.npz`` file.
        epochs: total epochs of the run (>= 1), counting those already done.
        steps: or the total training steps (generator updates) of the run; the
            last epoch then stops where the count is reached.
        batch_size: m, images per discriminator update.
        labels: int labels batched beside the images (a conditional GAN).
        callbacks: more callbacks for every ``fit`` call.
        every_steps: also back up every this many steps (None: epoch ends).
        verbose: ``fit`` verbosity; also reports a resume on stderr.

    Returns:
        The number of steps done.
    """
    step_batch = data.check_step_batch(len(images), batch_size, gan.discriminator_steps)
    per_epoch = len(images) // step_batch
    identity = run_identity(gan, images, batch_size, labels)
    remove_partial_backups(path)
    step, carried = 0, None
    if os.path.exists(path):
        check_identity(path, identity)
        step = restore_backup(gan, path)["step"]
        carried = [ops.convert_to_numpy(v) for v in gan.metrics_variables]
    epochs, total_steps = run_length(per_epoch, epochs, steps)
    check_position(step, per_epoch, epochs, verbose, None if steps is None else steps)
    plan = fit_plan(step, per_epoch, epochs) if step < total_steps else []
    for start, end, skip in plan:
        saver = TrainingBackup(
            path,
            steps_per_epoch=per_epoch,
            every_steps=every_steps,
            initial_step=start * per_epoch + skip,
            metadata={"identity": identity},
            carried_metrics=carried if skip else None,
            stop_at_step=steps,
        )
        batches = data.epoch_batches(
            images, labels=labels, step_batch_size=step_batch, seed=gan.seed,
            start_epoch=start, end_epoch=end, skip=skip,
        )  # fmt: skip
        gan.fit(
            batches, initial_epoch=start, epochs=end, steps_per_epoch=per_epoch - skip,
            callbacks=[*callbacks, saver], shuffle=False, verbose=verbose,
        )  # fmt: skip
        step = saver.step
        if gan.stop_training:
            break
    return step

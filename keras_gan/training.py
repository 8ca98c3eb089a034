"""The ``keras-gan train`` command: build, fit, watch, back up and save a GAN.

A run writes ``OUTPUT_DIR/gan.keras`` and ``OUTPUT_DIR/samples.png`` at the
end, TensorBoard logs to ``OUTPUT_DIR/logs``, sample grids to
``OUTPUT_DIR/samples``, and the whole training state to ``OUTPUT_DIR/backup.npz``
every ``backup_every_steps`` steps and at every epoch end. Rerunning the same
command after a crash continues from that backup, mid-epoch if need be, and
(with a seed) ends with the same model bit for bit (see ``keras_gan.backup``).
The backup is kept when training ends: rerunning a finished command trains
nothing and rewrites the outputs from it, and rerunning it with more
``epochs`` extends the run as if it had been asked for from the start.
"""

import os
import sys

import keras
import numpy as np
import tensorflow as tf

from keras_gan import backup, callbacks, data, execution, images, networks
from keras_gan.gan import GAN
from keras_gan.saving import save_model

NETWORKS = {
    "dcgan": (networks.dcgan_generator, networks.dcgan_discriminator),
    "paper": (networks.paper_mnist_generator, networks.paper_mnist_discriminator),
}


def build_gan(
    image_shape, *, network="dcgan", latent_dim=100, width=None, **gan_kwargs
):
    """A compiled-ready ``GAN`` with reference networks for ``image_shape``.

    ``width`` sets the DCGAN networks' capacity (default 64); the paper's
    networks have a fixed size.
    """
    if network not in NETWORKS:
        raise ValueError(
            f"Unknown `network`: {network!r}. Expected one of {sorted(NETWORKS)}."
        )
    make_generator, make_discriminator = NETWORKS[network]
    sizes = {} if width is None else {"width": width}
    if sizes and network != "dcgan":
        raise ValueError(f"`width` applies to network='dcgan' only; got {network!r}.")
    return GAN(
        make_generator(latent_dim, image_shape, **sizes),
        make_discriminator(image_shape, **sizes),
        **gan_kwargs,
    )


def train(
    dataset,
    *,
    output_dir,
    epochs,
    batch_size=64,
    discriminator_steps=1,
    generator_loss="non_saturating",
    network="dcgan",
    latent_dim=100,
    width=None,
    ema_decay=None,
    seed=None,
    data_dir=None,
    log_every_steps=None,
    samples_every_epochs=1,
    histograms_every_epochs=None,
    track_gradient_norms=False,
    collapse_threshold=None,
    stop_on_collapse=False,
    backup_every_steps=500,
    distribute="none",
    precision="float32",
    verbose="auto",
):
    """Trains a GAN on ``dataset``, resuming from ``output_dir``'s backup if any.

    ``distribute`` names a ``tf.distribute`` strategy and ``precision`` a Keras
    dtype policy (see ``keras_gan.execution``). Under ``multi_worker`` every
    worker trains the same model; workers other than the first write to
    ``OUTPUT_DIR/worker_<index>`` so they never overwrite its files.

    Monitoring: the stock TensorBoard callback (epoch scalars, plus batch
    scalars every ``log_every_steps``), a ``SampleGrid`` every
    ``samples_every_epochs`` (0 or None: off), ``LogitHistograms`` every
    ``histograms_every_epochs`` (off by default), and a
    ``ModeCollapseMonitor`` when ``collapse_threshold`` is set. With
    ``ema_decay`` the grids and ``samples.png`` come from the EMA generator.
    With a ``seed`` the run is reproducible: Keras's seeds are set and
    TensorFlow's op determinism is enabled (which turns off XLA auto-clustering).
    """
    execution.set_precision(precision)
    strategy = execution.make_strategy(distribute)
    output_dir = _worker_output_dir(output_dir, strategy)
    backup_path = os.path.join(output_dir, "backup.npz")
    config = {
        "precision": precision,
        "dataset": os.fspath(dataset),
        "batch_size": batch_size,
        "discriminator_steps": discriminator_steps,
        "generator_loss": generator_loss,
        "network": network,
        "latent_dim": latent_dim,
        "width": width,
        "ema_decay": ema_decay,
        "track_gradient_norms": track_gradient_norms,
    }
    config["seed"] = _check_backup(backup_path, config, seed)
    _make_reproducible(seed)
    real_images, _ = data.load_arrays(dataset, data_dir=data_dir)
    with strategy.scope():
        gan = build_gan(
            real_images.shape[1:],
            network=network,
            latent_dim=latent_dim,
            width=width,
            discriminator_steps=discriminator_steps,
            generator_loss=generator_loss,
            seed=config["seed"],
            ema_decay=ema_decay,
        )
        gan.compile(track_gradient_norms=track_gradient_norms)
    pixel_range = networks.output_range(gan.generator)
    monitoring = dict(
        log_dir=os.path.join(output_dir, "logs"),
        png_dir=os.path.join(output_dir, "samples"),
        log_every_steps=log_every_steps,
        samples_every_epochs=samples_every_epochs,
        histograms_every_epochs=histograms_every_epochs,
        collapse_threshold=collapse_threshold,
        stop_on_collapse=stop_on_collapse,
        use_ema=ema_decay is not None,
    )
    _fit_resumably(
        gan,
        data.rescale(real_images, pixel_range),
        backup_path,
        config=config,
        epochs=epochs,
        backup_every_steps=backup_every_steps,
        monitoring=monitoring,
        verbose=verbose,
    )
    _write_outputs(gan, output_dir, pixel_range, use_ema=ema_decay is not None)
    return gan


def _make_reproducible(seed):
    if seed is not None:
        keras.utils.set_random_seed(seed)
        tf.config.experimental.enable_op_determinism()


def _write_outputs(gan, output_dir, pixel_range, *, use_ema):
    """The final model and a grid of 64 samples (seed 0) beside it."""
    save_model(gan, os.path.join(output_dir, "gan.keras"))
    final = gan.sample(64, seed=0, use_ema=use_ema)
    grid = images.tile(images.to_uint8(final, pixel_range), columns=8)
    images.save_png(os.path.join(output_dir, "samples.png"), grid, scale=4)


def _worker_output_dir(output_dir, strategy):
    resolver = getattr(strategy, "cluster_resolver", None)
    task_id = getattr(resolver, "task_id", None) or 0
    if execution.in_multi_worker_mode(strategy) and task_id:
        return os.path.join(output_dir, f"worker_{task_id}")
    return output_dir


def _fit_resumably(
    gan, images, backup_path, *, config, epochs, backup_every_steps, monitoring, verbose
):
    """Restores the backup if any, then fits the remaining steps of ``epochs``."""
    step_batch = config["discriminator_steps"] * config["batch_size"]
    per_epoch = backup.steps_per_epoch(len(images), step_batch)
    step, carried = 0, None
    backup.remove_partial_backups(backup_path)
    if os.path.exists(backup_path):
        step = backup.restore_backup(gan, backup_path)["step"]
        carried = [keras.ops.convert_to_numpy(v) for v in gan.metrics_variables]
    _check_position(step, per_epoch, epochs, verbose)
    for start, end, skip in _fit_plan(step, per_epoch, epochs):
        done = start * per_epoch + skip
        hooks = monitoring_callbacks(images, initial_step=done, **monitoring)
        hooks.append(
            backup.TrainingBackup(
                backup_path,
                steps_per_epoch=per_epoch,
                every_steps=backup_every_steps or None,
                initial_step=done,
                metadata={"config": config},
                carried_metrics=carried if skip else None,
            )
        )
        batches = backup.epoch_batches(
            images,
            step_batch_size=step_batch,
            seed=config["seed"],
            start_epoch=start,
            end_epoch=end,
            skip=skip,
        )
        gan.fit(
            batches,
            initial_epoch=start,
            epochs=end,
            steps_per_epoch=per_epoch - skip,
            callbacks=hooks,
            shuffle=False,
            verbose=verbose,
        )
        if gan.stop_training:
            break


def monitoring_callbacks(
    real_images,
    *,
    log_dir,
    png_dir=None,
    log_every_steps=None,
    samples_every_epochs=1,
    histograms_every_epochs=None,
    collapse_threshold=None,
    stop_on_collapse=False,
    use_ema=False,
    initial_step=0,
):
    """The default monitoring of ``train``: fresh callbacks for one ``fit``.

    The collapse monitor comes first so that ``TensorBoard`` logs its
    ``diversity`` with the epoch scalars.
    """
    hooks = [callbacks.TerminateOnNaN()]
    if collapse_threshold is not None:
        hooks.append(
            callbacks.ModeCollapseMonitor(
                real_images,
                threshold=collapse_threshold,
                num_samples=min(64, len(real_images)),
                stop_on_collapse=stop_on_collapse,
                use_ema=use_ema,
            )
        )
    hooks.append(
        callbacks.TensorBoard(
            log_dir, update_freq=log_every_steps or "epoch", initial_step=initial_step
        )
    )
    if samples_every_epochs:
        hooks.append(
            callbacks.SampleGrid(
                log_dir,
                png_dir=png_dir,
                every_epochs=samples_every_epochs,
                use_ema=use_ema,
            )
        )
    if histograms_every_epochs:
        hooks.append(
            callbacks.LogitHistograms(
                real_images[:256], log_dir, every_epochs=histograms_every_epochs
            )
        )
    return hooks


def _fit_plan(step, steps_per_epoch, epochs):
    """``(start_epoch, end_epoch, skip)`` of the ``fit`` calls that finish the run.

    Keras's ``fit`` cannot start mid-epoch, so an interrupted epoch is
    finished by a ``fit`` of its remaining steps, then one ``fit`` runs the
    following epochs.
    """
    epoch, skip = divmod(step, steps_per_epoch)
    plan = []
    if skip:
        plan.append((epoch, epoch + 1, skip))
        epoch += 1
    if epoch < epochs:
        plan.append((epoch, epochs, 0))
    return plan


def _check_backup(path, config, seed):
    """Returns the run's seed; raises if the backup at ``path`` is another run's."""
    if not os.path.exists(path):
        return int(np.random.randint(2**31)) if seed is None else seed
    saved = backup.read_metadata(path)["config"]
    wanted = {**config, "seed": saved["seed"] if seed is None else seed}
    differences = {
        key: (saved.get(key), wanted[key])
        for key in wanted
        if saved.get(key) != wanted[key]
    }
    if differences:
        details = ", ".join(
            f"{key}: backup {old!r}, now {new!r}"
            for key, (old, new) in differences.items()
        )
        raise ValueError(
            f"{path} is the backup of a run with other settings ({details}). "
            "Rerun with the same settings to resume, or use another --output-dir."
        )
    return saved["seed"]


def _check_position(step, steps_per_epoch, epochs, verbose):
    done = step / steps_per_epoch
    if step > epochs * steps_per_epoch:
        raise ValueError(
            f"The backup is at epoch {done:g}, past `epochs`={epochs}. Pass "
            f"epochs >= {done:g} or use another output directory."
        )
    if step and verbose:
        if step == epochs * steps_per_epoch:
            message = f"Training already finished ({epochs} epochs); rewriting outputs."
        else:
            message = f"Resuming from the backup at epoch {done:.3f}."
        print(message, file=sys.stderr)

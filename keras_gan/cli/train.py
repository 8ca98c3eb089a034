"""``keras-gan train``: its flags, and the composition they name.

The command reads the seed a resumed run must keep, loads the images, builds
the GAN from a recipe under the chosen strategy and precision, adds the
monitoring callbacks, and hands everything to ``keras_gan.training.train``.
"""

import os

from keras_gan import networks
from keras_gan.cli import recipe_flags
from keras_gan.cli.arguments import non_negative_int, positive_float, positive_int
from keras_gan.training import execution, recipes


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "train",
        help="train a GAN on a dataset",
        description="Train a GAN with model.fit and write OUTPUT_DIR/gan.keras "
        "and OUTPUT_DIR/samples.png.",
    )
    _add_data_arguments(parser)
    _add_length_arguments(parser)
    parser.add_argument("--output-dir", required=True, help="where results go")
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        help="m, images per discriminator update (default: the recipe's, 64; "
        "paper_mlp: 100)",
    )
    parser.add_argument(
        "--seed",
        type=non_negative_int,
        help="makes the run reproducible (TensorFlow op determinism, torch "
        "deterministic algorithms); a resumed run keeps its backup's seed",
    )
    recipe_flags.add_model_arguments(parser)
    _add_execution_arguments(parser)
    _add_monitoring_arguments(parser)
    parser.set_defaults(run=run)


def _add_data_arguments(parser):
    """What to train on: a named, bundled, file, folder or tfds dataset."""
    parser.add_argument(
        "--dataset",
        default="digits",
        help="'digits' (scikit-learn's bundled 8x8 digits, offline), a .npz file in "
        "the keras.datasets layout, a folder of images, or a tensorflow-datasets "
        "name (default: digits)",
    )
    parser.add_argument("--data-dir", help="tensorflow-datasets data directory")


def _add_length_arguments(parser):
    """The run's length: epochs, or minutes of a clock turned into steps."""
    parser.add_argument(
        "--epochs",
        type=positive_int,
        help="length of the run (default: 50; not with --budget-minutes)",
    )
    parser.add_argument(
        "--budget-minutes",
        type=positive_float,
        help="train for as many steps as this many minutes of --budget-clock buy "
        "at the speed measured at the start (a short probe); the steps are "
        "saved in OUTPUT_DIR/budget.json, so a rerun ends at the same step",
    )
    parser.add_argument(
        "--budget-clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="cpu: the process's CPU time over all threads, the same work on a "
        "busy or an idle machine; wall: elapsed time (default: cpu)",
    )


def _add_execution_arguments(parser):
    group = parser.add_argument_group("devices and precision")
    group.add_argument(
        "--distribute",
        choices=execution.STRATEGIES,
        default="none",
        help="one device; tf.distribute over all local devices or the workers "
        "named in TF_CONFIG (TensorFlow backend); or keras.distribution over all "
        "local devices (JAX backend) (default: none)",
    )
    group.add_argument(
        "--precision",
        choices=execution.PRECISIONS,
        default="float32",
        help="Keras dtype policy; auto: mixed_bfloat16 on TensorFlow where the CPU "
        "has AVX512_BF16 or AMX-BF16, else float32 (default: float32)",
    )


def _add_monitoring_arguments(parser):
    group = parser.add_argument_group(
        "monitoring and resume",
        "Epoch logs go to OUTPUT_DIR/log.csv, TensorBoard logs to OUTPUT_DIR/logs "
        "(with TensorFlow installed), sample grids to OUTPUT_DIR/samples. "
        "The training state is backed up to OUTPUT_DIR/backup.npz; rerunning the "
        "same command resumes from it exactly.",
    )
    group.add_argument(
        "--log-every-steps",
        type=positive_int,
        help="also log batch scalars every N steps (default: epoch scalars only)",
    )
    group.add_argument(
        "--samples-every-epochs",
        type=non_negative_int,
        default=1,
        help="sample grid every N epochs, 0 for none (default: 1)",
    )
    group.add_argument(
        "--histograms-every-epochs",
        type=positive_int,
        help="discriminator logit histograms every N epochs (default: off)",
    )
    group.add_argument(
        "--gradient-norms",
        action="store_true",
        help="log d_grad_norm and g_grad_norm (costs time)",
    )
    _add_collapse_arguments(group)
    group.add_argument(
        "--backup-every-steps",
        type=non_negative_int,
        default=500,
        help="back up the training state every N steps, 0 for epoch ends only "
        "(default: 500)",
    )


def _add_collapse_arguments(group):
    group.add_argument(
        "--collapse-threshold",
        type=float,
        help="warn when sample diversity (relative to real data) falls below this, "
        "e.g. 0.3 (default: no monitor)",
    )
    group.add_argument(
        "--stop-on-collapse",
        action="store_true",
        help="stop training when the collapse monitor fires",
    )


def run(args):
    from keras_gan import data, training

    _check_output_dir(args.output_dir)
    length = _run_length(args)
    # The seed comes first: a resumed run must rebuild its GAN with the
    # backup's seed, the seed of its initial weights, noise and data order.
    seed = training.run_seed(args.output_dir, args.seed)
    images, labels, classes = _training_data(args, data)
    if args.seed is not None:
        execution.make_reproducible(seed)
    execution.set_precision(args.precision)
    strategy = execution.make_strategy(args.distribute)
    batch_size = _batch_size(args)

    def build(**planned):
        with strategy.scope():
            return recipes.build(
                args.recipe, images.shape[1:], images=images, seed=seed,
                **classes, **recipe_flags.recipe_arguments(args, batch_size), **planned,
            )  # fmt: skip

    gan, length = _build_for_run(args, build, images, labels, batch_size, seed, length)
    output_dir = execution.worker_output_dir(args.output_dir, strategy)
    monitors = _monitors(args, gan, images, labels, output_dir)
    training.train(
        gan,
        images,
        labels=labels,
        output_dir=args.output_dir,
        **length,
        batch_size=batch_size,
        callbacks=monitors,
        backup_every_steps=args.backup_every_steps,
    )


def _monitors(args, gan, images, labels, output_dir):
    """The monitoring callbacks the flags ask for, watching the average if any."""
    from keras_gan import data
    from keras_gan.training import callbacks

    return callbacks.monitoring_callbacks(
        data.rescale(images, networks.output_range(gan.generator)),
        os.path.join(output_dir, "logs"),
        real_labels=labels,
        png_dir=os.path.join(output_dir, "samples"),
        csv_path=os.path.join(output_dir, "log.csv"),
        log_every_steps=args.log_every_steps,
        samples_every_epochs=args.samples_every_epochs,
        histograms_every_epochs=args.histograms_every_epochs,
        collapse_threshold=args.collapse_threshold,
        stop_on_collapse=args.stop_on_collapse,
        use_ema=gan.ema_generator is not None,
    )


def _batch_size(args):
    """``--batch-size``, or the recipe's own when it is not given."""
    if args.batch_size is None:  # not `or`: 0 is refused by its flag type
        return recipes.batch_size(args.recipe)
    return args.batch_size


def _run_length(args):
    """``{"epochs": N}``, or ``{}`` when a budget will give the steps."""
    if args.budget_minutes is None:
        return {"epochs": 50 if args.epochs is None else args.epochs}
    if args.epochs is not None:
        raise ValueError(
            "--epochs and --budget-minutes both set the run's length; give one."
        )
    return {}


def _build_for_run(args, build, images, labels, batch_size, seed, length):
    """``(gan, length)``: the run's GAN, built once the run's length is known.

    A budget's steps are planned first, on a probe GAN from ``build()``; a
    recipe that sizes its schedules to the run gets its steps as
    ``total_steps``.
    """
    import keras

    from keras_gan.training import budget

    if args.budget_minutes is not None:
        steps = budget.plan_recipe_steps(
            args.output_dir, args.budget_minutes, build, images,
            batch_size=batch_size, labels=labels, clock=args.budget_clock,
        )  # fmt: skip
        length = {"steps": steps}
    planned = {}
    if recipes.takes(args.recipe, "total_steps"):
        planned["total_steps"] = length.get("steps") or (
            length["epochs"] * _steps_per_epoch(build(), images, batch_size)
        )
    if args.seed is not None:
        # The same initial weights whether a probe GAN was built before or not
        # (a rerun reads its plan instead of measuring).
        keras.utils.set_random_seed(seed)
    return build(**planned), length


def _steps_per_epoch(gan, images, batch_size):
    """Generator updates per epoch: k * m images per update (Algorithm 1)."""
    from keras_gan import data

    return len(images) // data.check_step_batch(
        len(images), batch_size, gan.discriminator_steps
    )


def _check_output_dir(output_dir):
    """Refuses an OUTPUT_DIR that is, or lies under, a file before anything runs."""
    existing = os.path.abspath(output_dir)
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise ValueError(
            f"`--output-dir` {output_dir!r} must be a folder (new or existing), "
            f"but {existing!r} is a file. Choose another path."
        )


def _training_data(args, data):
    """``(images, labels, class arguments of the recipe)`` of ``--dataset``.

    Labels only with ``--conditional``, which needs a labelled dataset.
    """
    images, labels, names = data.load_dataset(args.dataset, data_dir=args.data_dir)
    if not args.conditional:
        return images, None, {}
    if labels is None:
        raise ValueError(
            f"--conditional trains on the dataset's labels, but --dataset "
            f"{args.dataset!r} has none. Use a labelled dataset (digits, a .npz "
            "with y_train, a folder of class sub-folders, a tfds set) or drop "
            "--conditional."
        )
    labels = data.check_labels(labels, num_images=len(images), name="dataset labels")
    count = len(names) if names else data.count_classes(labels)
    return images, labels, {"num_classes": count, "class_names": names}

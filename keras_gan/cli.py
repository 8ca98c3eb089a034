"""The ``keras-gan`` command line: parses arguments and delegates.

Each subcommand has an ``_add_<name>`` function that declares its arguments
and a ``_run_<name>`` function that imports the module doing the work.
"""

import argparse
import sys

from keras_gan import execution, litert, losses, networks


def _add_train(subparsers):
    parser = subparsers.add_parser(
        "train",
        help="train a GAN on a dataset",
        description="Train a GAN with model.fit and write OUTPUT_DIR/gan.keras "
        "and OUTPUT_DIR/samples.png.",
    )
    parser.add_argument(
        "--dataset",
        default="digits",
        help="'digits' (scikit-learn's bundled 8x8 digits, offline), a .npz file in "
        "the keras.datasets layout, a folder of images, or a tensorflow-datasets "
        "name (default: digits)",
    )
    parser.add_argument("--data-dir", help="tensorflow-datasets data directory")
    parser.add_argument("--epochs", type=int, default=50, help="default: 50")
    parser.add_argument("--output-dir", required=True, help="where results go")
    parser.add_argument(
        "--batch-size", type=int, default=64, help="m, images per discriminator update"
    )
    parser.add_argument(
        "--seed",
        type=int,
        help="makes the run reproducible (enables TensorFlow op determinism); "
        "a resumed run keeps its backup's seed",
    )
    _add_model_arguments(parser)
    _add_execution_arguments(parser)
    _add_monitoring_arguments(parser)
    parser.set_defaults(run=_run_train)


def _add_model_arguments(parser):
    group = parser.add_argument_group("the GAN")
    group.add_argument(
        "--discriminator-steps",
        type=int,
        default=1,
        help="k, discriminator updates per generator update (default: 1)",
    )
    group.add_argument(
        "--generator-loss",
        choices=sorted(losses.GENERATOR_LOSSES),
        default="non_saturating",
        help="generator objective (default: non_saturating)",
    )
    group.add_argument(
        "--network",
        choices=sorted(networks.NETWORKS),
        default="dcgan",
        help="reference networks: DCGAN, or the paper's MNIST MLPs (default: dcgan)",
    )
    group.add_argument("--latent-dim", type=int, default=100, help="default: 100")
    group.add_argument(
        "--width", type=int, help="capacity of the dcgan networks (default: 64)"
    )
    group.add_argument(
        "--ema-decay",
        type=float,
        help="keep a moving average of the generator (e.g. 0.999); grids and "
        "samples.png then come from it",
    )


def _add_execution_arguments(parser):
    group = parser.add_argument_group("devices and precision")
    group.add_argument(
        "--distribute",
        choices=execution.STRATEGIES,
        default="none",
        help="tf.distribute strategy: one device, all local devices, or the "
        "workers named in TF_CONFIG (default: none)",
    )
    group.add_argument(
        "--precision",
        choices=execution.PRECISIONS,
        default="float32",
        help="Keras dtype policy (default: float32)",
    )


def _add_monitoring_arguments(parser):
    group = parser.add_argument_group(
        "monitoring and resume",
        "TensorBoard logs go to OUTPUT_DIR/logs, sample grids to OUTPUT_DIR/samples. "
        "The training state is backed up to OUTPUT_DIR/backup.npz; rerunning the "
        "same command resumes from it exactly.",
    )
    group.add_argument(
        "--log-every-steps",
        type=int,
        help="also log batch scalars every N steps (default: epoch scalars only)",
    )
    group.add_argument(
        "--samples-every-epochs",
        type=int,
        default=1,
        help="sample grid every N epochs, 0 for none (default: 1)",
    )
    group.add_argument(
        "--histograms-every-epochs",
        type=int,
        help="discriminator logit histograms every N epochs (default: off)",
    )
    group.add_argument(
        "--gradient-norms",
        action="store_true",
        help="log d_grad_norm and g_grad_norm (costs time)",
    )
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
    group.add_argument(
        "--backup-every-steps",
        type=int,
        default=500,
        help="back up the training state every N steps, 0 for epoch ends only "
        "(default: 500)",
    )


def _run_train(args):
    import os

    from keras_gan import backup, callbacks, data, training

    # The seed comes first: a resumed run must rebuild its GAN with the
    # backup's seed, the seed of its initial weights, noise and data order.
    seed = backup.run_seed(args.output_dir, args.seed)
    images, _ = data.load_arrays(args.dataset, data_dir=args.data_dir)
    if args.seed is not None:
        execution.make_reproducible(seed)
    execution.set_precision(args.precision)
    strategy = execution.make_strategy(args.distribute)
    with strategy.scope():
        gan = networks.build_gan(
            images.shape[1:],
            network=args.network,
            latent_dim=args.latent_dim,
            width=args.width,
            discriminator_steps=args.discriminator_steps,
            generator_loss=args.generator_loss,
            seed=seed,
            ema_decay=args.ema_decay,
        )
        gan.compile(track_gradient_norms=args.gradient_norms)
    output_dir = execution.worker_output_dir(args.output_dir, strategy)
    monitors = callbacks.monitoring_callbacks(
        data.rescale(images, networks.output_range(gan.generator)),
        os.path.join(output_dir, "logs"),
        png_dir=os.path.join(output_dir, "samples"),
        log_every_steps=args.log_every_steps,
        samples_every_epochs=args.samples_every_epochs,
        histograms_every_epochs=args.histograms_every_epochs,
        collapse_threshold=args.collapse_threshold,
        stop_on_collapse=args.stop_on_collapse,
        use_ema=args.ema_decay is not None,
    )
    training.train(
        gan,
        images,
        output_dir=args.output_dir,
        epochs=args.epochs,
        batch_size=args.batch_size,
        callbacks=monitors,
        backup_every_steps=args.backup_every_steps,
    )


def _add_export(subparsers):
    parser = subparsers.add_parser(
        "export",
        help="export a trained generator as a SavedModel and/or a .tflite file",
        description="Export the generator of a .keras GAN: a SavedModel with "
        "serve/serving_default (latents -> images) and sample (num_samples, seed "
        "-> uint8 images), and/or a LiteRT .tflite file with serving_default and "
        "sample. See export/README.md.",
    )
    parser.add_argument("--model", required=True, help="RUN/gan.keras")
    parser.add_argument("--saved-model", metavar="DIR", help="SavedModel to write")
    parser.add_argument("--tflite", metavar="FILE", help=".tflite file to write")
    parser.add_argument(
        "--quantize",
        choices=litert.QUANTIZATIONS,
        default="none",
        help=".tflite weights: float32 (none), float16, int8 weights (dynamic) or "
        "int8 weights and activations (int8, latents-in signature only) "
        "(default: none)",
    )
    parser.add_argument(
        "--ema", action="store_true", help="export the moving-average generator"
    )
    parser.set_defaults(run=_run_export)


def _run_export(args):
    from keras_gan import export

    if not (args.saved_model or args.tflite):
        raise ValueError(
            "Nothing to export: give --saved-model DIR and/or --tflite FILE."
        )
    if args.saved_model:
        path = export.export_saved_model(args.model, args.saved_model, use_ema=args.ema)
        print(f"wrote SavedModel {path}")
    if args.tflite:
        report = export.export_tflite(
            args.model, args.tflite, quantize=args.quantize, use_ema=args.ema
        )
        print(f"wrote {report}")


def _add_sample(subparsers):
    parser = subparsers.add_parser(
        "sample",
        help="write a grid of samples from a .keras, SavedModel or .tflite model",
        description="Sample images and tile them into a PNG. A .keras GAN and its "
        "SavedModel give the same images for a seed; a .tflite file draws its "
        "latents differently (see export/README.md).",
    )
    parser.add_argument(
        "--model", required=True, help="RUN/gan.keras, a SavedModel DIR or FILE.tflite"
    )
    parser.add_argument("--num-samples", type=int, default=16, help="default: 16")
    parser.add_argument("--seed", type=int, default=0, help="default: 0")
    parser.add_argument("--output", required=True, help="the PNG to write")
    parser.add_argument("--scale", type=int, default=1, help="upscale factor")
    parser.add_argument(
        "--ema", action="store_true", help="sample a .keras GAN's moving average"
    )
    parser.set_defaults(run=_run_sample)


def _run_sample(args):
    from keras_gan import images, sampling

    sampler = sampling.as_sampler(args.model, use_ema=args.ema)
    pixels = images.to_uint8(sampler.sample(args.num_samples, args.seed))
    images.save_png(args.output, images.tile(pixels), scale=args.scale)
    print(f"wrote {args.output}: {len(pixels)} images of {pixels.shape[1:]}")


def _add_evaluate(subparsers):
    parser = subparsers.add_parser(
        "evaluate",
        help="score a generator: Parzen log-likelihood, FID/KID, coverage, copying",
        description="Score generated samples against a dataset's test split with the "
        "GAN paper's Parzen-window protocol and a judge CNN trained on the dataset "
        "(cached in $KERAS_GAN_CACHE or ~/.cache/keras_gan; no downloads). Writes "
        "OUTPUT_DIR/report.json (each metric with its real train-vs-test reference), "
        "figure2.png (nearest training images) and figure3.png (interpolations).",
    )
    parser.add_argument(
        "--model", required=True, help="RUN/gan.keras or a SavedModel directory"
    )
    parser.add_argument(
        "--dataset",
        required=True,
        help="a .npz file in the keras.datasets layout (e.g. mnist.npz), 'digits', "
        "an image folder or a tensorflow-datasets name",
    )
    parser.add_argument("--data-dir", help="tensorflow-datasets data directory")
    parser.add_argument(
        "--num-samples", type=int, default=10_000, help="default: 10000 (the paper)"
    )
    parser.add_argument("--seed", type=int, default=0, help="sample seed (default: 0)")
    parser.add_argument("--output-dir", required=True, help="where the report goes")
    parser.add_argument(
        "--save-samples", metavar="FILE.npz", help="save the scored samples as x"
    )
    parser.add_argument(
        "--ema", action="store_true", help="score a .keras GAN's moving average"
    )
    parser.set_defaults(run=_run_evaluate)


def _run_evaluate(args):
    import os

    from keras_gan import evaluation

    real = evaluation.load_real(args.dataset, data_dir=args.data_dir)
    report = evaluation.evaluate(
        args.model,
        real,
        use_ema=args.ema,
        num_samples=args.num_samples,
        seed=args.seed,
        output_dir=args.output_dir,
        save_samples=args.save_samples,
    )
    print(evaluation.format_summary(report))
    print(f"wrote {os.path.join(args.output_dir, 'report.json')}")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="keras-gan",
        description="Generative adversarial networks as Keras models.",
    )
    subparsers = parser.add_subparsers(title="commands", required=True)
    _add_train(subparsers)
    _add_export(subparsers)
    _add_sample(subparsers)
    _add_evaluate(subparsers)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (ValueError, FileNotFoundError, RuntimeError) as error:
        print(f"keras-gan: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``keras-gan train``'s flags for the GAN itself, and the recipe arguments they give.

A recipe (``keras_gan.recipes``) builds and compiles the GAN; these flags change
the recipes that take them, and ``recipes.build`` refuses them by name for the
others. Only flags the user gave are passed, so each recipe keeps its defaults.
"""

import sys

from keras_gan import losses, networks
from keras_gan.cli.arguments import fraction, positive_int, share
from keras_gan.training import recipes


def add_model_arguments(parser):
    group = parser.add_argument_group(
        "the GAN",
        "A recipe builds and compiles the GAN (keras_gan.recipes); the flags below "
        "change the recipes that take them and are refused by the others.",
    )
    group.add_argument(
        "--recipe",
        choices=sorted(recipes.RECIPES),
        default="dcgan",
        help="dcgan: DCGAN networks and Adam; paper_mlp: the paper's MNIST MLPs, "
        "uniform latents and SGD schedule; r3gan: relativistic loss with R1 and "
        "R2, Adam beta_1=0 and a ramped EMA (default: dcgan)",
    )
    group.add_argument(
        "--conditional",
        action="store_true",
        help="a class-conditional GAN, trained on the dataset's labels: G(z, y) "
        "and a projection D(x, y); sample a class with keras-gan sample --label",
    )
    group.add_argument(
        "--discriminator-steps",
        type=positive_int,
        help="k, discriminator updates per generator update (dcgan; default: 1)",
    )
    group.add_argument(
        "--objective",
        choices=sorted(losses.LOSSES),
        help="adversarial objective (dcgan; default: non_saturating)",
    )
    group.add_argument(
        "--generator-loss",
        choices=sorted(losses.GENERATOR_LOSSES),
        help="deprecated: use --objective",
    )
    _add_network_arguments(group)


def _add_network_arguments(group):
    group.add_argument(
        "--network",
        choices=sorted(networks.NETWORKS),
        help="reference networks of the dcgan and r3gan recipes: DCGAN, residual "
        "(R3GAN style), or (dcgan only) the paper's MNIST MLPs (default: dcgan; "
        "r3gan: residual)",
    )
    group.add_argument(
        "--latent-dim", type=positive_int, help="size of z (default: 100)"
    )
    group.add_argument(
        "--width",
        type=positive_int,
        help="network capacity (default: dcgan 64; r3gan 16 on one-channel "
        "images, 32 on colour ones or with --network dcgan)",
    )
    group.add_argument(
        "--ema-decay",
        type=float,
        help="keep a moving average of the generator (e.g. 0.999); grids and "
        "samples.png then come from it. r3gan keeps one by default and sizes it "
        "to the run: use --ema-half-life there",
    )
    _add_schedule_arguments(group)


def _add_schedule_arguments(group):
    # Schedules sized to the run (r3gan): a cosine over the planned steps, from
    # the first value down to this share of it at the last step.
    group.add_argument(
        "--final-gamma",
        type=fraction,
        help="r3gan: R1 and R2's weight at the last step, a fraction of gamma, "
        "reached by a cosine over the run, as R3GAN anneals it (e.g. 0.1; "
        "default: 1, constant)",
    )
    group.add_argument(
        "--final-learning-rate",
        type=fraction,
        help="r3gan: the learning rate at the last step, a fraction of the first, "
        "reached by a cosine over the run (default: 1, constant)",
    )
    group.add_argument(
        "--ema-half-life",
        type=share,
        help="r3gan: the moving average's half-life, a fraction of the planned "
        "steps (StyleGAN's ema_kimg; default: 0.02)",
    )


# Flags that are recipe arguments of the same name, passed only when given.
_RECIPE_FLAGS = (
    "discriminator_steps",
    "objective",
    "network",
    "latent_dim",
    "width",
    "ema_decay",
    "final_gamma",
    "final_learning_rate",
    "ema_half_life",
)


def recipe_arguments(args, batch_size):
    """The recipe flags given on the command line, as recipe arguments."""
    given = {
        name: getattr(args, name)
        for name in _RECIPE_FLAGS
        if getattr(args, name) is not None
    }
    if "ema_decay" in given and recipes.takes(args.recipe, "ema_half_life"):
        # The recipe replaces a fixed decay by its half-life's once it knows the
        # planned steps, which `keras-gan train` always gives it.
        raise ValueError(
            f"--ema-decay: the {args.recipe} recipe sizes its moving average to "
            "the run; give --ema-half-life (a fraction of the planned steps, "
            f"default 0.02) instead. Received: --ema-decay {given['ema_decay']}"
        )
    if args.generator_loss is not None:
        print(
            "keras-gan: --generator-loss is deprecated; use --objective.",
            file=sys.stderr,
        )
        given.setdefault("objective", args.generator_loss)
    if args.gradient_norms:
        given["track_gradient_norms"] = True
    if recipes.takes(args.recipe, "batch_size"):
        given["batch_size"] = batch_size
    return given

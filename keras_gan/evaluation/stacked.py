"""Stacked MNIST mode counting: how many of the 1000 digit triples a GAN draws.

The protocol of the mode-collapse literature (Metz et al. 2017, Unrolled
GANs; Srivastava et al. 2017, VEEGAN; Lin et al. 2018, PacGAN; R3GAN reports
1000/1000 modes with KL 0.078): classify each of the three channels of
26,000 samples with an MNIST classifier (here the package's MNIST judge),
read each sample's mode as ``100 * red + 10 * green + blue``, and report the
number of modes drawn at least once and ``KL(mode histogram || uniform)``,
split into each channel's digit balance and the channels' dependence.
"""

import json
import os

import numpy as np
import scipy.special

from keras_gan import data
from keras_gan.evaluation import judge
from keras_gan.export import as_sampler
from keras_gan.utils.atomic import atomic_path

NUM_MODES = 1000
NUM_SAMPLES = 26_000


def stacked_modes(classifier, images):
    """Mode labels 0..999 of images (N, H, W, 3) in [0, 1], one digit per channel."""
    images = np.asarray(images, dtype="float32")
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(
            "Stacked MNIST images must have shape (N, H, W, 3); received "
            f"{images.shape}."
        )
    digits = [
        judge.judge_outputs(classifier, images[..., c : c + 1])[1].argmax(axis=1)
        for c in range(3)
    ]
    return 100 * digits[0] + 10 * digits[1] + digits[2]


def mode_report(modes):
    """How far mode labels 0..999 are from uniform, and why.

    ``KL(mode histogram || uniform)`` splits exactly into the three channels'
    digit balance and the dependence between channels: the KL of each
    channel's digit histogram to uniform over 10 digits, plus the total
    correlation of the three digits (0 when the channels are independent).
    A generator that draws too few sixes raises ``kl_channel_digits``; one
    whose channels repeat each other raises ``kl_channel_dependence``.

    Returns:
        ``{"modes_covered": int, "kl_to_uniform": float,
        "kl_channel_digits": [red, green, blue], "kl_channel_dependence":
        float}``.
    """
    modes = np.asarray(modes)
    histogram = _histogram(modes, NUM_MODES)
    kl = _kl_to_uniform(histogram)
    channels = [
        _kl_to_uniform(_histogram(digits, 10))
        for digits in (modes // 100, modes // 10 % 10, modes % 10)
    ]
    return {
        "modes_covered": int(np.sum(histogram > 0)),
        "kl_to_uniform": kl,
        "kl_channel_digits": channels,
        # max(): the identity holds exactly; rounding may leave -1e-17
        "kl_channel_dependence": max(kl - sum(channels), 0.0),
    }


def _histogram(labels, size):
    counts = np.bincount(labels, minlength=size)
    return counts / counts.sum()


def _kl_to_uniform(histogram):
    uniform = np.full(len(histogram), 1.0 / len(histogram))
    return float(scipy.special.rel_entr(histogram, uniform).sum())


def evaluate_stacked(
    sampler,
    mnist_train,
    mnist_labels,
    reference,
    *,
    num_samples=NUM_SAMPLES,
    seed=0,
    truncation=1.0,
    cache_dir=None,
    verbose=1,
):
    """Modes covered and KL of a sampler's images beside real Stacked MNIST's.

    Args:
        sampler: a ``keras_gan.export.Sampler`` of (28, 28, 3) images.
        mnist_train: MNIST training digits (N, 28, 28, 1) in [0, 1], which
            train (or fetch from the cache) the judge.
        mnist_labels: their labels.
        reference: real Stacked MNIST images, the reference row.
        num_samples: samples classified (the literature: 26,000).
        seed: sample seed.
        truncation: psi of the samples (``keras_gan.noise.truncate``).
        cache_dir: judge cache; see ``judge.load_judge``.
        verbose: 1 prints progress.

    Returns:
        ``{"modes_covered": {"value", "reference_real"}, "kl_to_uniform":
        ...}`` and the rest of ``mode_report``'s keys, each so.
    """
    classifier = judge.load_judge(
        mnist_train, mnist_labels, cache_dir=cache_dir, verbose=verbose
    )
    generated = mode_report(
        stacked_modes(
            classifier, sampler.sample(num_samples, seed, truncation=truncation)
        )
    )
    real = mode_report(stacked_modes(classifier, reference[:num_samples]))
    return {
        name: {"value": generated[name], "reference_real": real[name]}
        for name in generated
    }


def evaluate_stacked_mnist(
    model, mnist_path, *, num_samples=NUM_SAMPLES, seed=0, truncation=1.0,
    use_ema=False, output_dir=None, cache_dir=None, verbose=1,
):  # fmt: skip
    """``keras-gan evaluate --dataset stacked_mnist:PATH``: the mode report.

    Args:
        model: anything ``keras_gan.export.as_sampler`` takes.
        mnist_path: the MNIST ``.npz`` the Stacked MNIST set was built from.
        num_samples: samples classified.
        seed: sample seed.
        truncation: psi of the samples.
        use_ema: score a GAN's moving-average generator.
        output_dir: if set, ``report.json`` is written there.
        cache_dir: judge cache.
        verbose: 1 prints progress.
    """
    mnist, labels = data.load_arrays(mnist_path)
    # The training stacking: 60,000 images, so the reference counts as many
    # samples as the generator (KL to uniform is biased upwards at small N).
    stacked, _ = data.load_stacked_mnist(mnist_path, split="train")
    report = evaluate_stacked(
        as_sampler(model, use_ema=use_ema), mnist, labels, stacked,
        num_samples=num_samples, seed=seed, truncation=truncation,
        cache_dir=cache_dir, verbose=verbose,
    )  # fmt: skip
    report["settings"] = {"num_samples": num_samples, "seed": seed,
                          "truncation": truncation,
                          "reference": f"{min(num_samples, len(stacked))} real "
                          "Stacked MNIST training images"}  # fmt: skip
    if output_dir:
        with atomic_path(os.path.join(output_dir, "report.json")) as temporary:
            with open(temporary, "w") as file:
                json.dump(report, file, indent=2)
    return report

"""The ``keras-gan evaluate`` report: every metric beside its real-data floor.

``report.json`` maps each metric name to ``{"value": ..., "reference_train_vs_test":
...}``. ``value`` scores the generated samples against the real test set;
``reference_train_vs_test`` scores the same number of real training images
the same way, which is what a perfect generator would get. For
``nearest_train_distance_median`` the reference is the median distance of
test images to their nearest training image. ``settings`` records the
protocol (sample count, seed, judge, subset sizes, k, sigma grid).
"""

import json
import os
import time

import numpy as np

from keras_gan.evaluation import conditional, figures, judge, metrics, parzen
from keras_gan.evaluation.memorisation import memorisation_report
from keras_gan.export import as_sampler
from keras_gan.utils.atomic import atomic_path

KID_SUBSETS, KID_SUBSET_SIZE, PR_NEIGHBOURS = 100, 1000, 3


def evaluate(
    model,
    real,
    *,
    use_ema=False,
    num_samples=10_000,
    seed=0,
    truncation=1.0,
    output_dir=None,
    save_samples=None,
    cache_dir=None,
    verbose=1,
):
    """Scores a generator against real data; optionally writes the report.

    Args:
        model: a ``keras_gan.GAN``, a generator, a ``.keras`` path, a
            SavedModel folder or a ``Sampler`` (see ``keras_gan.export``).
        real: a ``RealData`` tuple (see ``load_real``).
        use_ema: score a GAN's moving-average generator.
        num_samples: generated images scored (the paper: 10,000).
        seed: seed of the samples (``GAN.sample(num_samples, seed=seed)``).
        truncation: psi of the samples (``keras_gan.noise.truncate``): below
            1 it trades variety (recall) for fidelity (precision).
        output_dir: if set, ``report.json``, ``figure2.png`` and
            ``figure3.png`` are written there.
        save_samples: if set, an ``.npz`` path for the scored samples (``x``,
            float32 (N, H, W, C) in [0, 1]).
        cache_dir: judge cache; see ``judge.load_judge``.
        verbose: 1 prints progress.

    A conditional generator is scored on a class-balanced sample, with
    ``conditional_accuracy`` and ``intra_class_fid`` besides
    (``keras_gan.evaluation.conditional``), and its Figure 2 has one row per
    class.

    Returns:
        The report dict.
    """
    sampler = as_sampler(model, use_ema=use_ema)
    start = time.time()
    labels = sampler.sample_labels(num_samples)  # class-balanced; None: unconditional
    samples = sampler.sample(num_samples, seed, labels=labels, truncation=truncation)
    if samples.shape[1:] != real.test.shape[1:]:
        raise ValueError(
            f"The model generates images of shape {samples.shape[1:]} but the "
            f"dataset's images have shape {real.test.shape[1:]}."
        )
    if save_samples:
        with atomic_path(save_samples) as temporary:
            with open(temporary, "wb") as file:
                np.savez(file, x=samples)
    reference = real.train[:num_samples]
    report = _parzen_entries(samples, reference, real, verbose)
    report.update(_judge_entries(samples, reference, real, cache_dir, verbose, labels))
    memorisation = memorisation_report(samples, real.train, real.test)
    report["nearest_train_distance_median"] = _entry(
        memorisation["samples"]["median"], memorisation["test"]["median"]
    )
    report["nearest_train_distance_percentile_1"] = _entry(
        memorisation["samples"]["percentile_1"], memorisation["test"]["percentile_1"]
    )
    report["settings"] = _settings(num_samples, seed, real, report.pop("_judge"))
    report["settings"]["truncation"] = truncation
    report["settings"]["seconds"] = round(time.time() - start, 1)
    if output_dir:
        _write_outputs(output_dir, report, sampler, (samples, labels), real, seed)
    return report


def _entry(value, reference):
    return {"value": value, "reference_train_vs_test": reference}


def _parzen_entries(samples, reference, real, verbose):
    if verbose:
        print("Parzen window log-likelihood of the samples, then of real train images:")
    scored = [
        parzen.parzen_log_likelihood(x, real.test, real.validation, verbose=verbose)
        for x in (samples, reference)
    ]
    entries = {
        name: _entry(scored[0][key], scored[1][key])
        for name, key in (
            ("parzen_ll", "log_likelihood"),
            ("parzen_se", "standard_error"),
            ("parzen_sigma", "sigma"),
        )
    }
    entries["parzen_validation_ll"] = _entry(
        scored[0]["validation_log_likelihoods"], scored[1]["validation_log_likelihoods"]
    )
    return entries


def _judge_entries(samples, reference, real, cache_dir, verbose, labels=None):
    classifier = judge.load_judge(
        real.train, real.train_labels, cache_dir=cache_dir, verbose=verbose
    )
    outputs = {
        name: judge.judge_outputs(classifier, images)
        for name, images in (
            ("samples", samples), ("reference", reference), ("test", real.test)
        )
    }  # fmt: skip
    (fake_features, fake_p), (train_features, train_p) = (
        outputs["samples"],
        outputs["reference"],
    )
    test_features, test_p = outputs["test"]
    test_histogram = metrics.class_histogram(test_p)
    entries = {"_judge": {"key": judge.dataset_key(real.train, real.train_labels)}}
    if real.test_labels is not None:
        accuracy = float(np.mean(test_p.argmax(axis=1) == real.test_labels))
        entries["_judge"]["test_accuracy"] = accuracy
    for name, (features, probabilities) in {
        "value": (fake_features, fake_p),
        "reference_train_vs_test": (train_features, train_p),
    }.items():
        scores = _judge_metrics(features, probabilities, test_features, test_histogram)
        for metric, value in scores.items():
            entries.setdefault(metric, {})[name] = value
    entries["class_histogram"]["test"] = [float(share) for share in test_histogram]
    if labels is not None:
        if real.test_labels is None:
            raise ValueError(
                "A conditional generator is scored per class, but the dataset's "
                "test images have no labels."
            )
        entries.update(
            conditional.conditional_entries(
                outputs, labels, real.train_labels[: len(reference)], real.test_labels
            )
        )
    return entries


def _judge_metrics(features, probabilities, test_features, test_histogram):
    """Every judge-based metric of one image set against the test set."""
    kid, kid_std = metrics.kernel_distance(
        features, test_features, num_subsets=KID_SUBSETS, subset_size=KID_SUBSET_SIZE
    )
    precision, recall = metrics.precision_recall(
        test_features, features, k=PR_NEIGHBOURS
    )
    histogram = metrics.class_histogram(probabilities, len(test_histogram))
    return {
        "fid": metrics.frechet_distance(features, test_features),
        "kid": kid,
        "kid_std": kid_std,
        "classifier_score": metrics.classifier_score(probabilities),
        "precision": precision,
        "recall": recall,
        "class_histogram": [float(share) for share in histogram],
        "class_kl": metrics.histogram_kl(histogram, test_histogram),
        "modes_covered": metrics.modes_covered(histogram),
    }


def _settings(num_samples, seed, real, judge_facts):
    return {
        "num_samples": num_samples,
        "seed": seed,
        "num_train": len(real.train),
        "num_validation": len(real.validation),
        "num_test": len(real.test),
        "real_set": "test split (all images); reference: train[:num_samples]",
        "parzen_sigmas": [float(s) for s in parzen.PAPER_SIGMAS],
        "judge": {
            **judge_facts,
            "feature_layer": judge.FEATURE_LAYER,
            "version": judge.JUDGE_VERSION,
        },
        "kid": {
            "kernel": "(x.y/d + 1)^3",
            "num_subsets": KID_SUBSETS,
            "subset_size": KID_SUBSET_SIZE,
        },
        "precision_recall": {"k": PR_NEIGHBOURS},
        "modes_covered_threshold": 0.02,
    }


def _write_outputs(output_dir, report, sampler, samples_and_labels, real, seed):
    os.makedirs(output_dir, exist_ok=True)
    samples, labels = samples_and_labels
    figure2 = os.path.join(output_dir, "figure2.png")
    if labels is None:
        figures.nearest_neighbour_figure(figure2, samples, real.train)
    else:
        figures.class_nearest_neighbour_figure(
            figure2, samples, labels, real.train, real.train_labels
        )
    figures.interpolation_figure(
        os.path.join(output_dir, "figure3.png"), sampler, seed=seed
    )
    with atomic_path(os.path.join(output_dir, "report.json")) as temporary:
        with open(temporary, "w") as file:
            json.dump(report, file, indent=2)


def format_summary(report):
    """A readable table of the report: metric, value, real-data reference."""
    lines = [f"{'metric':<32}{'generated':>14}{'real (train vs test)':>24}"]
    for name, entry in report.items():
        if name == "settings" or isinstance(entry.get("value"), list):
            continue
        lines.append(
            f"{name:<32}{_number(entry['value']):>14}"
            f"{_number(entry['reference_train_vs_test']):>24}"
        )
    histogram = " ".join(f"{share:.3f}" for share in report["class_histogram"]["value"])
    lines.append(f"class histogram (generated): {histogram}")
    if "conditional_accuracy_per_class" in report:
        per_class = report["conditional_accuracy_per_class"]["value"]
        lines.append(
            "conditional accuracy per class: "
            + " ".join("-" if a is None else f"{a:.3f}" for a in per_class)
        )
    return "\n".join(lines)


def _number(value):
    if value is None:
        return "-"
    return str(value) if isinstance(value, int) else f"{value:.4g}"

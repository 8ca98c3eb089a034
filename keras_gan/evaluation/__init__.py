"""Evaluating GANs without downloads: Parzen windows, a judge, memorisation.

``evaluate`` runs everything and writes ``report.json``; the pieces are
usable alone: ``parzen_log_likelihood`` (the GAN paper's Table 1 protocol;
``ParzenScore`` monitors it during training),
the judge classifier (``load_judge``, ``judge_outputs``) and the metrics on
its features, ``nearest_neighbours`` for memorisation, and the paper's
Figures 2 and 3.

One module per idea: ``parzen``, ``judge`` (the classifier standing in for
InceptionV3), ``metrics`` (Frechet and kernel distances, precision/recall,
modes), ``memorisation``, ``figures``, ``splits`` (the real images compared
with), ``stacked`` (Stacked MNIST's 1000 modes) and ``report`` (``evaluate``).
Reads any artifact through ``keras_gan.export.as_sampler``; nothing below
imports it.
"""

from keras_gan.evaluation.figures import interpolation_figure, nearest_neighbour_figure
from keras_gan.evaluation.judge import judge_outputs, load_judge, train_judge
from keras_gan.evaluation.memorisation import memorisation_report, nearest_neighbours
from keras_gan.evaluation.metrics import (
    class_histogram,
    classifier_score,
    frechet_distance,
    histogram_kl,
    kernel_distance,
    modes_covered,
    precision_recall,
)
from keras_gan.evaluation.parzen import ParzenScore, parzen_log_likelihood
from keras_gan.evaluation.report import evaluate, format_summary
from keras_gan.evaluation.splits import RealData, load_real
from keras_gan.evaluation.stacked import evaluate_stacked, evaluate_stacked_mnist
from keras_gan.export import Sampler, as_sampler

__all__ = [
    "ParzenScore",
    "RealData",
    "Sampler",
    "as_sampler",
    "class_histogram",
    "classifier_score",
    "evaluate",
    "evaluate_stacked",
    "evaluate_stacked_mnist",
    "format_summary",
    "frechet_distance",
    "histogram_kl",
    "interpolation_figure",
    "judge_outputs",
    "kernel_distance",
    "load_judge",
    "load_real",
    "memorisation_report",
    "modes_covered",
    "nearest_neighbour_figure",
    "nearest_neighbours",
    "parzen_log_likelihood",
    "precision_recall",
    "train_judge",
]

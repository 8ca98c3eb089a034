"""Scoring a conditional generator: is the class asked for the class seen?

Two numbers beside the unconditional report, each with its real-data
reference (what a perfect generator gets):

- **conditional accuracy**: the judge's accuracy on samples generated for
  each requested class (overall and per class), beside the same judge's
  accuracy on the real test images;
- **intra-class Frechet distance**: for each class, the Frechet distance
  between the judge features of the samples generated for it and those of
  the test images of that class, and its mean over classes (Miyato & Koyama
  2018 report it for conditional GANs), beside the same distance for real
  training images of that class.
"""

import numpy as np

from keras_gan.evaluation import metrics


def conditional_entries(outputs, sample_labels, reference_labels, test_labels):
    """The report entries of a conditional generator.

    Args:
        outputs: ``{"samples" | "reference" | "test": (features,
            probabilities)}``, the judge's outputs on each image set.
        sample_labels: the class each sample was generated for.
        reference_labels: the labels of the real reference images.
        test_labels: the labels of the test images.

    Returns:
        ``conditional_accuracy``, ``conditional_accuracy_per_class``,
        ``intra_class_fid`` and ``intra_class_fid_per_class``, each
        ``{"value": ..., "reference_train_vs_test": ...}``.
    """
    sample_labels = np.asarray(sample_labels)
    reference_labels = np.asarray(reference_labels)
    test_labels = np.asarray(test_labels)
    num_classes = outputs["test"][1].shape[1]
    if sample_labels.max() >= num_classes:
        raise ValueError(
            f"The generator draws classes up to {int(sample_labels.max())}, but the "
            f"judge of this dataset knows {num_classes} classes: evaluate it on the "
            "dataset it was trained on."
        )
    classes = np.unique(sample_labels)
    test_features, test_p = outputs["test"]
    samples, reference = outputs["samples"], outputs["reference"]
    accuracy = {
        "value": _accuracies(samples[1], sample_labels, classes),
        "reference_train_vs_test": _accuracies(test_p, test_labels, classes),
    }
    test = test_features, test_labels
    distances = {
        "value": _class_distances(samples[0], sample_labels, test, classes),
        "reference_train_vs_test": _class_distances(
            reference[0], reference_labels, test, classes
        ),
    }
    return {
        "conditional_accuracy": {k: v[0] for k, v in accuracy.items()},
        "conditional_accuracy_per_class": {k: v[1] for k, v in accuracy.items()},
        "intra_class_fid": {k: _mean(v) for k, v in distances.items()},
        "intra_class_fid_per_class": distances,
    }


def _accuracies(probabilities, labels, classes):
    """``(overall, per class)`` accuracy of the judge's argmax against ``labels``."""
    hits = probabilities.argmax(axis=1) == labels
    per_class = [
        float(hits[labels == c].mean()) if (labels == c).any() else None
        for c in classes
    ]
    return float(hits.mean()), per_class


def _class_distances(features, labels, test, classes):
    """Frechet distance per class between ``features`` and the test images'."""
    test_features, test_labels = test
    distances = []
    for c in classes:
        ours, theirs = features[labels == c], test_features[test_labels == c]
        if min(len(ours), len(theirs)) < 2:
            distances.append(None)
            continue
        distances.append(metrics.frechet_distance(ours, theirs))
    return distances


def _mean(values):
    known = [value for value in values if value is not None]
    return float(np.mean(known)) if known else None

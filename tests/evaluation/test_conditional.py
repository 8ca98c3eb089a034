import numpy as np
import pytest

from keras_gan.evaluation import metrics
from keras_gan.evaluation.conditional import conditional_entries


def _one_hot(labels, classes=3):
    return np.eye(classes)[labels]


def _outputs(rng):
    # Three classes; the judge reads samples 0 and 1 right, and every sample of
    # class 2 as class 0. Features: one cluster per class.
    sample_labels = np.repeat([0, 1, 2], 4)
    read_as = np.where(sample_labels == 2, 0, sample_labels)
    test_labels = np.tile([0, 1, 2], 5)
    reference_labels = np.tile([0, 1, 2], 6)
    features = {
        name: labels[:, None] + rng.normal(0, 0.1, (len(labels), 2))
        for name, labels in (
            ("samples", sample_labels),
            ("test", test_labels),
            ("reference", reference_labels),
        )
    }
    outputs = {
        "samples": (features["samples"], _one_hot(read_as)),
        "test": (features["test"], _one_hot(test_labels)),
        "reference": (features["reference"], _one_hot(reference_labels)),
    }
    return outputs, sample_labels, reference_labels, test_labels


def test_conditional_accuracy_per_class_and_intra_class_distance():
    outputs, sample_labels, reference_labels, test_labels = _outputs(
        np.random.default_rng(0)
    )
    entries = conditional_entries(outputs, sample_labels, reference_labels, test_labels)
    assert entries["conditional_accuracy"] == {
        "value": pytest.approx(8 / 12),
        "reference_train_vs_test": 1.0,
    }
    assert entries["conditional_accuracy_per_class"]["value"] == [1.0, 1.0, 0.0]
    per_class = entries["intra_class_fid_per_class"]["value"]
    features = outputs["samples"][0]
    expected = metrics.frechet_distance(
        features[sample_labels == 1], outputs["test"][0][test_labels == 1]
    )
    assert per_class[1] == pytest.approx(expected)
    assert entries["intra_class_fid"]["value"] == pytest.approx(np.mean(per_class))
    reference = entries["intra_class_fid_per_class"]["reference_train_vs_test"]
    assert len(reference) == 3 and all(value >= 0 for value in reference)


def test_classes_the_judge_does_not_know_are_refused():
    outputs, sample_labels, reference_labels, test_labels = _outputs(
        np.random.default_rng(0)
    )
    with pytest.raises(ValueError, match="classes up to 5.*knows 3 classes"):
        conditional_entries(outputs, sample_labels + 3, reference_labels, test_labels)

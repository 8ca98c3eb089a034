import os

import numpy as np
import pytest
from conftest import SHARED_DATA

from keras_gan.evaluation import judge, splits


@pytest.fixture(scope="module")
def digits():
    return splits.load_real("digits")


def test_judge_learns_digits_and_exposes_features(digits, tmp_path):
    classifier = judge.load_judge(
        digits.train, digits.train_labels, cache_dir=tmp_path, verbose=0
    )
    features, probabilities = judge.judge_outputs(classifier, digits.test)
    assert features.shape == (len(digits.test), 128)
    assert probabilities.shape == (len(digits.test), 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    accuracy = np.mean(probabilities.argmax(axis=1) == digits.test_labels)
    assert accuracy > 0.9


def test_cached_judge_is_reused_not_retrained(digits, tmp_path, monkeypatch):
    monkeypatch.setattr(judge, "MIN_STEPS", 20)  # accuracy does not matter here
    images, labels = digits.train[:300], digits.train_labels[:300]
    first = judge.load_judge(images, labels, cache_dir=tmp_path, verbose=0)
    cached = os.listdir(tmp_path)
    assert cached == [f"judge-{judge.dataset_key(images, labels)}.keras"]

    def fail(*args, **kwargs):
        raise AssertionError("the cached judge should have been loaded")

    monkeypatch.setattr(judge, "train_judge", fail)
    second = judge.load_judge(images, labels, cache_dir=tmp_path, verbose=0)
    np.testing.assert_allclose(
        second.predict(images[:20], verbose=0), first.predict(images[:20], verbose=0)
    )


def test_dataset_key_depends_on_images_and_labels():
    images, labels = np.zeros((4, 2, 2, 1), "float32"), np.arange(4)
    key = judge.dataset_key(images, labels)
    assert key == judge.dataset_key(images.copy(), labels.copy())
    assert key != judge.dataset_key(images + 0.5, labels)
    assert key != judge.dataset_key(images, labels[::-1])


def test_cache_dir_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_GAN_CACHE", str(tmp_path))
    assert judge.default_cache_dir() == str(tmp_path)
    monkeypatch.delenv("KERAS_GAN_CACHE")
    assert judge.default_cache_dir().endswith(os.path.join(".cache", "keras_gan"))


def test_unlabelled_data_raises():
    with pytest.raises(ValueError, match="needs labels"):
        judge.train_judge(np.zeros((4, 8, 8, 1)), None)


@pytest.mark.slow
@pytest.mark.parametrize("name, bar", [("mnist", 0.99), ("fashion_mnist", 0.90)])
def test_judge_reaches_its_accuracy_bar(name, bar):
    # Uses the real cache ($KERAS_GAN_CACHE or ~/.cache/keras_gan): the first
    # run trains each judge (3 epochs, a few CPU minutes), later runs load it.
    path = os.path.join(SHARED_DATA, f"{name}.npz")
    if not os.path.exists(path):
        pytest.skip(f"{path} is not available")
    real = splits.load_real(path)
    classifier = judge.load_judge(real.train, real.train_labels, verbose=0)
    _, probabilities = judge.judge_outputs(classifier, real.test)
    assert np.mean(probabilities.argmax(axis=1) == real.test_labels) >= bar

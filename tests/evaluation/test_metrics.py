import numpy as np
import pytest

from keras_gan.evaluation import metrics


def test_frechet_distance_of_identical_sets_is_zero():
    features = np.random.default_rng(0).normal(size=(500, 6))
    assert metrics.frechet_distance(features, features) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_matches_hand_computed_1d_case():
    # means 0 and 7, unbiased variances 2 and 18: 49 + 2 + 18 - 2 * sqrt(36).
    assert metrics.frechet_distance([-1.0, 1.0], [4.0, 10.0]) == pytest.approx(57.0)


def test_frechet_distance_matches_hand_computed_2d_case():
    corners = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
    shifted = 2.0 * corners + [3.0, -1.0]
    # Covariances 4/3 I and 16/3 I: 3^2 + 1^2 + 2 (4/3 + 16/3 - 2 * 8/3).
    expected = 10.0 + 2 * (20.0 / 3.0 - 16.0 / 3.0)
    assert metrics.frechet_distance(corners, shifted) == pytest.approx(expected)


def test_frechet_distance_survives_singular_covariances():
    low_rank = np.random.default_rng(0).normal(size=(50, 1)) * np.ones((1, 4))
    distance = metrics.frechet_distance(low_rank, low_rank + 1.0)
    assert distance == pytest.approx(4.0, abs=1e-2)


def _brute_force_mmd2(x, y):
    def k(a, b):
        return (np.dot(a, b) / len(a) + 1.0) ** 3

    m = len(x)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j)
    yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j)
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(m))
    return xx / (m * (m - 1)) + yy / (m * (m - 1)) - 2 * xy / m**2


def test_kernel_distance_is_the_unbiased_polynomial_mmd():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(6, 3)), rng.normal(1.0, size=(6, 3))
    mean, std = metrics.kernel_distance(x, y, num_subsets=3, subset_size=10)
    # Subsets as large as the sets hold every point: all subsets agree.
    assert mean == pytest.approx(_brute_force_mmd2(x, y))
    assert std == pytest.approx(0.0, abs=1e-9)


def test_kernel_distance_separates_same_from_shifted_distributions():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(400, 8)), rng.normal(size=(400, 8))
    same, _ = metrics.kernel_distance(a, b, num_subsets=10, subset_size=200)
    shifted, _ = metrics.kernel_distance(a, b + 1.0, num_subsets=10, subset_size=200)
    assert abs(same) < 0.05 < shifted


def test_classifier_score_bounds():
    confident_uniform = np.eye(10)[np.arange(1000) % 10]
    assert metrics.classifier_score(confident_uniform) == pytest.approx(10.0)
    one_class = np.tile([[0.9, 0.1]], (50, 1))
    assert metrics.classifier_score(one_class) == pytest.approx(1.0)


def _brute_force_precision_recall(real, fake, k):
    def radii(points):
        d = np.linalg.norm(points[:, None] - points[None], axis=-1)
        return np.sort(d, axis=1)[:, k]

    def inside(queries, points, r):
        d = np.linalg.norm(queries[:, None] - points[None], axis=-1)
        return np.mean(np.any(d <= r[None], axis=1))

    return inside(fake, real, radii(real)), inside(real, fake, radii(fake))


def test_precision_recall_match_brute_force():
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(60, 3)), rng.normal(0.7, 1.5, size=(45, 3))
    result = metrics.precision_recall(real, fake, k=3, batch_size=7)
    assert result == pytest.approx(_brute_force_precision_recall(real, fake, 3))


def test_precision_recall_extremes():
    real = np.random.default_rng(0).normal(size=(100, 4))
    assert metrics.precision_recall(real, real) == (1.0, 1.0)
    assert metrics.precision_recall(real, real + 100.0) == (0.0, 0.0)


def test_class_histogram_and_modes_of_a_single_digit_generator():
    single = np.tile(np.eye(10)[3] * 0.9 + 0.01, (200, 1))
    histogram = metrics.class_histogram(single)
    np.testing.assert_allclose(histogram, np.eye(10)[3])
    assert metrics.modes_covered(histogram) == 1
    uniform = np.full(10, 0.1)
    assert metrics.histogram_kl(histogram, uniform) == pytest.approx(np.log(10))
    assert metrics.histogram_kl(uniform, uniform) == pytest.approx(0.0)


def test_modes_covered_threshold():
    assert metrics.modes_covered([0.5, 0.48, 0.019, 0.001]) == 2
    assert metrics.modes_covered([0.5, 0.48, 0.02, 0.0]) == 3


def test_bad_features_raise():
    with pytest.raises(ValueError, match="features_a"):
        metrics.frechet_distance(np.zeros((1, 3)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="k=3"):
        metrics.precision_recall(np.zeros((3, 2)), np.zeros((10, 2)))

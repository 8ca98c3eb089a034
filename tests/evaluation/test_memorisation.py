import numpy as np
import pytest

from keras_gan.evaluation import memorisation


def test_nearest_neighbours_match_brute_force():
    rng = np.random.default_rng(0)
    queries, references = rng.random((13, 4, 4, 1)), rng.random((40, 4, 4, 1))
    distances, indices = memorisation.nearest_neighbours(
        queries, references, batch_size=5
    )
    brute = np.linalg.norm(
        queries.reshape(13, 1, -1) - references.reshape(1, 40, -1), axis=-1
    )
    np.testing.assert_array_equal(indices, brute.argmin(axis=1))
    np.testing.assert_allclose(distances, brute.min(axis=1), rtol=1e-6)


def test_copied_training_images_are_found_at_distance_zero():
    train = np.random.default_rng(1).random((50, 3, 3, 1))
    distances, indices = memorisation.nearest_neighbours(train[[7, 3]], train)
    np.testing.assert_array_equal(indices, [7, 3])
    np.testing.assert_allclose(distances, 0.0, atol=1e-6)


def test_report_compares_samples_with_held_out_images():
    rng = np.random.default_rng(2)
    train, test = rng.random((60, 9)), rng.random((20, 9))
    copies = train[:20] + 0.001
    report = memorisation.memorisation_report(copies, train, test)
    assert report["samples"]["median"] < 0.01 < report["test"]["median"]
    assert report["indices"].tolist() == list(range(20))


def test_shape_mismatch_raises():
    with pytest.raises(ValueError, match="one shape"):
        memorisation.nearest_neighbours(np.zeros((2, 4)), np.zeros((3, 5)))

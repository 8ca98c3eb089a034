import numpy as np
import pytest

from keras_gan.evaluation import splits


def test_mnist_layout_uses_the_papers_validation_images(tmp_path):
    path = tmp_path / "fake_mnist.npz"
    x_train = (np.arange(51_500) % 256).astype("uint8")[:, None, None]
    x_train = np.broadcast_to(x_train, (51_500, 2, 2)).copy()
    np.savez(
        path,
        x_train=x_train,
        y_train=np.arange(51_500) % 10,
        x_test=x_train[:30],
        y_test=np.arange(30) % 10,
    )
    real = splits.load_real(str(path))
    assert real.validation.shape == (1000, 2, 2, 1)
    np.testing.assert_array_equal(real.validation, real.train[50_000:51_000])
    assert len(real.train) == 51_500 and len(real.test) == 30
    assert real.test_labels.tolist() == (np.arange(30) % 10).tolist()


def test_single_split_source_holds_out_its_last_fifth():
    real = splits.load_real("digits")
    total = len(real.train) + len(real.test)
    assert total == 1797 and len(real.test) == total // 5
    assert len(real.train_labels) == len(real.train)
    assert len(real.test_labels) == len(real.test)
    assert 0 < len(real.validation) <= len(real.train) // 10


def test_missing_file_raises():
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        splits.load_real("/nonexistent/nope.npz")

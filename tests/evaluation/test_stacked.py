import numpy as np
import pytest
from conftest import one_hot_judge

from keras_gan.evaluation import stacked


def test_mode_report_golden_values():
    report = stacked.mode_report([0, 0, 1, 999])
    assert report["modes_covered"] == 3
    # KL(p || uniform) = sum p log(1000 p) with p = (1/2, 1/4, 1/4).
    expected = 0.5 * np.log(500.0) + 2 * 0.25 * np.log(250.0)
    np.testing.assert_allclose(report["kl_to_uniform"], expected, rtol=1e-12)
    # Digits per channel: red and green (0, 0, 0, 9), blue (0, 0, 1, 9).
    red = 0.75 * np.log(7.5) + 0.25 * np.log(2.5)
    blue = 0.5 * np.log(5.0) + 2 * 0.25 * np.log(2.5)
    np.testing.assert_allclose(
        report["kl_channel_digits"], [red, red, blue], rtol=1e-12
    )
    np.testing.assert_allclose(
        report["kl_channel_dependence"], expected - 2 * red - blue, rtol=1e-12
    )
    uniform = stacked.mode_report(np.arange(1000).repeat(3))
    assert uniform == {
        "modes_covered": 1000,
        "kl_to_uniform": 0.0,
        "kl_channel_digits": [0.0, 0.0, 0.0],
        "kl_channel_dependence": 0.0,
    }


def test_mode_report_splits_digit_balance_from_dependence():
    # Independent channels with skewed digits: all the KL is digit balance.
    skewed = np.array([0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    red, green, blue = np.meshgrid(skewed, skewed, skewed, indexing="ij")
    report = stacked.mode_report((100 * red + 10 * green + blue).ravel())
    assert report["kl_channel_dependence"] < 1e-12
    np.testing.assert_allclose(
        sum(report["kl_channel_digits"]), report["kl_to_uniform"], rtol=1e-12
    )
    # Three copies of one balanced digit: balanced channels, all dependence.
    copies = stacked.mode_report(111 * np.arange(10))
    assert copies["kl_channel_digits"] == [0.0, 0.0, 0.0]
    np.testing.assert_allclose(copies["kl_channel_dependence"], np.log(100.0))


def test_stacked_modes_read_one_digit_per_channel():
    triples = np.array([[3, 0, 7], [9, 9, 9], [0, 1, 2]])
    images = np.zeros((3, 16, 3), "float32")
    for index, digits in enumerate(triples):
        images[index, digits, [0, 1, 2]] = 1.0
    modes = stacked.stacked_modes(one_hot_judge(), images.reshape(3, 4, 4, 3))
    np.testing.assert_array_equal(modes, [307, 999, 12])


def test_stacked_modes_need_three_channels():
    with pytest.raises(ValueError, match=r"\(N, H, W, 3\)"):
        stacked.stacked_modes(one_hot_judge(), np.zeros((2, 4, 4, 1)))

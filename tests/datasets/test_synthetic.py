"""Synthetic datasets: shapes, reproducibility, and labels that follow each set's rule."""

import numpy as np
import pytest

from nnbasics import datasets

GENERATORS = [
    datasets.line,
    datasets.parabola,
    datasets.xor,
    datasets.circles,
    datasets.gaussians,
    datasets.spirals,
]


@pytest.mark.parametrize("make", GENERATORS, ids=lambda f: f.__name__)
def test_shapes_types_and_seeded_reproducibility(make):
    X, y = make(n=150, seed=3)
    assert X.shape == (150, 2) and X.dtype == np.float64
    assert y.shape == (150,) and y.dtype == np.int64
    X_again, y_again = make(n=150, seed=3)
    np.testing.assert_array_equal(X, X_again)
    np.testing.assert_array_equal(y, y_again)
    X_other, _ = make(n=150, seed=4)
    assert not np.allclose(X, X_other)
    assert np.bincount(y).min() >= 150 // 5, "a class is nearly empty"


def test_line_labels_follow_the_line_and_scale_shifts_inputs():
    X, y = datasets.line(n=500, seed=0)
    np.testing.assert_array_equal(y, (X[:, 1] > X[:, 0]).astype(int))
    X_big, y_big = datasets.line(n=500, seed=0, scale=100.0, offset=50.0)
    np.testing.assert_array_equal(y_big, y)
    np.testing.assert_allclose(X_big, X * 100 + 50)


def test_parabola_labels_follow_the_curve():
    X, y = datasets.parabola(n=400, seed=1)
    np.testing.assert_array_equal(y, (X[:, 1] > X[:, 0] ** 2).astype(int))


def test_xor_quadrants_and_table():
    X, y = datasets.xor(n=400, seed=2)
    np.testing.assert_array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int))
    X4, y4 = datasets.xor_table()
    assert X4.shape == (4, 2) and y4.shape == (4, 1)
    np.testing.assert_array_equal(y4[:, 0], np.logical_xor(X4[:, 0], X4[:, 1]).astype(float))


def test_circles_inner_disc_is_class_one():
    X, y = datasets.circles(n=300, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert radius[y == 1].max() <= 0.5 < 0.7 <= radius[y == 0].min()


def test_gaussians_and_spirals_support_many_classes():
    for make in (datasets.gaussians, datasets.spirals):
        _, y = make(n=300, n_classes=3, seed=0)
        assert set(np.unique(y)) == {0, 1, 2}


def test_noise_moves_points():
    X_clean, _ = datasets.circles(n=100, seed=0, noise=0.0)
    X_noisy, _ = datasets.circles(n=100, seed=0, noise=0.2)
    assert 0.05 < np.abs(X_noisy - X_clean).mean() < 0.5


def test_bad_arguments_get_clear_errors():
    with pytest.raises(ValueError, match="noise is a standard deviation"):
        datasets.xor(noise=-1)
    with pytest.raises(ValueError, match="n must be an integer"):
        datasets.circles(n=1)
    with pytest.raises(ValueError, match="n_classes must be at least 2"):
        datasets.spirals(n_classes=1)


def test_train_test_split_partitions_rows():
    X, y = datasets.gaussians(n=100, seed=0)
    X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, test_ratio=0.3, seed=1)
    assert len(X_test) == 30 and len(X_train) == 70
    together = np.concatenate([X_train, X_test])
    assert sorted(map(tuple, together)) == sorted(map(tuple, X))
    lookup = {tuple(row): label for row, label in zip(X, y, strict=True)}
    assert all(lookup[tuple(r)] == label for r, label in zip(X_test, y_test, strict=True))
    with pytest.raises(ValueError, match="same number of rows"):
        datasets.train_test_split(X, y[:-1])

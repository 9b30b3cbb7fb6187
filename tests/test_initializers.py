"""Initializers: shapes, dtypes, seeding, the variances they promise, and the symmetry
problem of all-zero weights."""

import numpy as np
import pytest

from nnbasics import MLP, SGD
from nnbasics.initializers import get_initializer, he, normal, xavier, zeros


@pytest.mark.parametrize("init", [zeros, normal, xavier, he])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_shape_dtype_and_seeding(init, dtype):
    a = init((30, 20), np.random.default_rng(5), dtype)
    b = init((30, 20), np.random.default_rng(5), dtype)
    assert a.shape == (30, 20) and a.dtype == dtype
    np.testing.assert_array_equal(a, b)


def test_he_variance_is_two_over_fan_in():
    W = he((500, 400), np.random.default_rng(0), np.float64)
    assert W.std() == pytest.approx(np.sqrt(2 / 500), rel=0.02)
    assert abs(W.mean()) < 0.002


def test_xavier_is_uniform_within_glorot_limit():
    W = xavier((300, 200), np.random.default_rng(0), np.float64)
    limit = np.sqrt(6 / 500)
    assert np.abs(W).max() <= limit
    assert np.abs(W).max() > 0.99 * limit
    assert W.var() == pytest.approx(2 / 500, rel=0.03)  # var of U(-a, a) = a^2 / 3


def test_normal_std_and_binding():
    W = normal((400, 300), np.random.default_rng(0), np.float64)
    assert W.std() == pytest.approx(0.01, rel=0.02)
    W = get_initializer("normal", std=0.5)((400, 300), np.random.default_rng(0), np.float64)
    assert W.std() == pytest.approx(0.5, rel=0.02)


def test_zeros_are_zeros():
    assert not zeros((3, 4)).any()


def test_zero_init_keeps_hidden_units_identical():
    """The symmetry problem: with equal initial weights every hidden unit gets the same
    gradient, so the units stay copies of each other however long we train."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((32, 3))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    model = MLP([3, 5, 1], activation="sigmoid", init="zeros", seed=0, dtype=np.float64)
    model.fit(X, y, epochs=20, batch_size=8, optimizer=SGD(0.5))
    W1 = model.layers[0].params["W"]
    assert np.abs(W1).max() > 1e-3  # it did learn something...
    np.testing.assert_allclose(W1, W1[:, :1].repeat(5, axis=1), rtol=1e-10, atol=1e-12)  # ...but all columns equal
    W1_he = MLP([3, 5, 1], activation="sigmoid", init="he", seed=0).layers[0].params["W"]
    assert np.ptp(W1_he, axis=1).min() > 0  # random init breaks the symmetry


def test_unknown_initializer_and_bad_shapes():
    with pytest.raises(ValueError, match="unknown initializer 'ones'.*he"):
        get_initializer("ones")
    with pytest.raises(ValueError, match="positive"):
        he((0, 3), np.random.default_rng(0))

"""The three dense forward passes agree with each other; the vectorized one is the fastest."""

import numpy as np
import pytest

from nnbasics.advanced.performance import (
    best_time,
    dense_forward_loops,
    dense_forward_rows,
    dense_forward_vectorized,
)


def test_all_three_versions_compute_x_w_plus_b():
    rng = np.random.default_rng(0)
    X, W, b = rng.standard_normal((5, 7)), rng.standard_normal((7, 3)), rng.standard_normal(3)
    expected = np.einsum("nd,dk->nk", X, W) + b
    for forward in (dense_forward_loops, dense_forward_rows, dense_forward_vectorized):
        np.testing.assert_allclose(forward(X, W, b), expected, rtol=1e-12)


def test_vectorized_is_faster_than_python_loops():
    rng = np.random.default_rng(1)
    X, W, b = rng.standard_normal((32, 200)), rng.standard_normal((200, 16)), np.zeros(16)
    loops = best_time(lambda: dense_forward_loops(X, W, b), repeats=1)
    vectorized = best_time(lambda: dense_forward_vectorized(X, W, b), repeats=20)
    assert vectorized < loops / 5


def test_shape_mismatches_are_explained():
    with pytest.raises(ValueError, match=r"X \(n, d\), W \(d, k\)"):
        dense_forward_vectorized(np.zeros((2, 3)), np.zeros((4, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="repeats"):
        best_time(lambda: None, repeats=0)

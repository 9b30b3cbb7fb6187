"""The same dense-layer forward pass ``X @ W + b`` written three ways, and a stopwatch.

* ``dense_forward_loops``: plain Python, one multiply-add at a time (what the maths says);
* ``dense_forward_rows``: one NumPy dot product per sample (half vectorized);
* ``dense_forward_vectorized``: one matrix product for the whole batch (how libraries do it).

All three return the same ``(n, n_out)`` array (up to rounding); only the time differs.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np


def _check(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> None:
    if X.ndim != 2 or W.ndim != 2 or b.shape != (W.shape[1],) or X.shape[1] != W.shape[0]:
        raise ValueError(
            f"expected X (n, d), W (d, k), b (k,), got {X.shape}, {W.shape}, {b.shape}"
        )


def dense_forward_loops(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``X (n, d) @ W (d, k) + b (k,)`` with three nested Python loops."""
    _check(X, W, b)
    n, d = X.shape
    k = W.shape[1]
    rows, weights, bias = X.tolist(), W.tolist(), b.tolist()
    out = [[0.0] * k for _ in range(n)]
    for i in range(n):
        row = rows[i]
        for j in range(k):
            total = bias[j]
            for m in range(d):
                total += row[m] * weights[m][j]
            out[i][j] = total
    return np.array(out, dtype=np.result_type(X, W))


def dense_forward_rows(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``X @ W + b`` with a Python loop over the samples and a NumPy product per sample."""
    _check(X, W, b)
    return np.stack([x @ W + b for x in X])


def dense_forward_vectorized(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``X @ W + b`` as one matrix product (BLAS does the loops, in compiled code)."""
    _check(X, W, b)
    return X @ W + b


def best_time(function: Callable[[], object], repeats: int = 3) -> float:
    """The fastest of ``repeats`` wall-clock timings of ``function()``, in seconds.

    The minimum is the least disturbed by other programs running on the machine.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return min(timings)

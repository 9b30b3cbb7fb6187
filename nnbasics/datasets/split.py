"""Shuffled train/test split."""

from __future__ import annotations

import numpy as np


def train_test_split(
    X: np.ndarray, y: np.ndarray, test_ratio: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split ``X: (n, ...)`` and ``y: (n, ...)`` into ``X_train, X_test, y_train, y_test``.

    ``test_ratio`` is the fraction in the test part (0 < ratio < 1); rows are shuffled with ``seed``.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if len(X) != len(y):
        raise ValueError(
            f"X and y must have the same number of rows, got {len(X)} and {len(y)}; "
            "pass the labels that belong to these samples"
        )
    if not 0.0 < test_ratio < 1.0:
        raise ValueError(f"test_ratio must be between 0 and 1 (exclusive), got {test_ratio}")
    n_test = int(round(len(X) * test_ratio))
    if n_test == 0 or n_test == len(X):
        raise ValueError(
            f"test_ratio={test_ratio} leaves an empty part for {len(X)} samples; use more samples or a ratio nearer 0.5"
        )
    order = np.random.default_rng(seed).permutation(len(X))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]

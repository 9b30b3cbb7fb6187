"""Seeded toy sequence tasks for the recurrent layers: ``X (n, T, 1)`` floats, ``y (n,)`` ints."""

from __future__ import annotations

import numpy as np


def _check(n: int, length: int) -> None:
    if n < 1 or length < 1:
        raise ValueError(f"n and length must be positive, got n={n}, length={length}")


def majority_sequences(n: int, length: int = 11, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Sequences of +1/-1 steps; label 1 when there are more +1 than -1 (``length`` odd: no ties).

    To answer, a network must *count* as it reads: a running total in its memory.
    """
    _check(n, length)
    if length % 2 == 0:
        raise ValueError(f"use an odd length so that there is always a majority, got {length}")
    rng = np.random.default_rng(seed)
    X = rng.choice([-1.0, 1.0], size=(n, length, 1))
    y = (X.sum(axis=(1, 2)) > 0).astype(np.int64)
    return X, y


def remember_first_sequences(
    n: int, length: int = 20, noise: float = 1.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The first step is +1 or -1 (the label: 1 for +1), every later step is Gaussian noise.

    The answer must be kept in memory across ``length - 1`` distracting steps: a long-range
    dependency.
    """
    _check(n, length)
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, noise, size=(n, length, 1))
    y = rng.integers(0, 2, size=n)
    X[:, 0, 0] = 2.0 * y - 1.0
    return X, y.astype(np.int64)

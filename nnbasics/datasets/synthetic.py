"""Seeded 2-D toy datasets (the chapters, the playground and the exercises use them).

Each generator returns ``X: (n, 2) float64`` and ``y: (n,) int64`` and is reproducible from
``seed``. ``noise`` is the standard deviation of Gaussian jitter added to the points, in the units
of the plot (the sets live roughly in [-1, 1]² unless ``scale`` says otherwise).
"""

from __future__ import annotations

import numpy as np


def _check(n: int, noise: float) -> None:
    if int(n) != n or n < 2:
        raise ValueError(f"n must be an integer of at least 2, got {n!r}")
    if noise < 0:
        raise ValueError(f"noise is a standard deviation and must be >= 0, got {noise}")


def _uniform_square(n: int, rng: np.random.Generator, scale: float = 1.0) -> np.ndarray:
    return rng.uniform(-scale, scale, size=(n, 2))


def line(
    n: int = 200, seed: int = 0, noise: float = 0.0, scale: float = 1.0, offset: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Points in ``[-scale, scale]² + offset``, labelled 1 above the line y = x, else 0.

    ``scale``/``offset`` let exercises produce un-normalised inputs (e.g. ``scale=100``).
    """
    _check(n, noise)
    rng = np.random.default_rng(seed)
    X = _uniform_square(n, rng)
    y = (X[:, 1] > X[:, 0]).astype(np.int64)
    X = X + rng.normal(0.0, noise, X.shape)
    return X * scale + offset, y


def parabola(n: int = 200, seed: int = 0, noise: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Points with x in [-1, 1] and y in [-0.5, 1.5], labelled 1 above the curve y = x², else 0."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.uniform(-1.0, 1.0, n), rng.uniform(-0.5, 1.5, n)])
    y = (X[:, 1] > X[:, 0] ** 2).astype(np.int64)
    return X + rng.normal(0.0, noise, X.shape), y


def xor_table() -> tuple[np.ndarray, np.ndarray]:
    """The four XOR cases as in the tutorial: ``X (4, 2)`` and ``y (4, 1)``, both float64."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    y = np.array([[0], [1], [1], [0]], dtype=np.float64)
    return X, y


def xor(n: int = 200, noise: float = 0.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points in [-1, 1]², labelled 1 when x1 and x2 have different signs (the quadrant XOR)."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    X = _uniform_square(n, rng)
    # keep points off the axes so that the classes stay separable before noise
    X += np.sign(X) * 0.05
    y = (X[:, 0] * X[:, 1] < 0).astype(np.int64)
    return X + rng.normal(0.0, noise, X.shape), y


def circles(
    n: int = 200, noise: float = 0.0, seed: int = 0, inner_radius: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """A disc of radius ``inner_radius`` (label 1) inside a ring of radius 0.7-1.0 (label 0)."""
    _check(n, noise)
    if not 0.0 < inner_radius < 0.7:
        raise ValueError(f"inner_radius must lie in (0, 0.7) to leave a gap, got {inner_radius}")
    rng = np.random.default_rng(seed)
    n_inner = n // 2
    radius = np.concatenate([rng.uniform(0.0, inner_radius, n_inner), rng.uniform(0.7, 1.0, n - n_inner)])
    angle = rng.uniform(0.0, 2 * np.pi, n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    y = np.concatenate([np.ones(n_inner, np.int64), np.zeros(n - n_inner, np.int64)])
    order = rng.permutation(n)
    return (X + rng.normal(0.0, noise, X.shape))[order], y[order]


def gaussians(n: int = 200, n_classes: int = 2, noise: float = 0.25, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` Gaussian blobs of std ``noise`` whose centres sit on a circle of radius 0.6."""
    _check(n, noise)
    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2, got {n_classes}")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % n_classes
    angles = 2 * np.pi * np.arange(n_classes) / n_classes + np.pi / 4
    centres = 0.6 * np.column_stack([np.cos(angles), np.sin(angles)])
    X = centres[y] + rng.normal(0.0, noise, (n, 2))
    order = rng.permutation(n)
    return X[order], y[order].astype(np.int64)


def spirals(
    n: int = 200, n_classes: int = 2, noise: float = 0.0, seed: int = 0, turns: float = 1.5
) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` interleaved arms of a spiral, each turning ``turns`` times, radius up to 1."""
    _check(n, noise)
    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2, got {n_classes}")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % n_classes
    t = rng.uniform(0.05, 1.0, n)
    angle = 2 * np.pi * turns * t + 2 * np.pi * y / n_classes
    X = np.column_stack([t * np.cos(angle), t * np.sin(angle)])
    order = rng.permutation(n)
    return (X + rng.normal(0.0, noise, X.shape))[order], y[order].astype(np.int64)

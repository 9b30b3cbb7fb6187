"""The playground's input features, computed from the plane coordinates ``(x1, x2)``.

As in TensorFlow Playground: x1, x2, x1², x2², x1·x2, sin x1, sin x2. Each takes ``X: (n, 2)``
and returns ``(n,)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

FEATURES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "x1": lambda X: X[:, 0],
    "x2": lambda X: X[:, 1],
    "x1²": lambda X: X[:, 0] ** 2,
    "x2²": lambda X: X[:, 1] ** 2,
    "x1·x2": lambda X: X[:, 0] * X[:, 1],
    "sin x1": lambda X: np.sin(X[:, 0]),
    "sin x2": lambda X: np.sin(X[:, 1]),
}

# What the playground's buttons show (TensorFlow Playground's spelling).
FEATURE_LABELS: dict[str, str] = {
    "x1": "X1", "x2": "X2", "x1²": "X1²", "x2²": "X2²", "x1·x2": "X1·X2",
    "sin x1": "sin(X1)", "sin x2": "sin(X2)",
}


def check_features(names: Sequence[str]) -> tuple[str, ...]:
    """Validate a selection of feature names; keep :data:`FEATURES`' order."""
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise ValueError(f"unknown features {unknown}; choose from {list(FEATURES)}")
    if not names:
        raise ValueError("select at least one input feature, e.g. 'x1'")
    return tuple(name for name in FEATURES if name in names)


def feature_matrix(X: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """The selected features of points ``X: (n, 2)`` as ``(n, len(names))`` float64."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"features are computed from 2-D points: X must be (n, 2), got {X.shape}")
    return np.column_stack([FEATURES[name](X) for name in names])

"""Edge cases in the data: missing values, outliers and imbalanced classes (numpy only).

Every ``fit_*`` function learns its statistics from the **training** set only and returns them,
so that the same transformation can be applied to the test set without leaking information.
Arrays follow the course convention: samples are rows, ``X: (n_samples, n_features)``.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "apply_clip",
    "balanced_accuracy",
    "class_weights",
    "fit_clip_bounds",
    "fit_mean_imputer",
    "impute",
    "missing_indicators",
    "outlier_mask",
    "per_class_recall",
    "random_oversample",
]


def _as_2d_float(X, name: str = "X") -> np.ndarray:
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (n_samples, n_features), got shape {X.shape}")
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got dtype {X.dtype}")
    return X.astype(np.float64, copy=False) if X.dtype.kind != "f" else X


def _as_labels(y, n_samples: int | None = None) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1 or y.dtype.kind not in "iub":
        raise ValueError(f"y must be 1-D integer labels (n_samples,), got {y.dtype} {y.shape}")
    if n_samples is not None and len(y) != n_samples:
        raise ValueError(f"X has {n_samples} rows but y has {len(y)} labels; they must match")
    if y.size and y.min() < 0:
        raise ValueError(f"class labels must be non-negative integers, got minimum {y.min()}")
    return y.astype(np.int64, copy=False)


# --- missing values -------------------------------------------------------------------------


def fit_mean_imputer(X) -> np.ndarray:
    """Column means ``(d,)`` of ``X (n, d)`` ignoring NaN; raises if a column has no value."""
    X = _as_2d_float(X)
    observed = ~np.isnan(X)
    counts = observed.sum(axis=0)
    if np.any(counts == 0):
        empty = np.flatnonzero(counts == 0).tolist()
        raise ValueError(f"columns {empty} have no observed value; cannot compute their mean")
    return np.where(observed, X, 0.0).sum(axis=0) / counts


def impute(X, fill: np.ndarray | float) -> np.ndarray:
    """Copy of ``X (n, d)`` with each NaN replaced by ``fill`` (scalar or per-column ``(d,)``)."""
    X = _as_2d_float(X)
    fill = np.broadcast_to(np.asarray(fill, dtype=X.dtype), (X.shape[1],))
    if not np.all(np.isfinite(fill)):
        raise ValueError("fill values must be finite")
    return np.where(np.isnan(X), fill, X)


def missing_indicators(X) -> np.ndarray:
    """``(n, d)`` float array with 1.0 where ``X`` is NaN: extra features that let a model know
    a value was filled in."""
    return np.isnan(_as_2d_float(X)).astype(np.float64)


# --- outliers -------------------------------------------------------------------------------


def outlier_mask(X, threshold: float = 3.5) -> np.ndarray:
    """Boolean ``(n, d)``: True where the robust z-score ``0.6745 |x - median| / MAD`` exceeds
    ``threshold`` (Iglewicz and Hoaglin's rule; the median and MAD ignore the outliers themselves,
    unlike the mean and standard deviation)."""
    if threshold <= 0:
        raise ValueError(f"threshold must be positive, got {threshold}")
    X = _as_2d_float(X)
    median = np.median(X, axis=0)
    mad = np.median(np.abs(X - median), axis=0)
    mad = np.where(mad > 0, mad, np.finfo(np.float64).tiny)
    return 0.6745 * np.abs(X - median) / mad > threshold


def fit_clip_bounds(X, lower: float = 1.0, upper: float = 99.0) -> tuple[np.ndarray, np.ndarray]:
    """Per-column percentiles ``(low (d,), high (d,))`` of training data, for :func:`apply_clip`."""
    if not 0.0 <= lower < upper <= 100.0:
        raise ValueError(f"need 0 <= lower < upper <= 100, got lower={lower}, upper={upper}")
    X = _as_2d_float(X)
    return np.percentile(X, lower, axis=0), np.percentile(X, upper, axis=0)


def apply_clip(X, bounds: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Clip each column of ``X (n, d)`` into ``bounds`` (winsorizing): outliers become extreme but
    ordinary values."""
    low, high = bounds
    return np.clip(_as_2d_float(X), low, high)


# --- imbalanced classes ---------------------------------------------------------------------


def class_weights(y, n_classes: int | None = None) -> np.ndarray:
    """Balanced weights ``n / (k * count_c)`` per class: ``(k,)``. Rare classes weigh more; a
    perfectly balanced set gets all ones. Raises if a class has no sample."""
    y = _as_labels(y)
    k = int(y.max()) + 1 if n_classes is None else int(n_classes)
    if y.size and y.max() >= k:
        raise ValueError(f"labels go up to {y.max()} but n_classes={k}")
    counts = np.bincount(y, minlength=k)
    if np.any(counts == 0):
        raise ValueError(f"classes {np.flatnonzero(counts == 0).tolist()} have no sample")
    return len(y) / (k * counts.astype(np.float64))


def random_oversample(X, y, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Repeat randomly chosen samples of the smaller classes until every class is as large as
    the largest. Returns shuffled ``X (m, d)``, ``y (m,)``; use it on the training set only."""
    X = np.asarray(X)
    y = _as_labels(y, len(X))
    rng = np.random.default_rng(seed)
    counts = np.bincount(y)
    target = counts.max()
    index = [np.arange(len(y))]
    for cls, count in enumerate(counts):
        if 0 < count < target:
            members = np.flatnonzero(y == cls)
            index.append(rng.choice(members, size=target - count, replace=True))
    order = rng.permutation(np.concatenate(index))
    return X[order], y[order]


def per_class_recall(y_true, y_pred, n_classes: int | None = None) -> np.ndarray:
    """Fraction of each class's samples predicted correctly: ``(k,)`` (NaN for an absent class)."""
    y_true = _as_labels(y_true)
    y_pred = _as_labels(y_pred, len(y_true))
    k = int(max(y_true.max(), y_pred.max())) + 1 if n_classes is None else int(n_classes)
    support = np.bincount(y_true, minlength=k).astype(np.float64)
    hits = np.bincount(y_true[y_true == y_pred], minlength=k).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(support > 0, hits / np.where(support > 0, support, 1.0), np.nan)


def balanced_accuracy(y_true, y_pred) -> float:
    """Mean of the per-class recalls: 0.5 for a classifier that always answers the majority class
    of a two-class problem, however rare the minority class is."""
    return float(np.nanmean(per_class_recall(y_true, y_pred)))

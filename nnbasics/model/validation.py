"""Input checks shared by the model's methods, with messages that say how to fix things."""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_finite", "check_positive_int", "check_X", "check_same_length"]


def check_X(X, n_features: int, dtype) -> np.ndarray:
    """Return ``X`` as a 2-D array of ``dtype`` with ``n_features`` columns, or raise."""
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise TypeError(f"X must be numeric, got an array of dtype {X.dtype}")
    if X.ndim != 2 or X.shape[1] != n_features:
        msg = f"expected {n_features} features, got shape {X.shape}"
        if X.ndim > 2 and int(np.prod(X.shape[1:])) == n_features:
            msg += "; flatten the images with X.reshape(len(X), -1)"
        elif X.ndim == 1 and n_features == 1:
            msg += "; X must be 2-D (n_samples, n_features): use X.reshape(-1, 1)"
        elif X.ndim == 1 and X.size == n_features:
            msg += "; a single sample must be a row: X.reshape(1, -1)"
        else:
            msg += f"; X must have shape (n_samples, {n_features})"
        raise ValueError(msg)
    return X.astype(dtype, copy=False)


def check_finite(array: np.ndarray, name: str) -> None:
    """Raise if ``array`` holds NaN or infinity."""
    if array.dtype.kind != "f":
        return
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(array)):
            return  # fast path: a NaN or inf anywhere would make the sum non-finite
    if not np.isfinite(array).all():  # (the sum can also overflow: then look closer)
        n_bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(
            f"{name} contains {n_bad} NaN or infinite value(s); remove or impute them "
            f"(e.g. np.nan_to_num) before training"
        )


def check_same_length(X: np.ndarray, y: np.ndarray, what: str = "X and y") -> None:
    if len(X) != len(y):
        raise ValueError(
            f"{what} have different numbers of samples: {len(X)} rows in X but {len(y)} targets"
        )
    if len(X) == 0:
        raise ValueError(f"{what} are empty; need at least one sample")


def check_positive_int(value, name: str, allow_none: bool = False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)

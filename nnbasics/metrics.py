"""Classification metrics: accuracy and the confusion matrix."""

from __future__ import annotations

import numpy as np

__all__ = ["accuracy", "confusion_matrix"]


def _labels(y, name: str) -> np.ndarray:
    """Integer labels from ``(n,)`` labels, or from ``(n, k)`` scores/one-hot rows (argmax)."""
    y = np.asarray(y)
    if y.ndim == 2:
        y = y.argmax(axis=1) if y.shape[1] > 1 else y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{name} must be labels (n,) or scores (n, k), got shape {y.shape}")
    if y.dtype.kind == "f":
        if not np.array_equal(y, np.round(y)):
            raise ValueError(
                f"{name} must be integer class labels; got non-integer floats "
                "(threshold probabilities first, e.g. (p >= 0.5).astype(int))"
            )
        y = y.astype(np.int64)
    elif y.dtype.kind == "b":
        y = y.astype(np.int64)
    elif y.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer class labels, got dtype {y.dtype}")
    return y


def accuracy(y_true, y_pred) -> float:
    """Fraction of samples whose predicted label equals the true label.

    ``y_true``, ``y_pred``: labels ``(n,)``; a 2-D ``(n, k)`` array (one-hot targets or
    predicted scores) is turned into labels with ``argmax``.
    """
    y_true, y_pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} labels but y_pred has {len(y_pred)}")
    if len(y_true) == 0:
        raise ValueError("accuracy of zero samples is undefined; pass at least one label")
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true, y_pred, n_classes: int | None = None) -> np.ndarray:
    """``(k, k)`` int matrix whose entry ``[i, j]`` counts samples of true class ``i``
    predicted as class ``j`` (rows: truth, columns: prediction)."""
    y_true, y_pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} labels but y_pred has {len(y_pred)}")
    if len(y_true) and (y_true.min() < 0 or y_pred.min() < 0):
        raise ValueError("class labels must be non-negative integers")
    largest = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1
    if n_classes is None:
        n_classes = largest
    elif n_classes < largest:
        raise ValueError(f"n_classes={n_classes} but labels go up to {largest - 1}")
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm

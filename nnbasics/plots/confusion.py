"""Confusion matrix as an annotated heatmap."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nnbasics.plots._axes import axes_or_new


def plot_confusion_matrix(cm: np.ndarray, class_names: Sequence[str] | None = None, normalize: bool = False, ax=None):
    """Draw ``cm: (k, k)`` (rows = true class, columns = predicted) with the count in each cell.

    ``normalize=True`` shows each row as fractions of that true class.
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"a confusion matrix is square (k, k), got shape {cm.shape}")
    shown = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1) if normalize else cm
    k = cm.shape[0]
    ax = axes_or_new(ax, figsize=(0.55 * k + 2, 0.55 * k + 1.5))
    ax.imshow(shown, cmap="Blues")
    names = list(class_names) if class_names is not None else [str(i) for i in range(k)]
    ax.set_xticks(range(k), names)
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    threshold = shown.max() / 2 if shown.size else 0
    for i in range(k):
        for j in range(k):
            text = f"{shown[i, j]:.2f}" if normalize else str(int(cm[i, j]))
            colour = "white" if shown[i, j] > threshold else "black"
            ax.text(j, i, text, ha="center", va="center", fontsize=7, color=colour)
    return ax

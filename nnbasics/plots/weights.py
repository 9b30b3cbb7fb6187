"""Weights as pictures: first-layer filters of an MNIST model, digit grids, and histograms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


def _grid(n: int, n_cols: int) -> tuple[int, int]:
    n_cols = max(1, min(n_cols, n))
    return int(np.ceil(n / n_cols)), n_cols


def plot_first_layer_weights(
    W: np.ndarray, n_units: int = 16, n_cols: int = 8, image_shape: tuple[int, int] = (28, 28)
) -> Figure:
    """Show the incoming weights of the first ``n_units`` hidden units as images.

    ``W: (784, n_hidden)`` (inputs × units, as in ``Dense.params["W"]``). Blue positive, orange negative.
    """
    W = np.asarray(W)
    n_pixels = image_shape[0] * image_shape[1]
    if W.ndim != 2 or W.shape[0] != n_pixels:
        raise ValueError(f"expected W of shape ({n_pixels}, n_hidden) for {image_shape} images, got {W.shape}")
    n = min(n_units, W.shape[1])
    rows, cols = _grid(n, n_cols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.2 * cols, 1.2 * rows), squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k < n:
            filt = W[:, k].reshape(image_shape)
            limit = np.abs(filt).max() or 1.0
            ax.imshow(filt, cmap="PuOr_r", vmin=-limit, vmax=limit)
            ax.set_title(f"unit {k}", fontsize=7)
    fig.tight_layout()
    return fig


def plot_digits(
    images: np.ndarray,
    labels: Sequence[int] | None = None,
    predictions: Sequence[int] | None = None,
    n_cols: int = 8,
) -> Figure:
    """A grid of digit images ``(n, 28, 28)`` or ``(n, 784)``; titles give label and prediction
    (red when they differ)."""
    images = np.asarray(images)
    if images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        images = images.reshape(len(images), side, side)
    rows, cols = _grid(len(images), n_cols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.1 * cols, 1.25 * rows), squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k >= len(images):
            continue
        ax.imshow(images[k], cmap="gray_r")
        parts = []
        if labels is not None:
            parts.append(f"y={labels[k]}")
        if predictions is not None:
            parts.append(f"ŷ={predictions[k]}")
        wrong = labels is not None and predictions is not None and labels[k] != predictions[k]
        ax.set_title(" ".join(parts), fontsize=8, color="#c53030" if wrong else "black")
    fig.tight_layout()
    return fig


def plot_histograms(arrays: Mapping[str, np.ndarray], bins: int = 40, log: bool = False) -> Figure:
    """One histogram per named array (e.g. ``{"W1": ..., "dW1": ...}``), with mean and std in the title."""
    if not arrays:
        raise ValueError("plot_histograms needs at least one array")
    rows, cols = _grid(len(arrays), 4)
    fig, axes = plt.subplots(rows, cols, figsize=(3.0 * cols, 2.4 * rows), squeeze=False)
    for ax in axes.ravel()[len(arrays) :]:
        ax.axis("off")
    for ax, (name, values) in zip(axes.ravel(), arrays.items(), strict=False):
        flat = np.asarray(values, dtype=float).ravel()
        ax.hist(flat, bins=bins, color="#2b6cb0", alpha=0.8, log=log)
        ax.set_title(f"{name}: mean {flat.mean():.2g}, std {flat.std():.2g}", fontsize=8)
    fig.tight_layout()
    return fig

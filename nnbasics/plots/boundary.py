"""Decision boundaries of 2-D classifiers."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnbasics.plots._axes import CLASS_COLOURS, axes_or_new


def decision_grid(
    predict_fn: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    resolution: int = 100,
    padding: float = 0.25,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evaluate ``predict_fn`` on a ``resolution × resolution`` grid covering ``X: (n, 2)``.

    Returns ``xx, yy`` (the grid, each ``(resolution, resolution)``) and ``zz``: for a binary model
    (output ``(m,)`` or ``(m, 1)``) the positive-class score, for ``(m, k)`` outputs the argmax class.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"decision boundaries need 2-D points: expected X of shape (n, 2), got {X.shape}")
    low, high = X.min(axis=0) - padding, X.max(axis=0) + padding
    xx, yy = np.meshgrid(np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution))
    scores = np.asarray(predict_fn(np.column_stack([xx.ravel(), yy.ravel()])))
    if scores.ndim == 2 and scores.shape[1] > 1:
        zz = scores.argmax(axis=1)
    else:
        zz = scores.reshape(-1)
    return xx, yy, zz.reshape(xx.shape)


def plot_decision_boundary(
    predict_fn: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    X_test: np.ndarray | None = None,
    y_test: np.ndarray | None = None,
    ax=None,
    resolution: int = 100,
    title: str | None = None,
):
    """Shade the model's prediction over the plane and draw the points.

    ``predict_fn`` maps ``(m, 2)`` points to scores ``(m,)``/``(m, 1)`` (binary, in [0, 1]) or class
    probabilities ``(m, k)``. Training points are filled circles, test points hollow squares.
    """
    ax = axes_or_new(ax)
    both = X if X_test is None else np.vstack([X, X_test])
    xx, yy, zz = decision_grid(predict_fn, both, resolution)
    y = np.asarray(y).reshape(-1).astype(int)
    n_classes = int(max(y.max(), zz.max() if zz.dtype.kind == "i" else 1)) + 1
    if zz.dtype.kind == "i":
        ax.contourf(xx, yy, zz, levels=np.arange(n_classes + 1) - 0.5, colors=CLASS_COLOURS[:n_classes], alpha=0.25)
    else:
        ax.contourf(xx, yy, zz, levels=np.linspace(0, 1, 11), cmap="PuOr", alpha=0.35, extend="both")
        ax.contour(xx, yy, zz, levels=[0.5], colors="k", linewidths=1.0)
    colours = np.array(CLASS_COLOURS)[y % len(CLASS_COLOURS)]
    ax.scatter(X[:, 0], X[:, 1], c=colours, s=14, edgecolors="white", linewidths=0.4, label="train")
    if X_test is not None and y_test is not None:
        test_colours = np.array(CLASS_COLOURS)[np.asarray(y_test).reshape(-1).astype(int) % len(CLASS_COLOURS)]
        ax.scatter(
            X_test[:, 0], X_test[:, 1], facecolors="none", edgecolors=test_colours, marker="s", s=16, label="test"
        )
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax

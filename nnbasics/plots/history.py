"""Training curves: loss/accuracy per epoch, and gradient norms per layer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


def _as_dict(history) -> Mapping[str, Sequence[float]]:
    data = getattr(history, "history", history)
    if not isinstance(data, Mapping):
        raise TypeError(
            f"plot_history expects a History (from model.fit) or a dict of lists, got {type(history).__name__}"
        )
    return data


def plot_history(history, metrics: Sequence[str] | None = None, figsize=(9.0, 3.2)) -> Figure:
    """One panel per metric (``loss``, ``accuracy``...), training and ``val_`` curves together.

    ``history``: the ``History`` returned by ``fit`` or a dict ``{"loss": [...], "val_loss": [...]}``.
    """
    data = _as_dict(history)
    if metrics is None:
        metrics = [m for m in ("loss", "accuracy") if data.get(m)]
    metrics = [m for m in metrics if data.get(m) or data.get(f"val_{m}")]
    if not metrics:
        raise ValueError(f"nothing to plot: history has keys {sorted(data)} but no values")
    fig, axes = plt.subplots(1, len(metrics), figsize=figsize, squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        for key, style in ((metric, "-"), (f"val_{metric}", "--")):
            values = data.get(key)
            if values:
                epochs = np.arange(1, len(values) + 1)
                label = "validation" if key.startswith("val_") else "training"
                ax.plot(epochs, values, style, marker="o", markersize=3, label=label)
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    return fig


def plot_gradient_norms(norms: Mapping[str, Sequence[float]] | Sequence[float], ax=None, log: bool = True):
    """Gradient norm per layer: a bar chart for one step, or one line per layer over time.

    ``norms``: a sequence of floats (one per layer) or ``{layer_name: [norm per step]}``.
    """
    from nnbasics.plots._axes import axes_or_new

    ax = axes_or_new(ax, figsize=(6.0, 3.2))
    if isinstance(norms, Mapping):
        for name, values in norms.items():
            ax.plot(np.arange(1, len(values) + 1), values, label=str(name))
        ax.set_xlabel("step")
        ax.legend(fontsize="small")
    else:
        values = np.asarray(norms, dtype=float)
        ax.bar(np.arange(1, len(values) + 1), values, color="#2b6cb0")
        ax.set_xlabel("layer")
    if log:
        ax.set_yscale("log")
    ax.set_ylabel("gradient norm")
    ax.grid(alpha=0.3)
    return ax

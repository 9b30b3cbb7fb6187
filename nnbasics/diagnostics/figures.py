"""Figures for the diagnostics that ``nnbasics.plots`` does not draw: the learning-rate range test
and live training curves. Imports matplotlib (and IPython for live display), so it is loaded only
when one of these names is used."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from nnbasics.diagnostics.lr_range import LRRangeResult
from nnbasics.plots import plot_history
from nnbasics.plots._axes import axes_or_new

__all__ = ["LiveCurves", "plot_lr_range"]


def plot_lr_range(result: LRRangeResult, ax=None):
    """Loss against learning rate (log x) for an :class:`LRRangeResult`: raw batch losses faint,
    the smoothed curve bold, the lowest-loss rate and the suggested rate marked. Returns the Axes."""
    ax = axes_or_new(ax, figsize=(6.0, 3.6))
    ax.semilogx(result.lrs, result.losses, color="#b0b7c3", linewidth=1, label="batch loss")
    ax.semilogx(result.lrs, result.smoothed, color="#2b6cb0", linewidth=2, label="smoothed")
    ax.axvline(result.min_loss_lr, color="#dd6b20", linestyle=":",
               label=f"lowest loss: {result.min_loss_lr:.2g}")
    ax.axvline(result.suggested_lr, color="#38a169", linestyle="--",
               label=f"suggested: {result.suggested_lr:.2g}")
    finite = result.smoothed[np.isfinite(result.smoothed)]
    if finite.size:
        top = min(float(np.max(finite)), 3.0 * float(result.smoothed[0]))
        ax.set_ylim(0.0, max(top, float(np.min(finite))) * 1.1)
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("training loss")
    ax.set_title("learning-rate range test")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return ax


class LiveCurves:
    """A ``fit`` callback that redraws the training curves after every epoch, in place.

    ``model.fit(..., callbacks=[LiveCurves()])``. In a notebook the figure in the cell's output is
    replaced epoch by epoch (an IPython display handle); outside a notebook nothing is shown.
    ``updates`` counts the redraws; ``every`` redraws only every n-th epoch.
    """

    def __init__(self, metrics=None, every: int = 1) -> None:
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be a positive integer, got {every!r}")
        self.metrics, self.every = metrics, every
        self.updates = 0
        self._handle = None

    def __call__(self, epoch: int, history) -> None:
        """Called by ``fit`` after epoch ``epoch`` (1-based) with the ``History`` so far."""
        if epoch % self.every:
            return
        from IPython.display import display

        fig = plot_history(history, metrics=self.metrics)
        fig.suptitle(f"after epoch {len(history['loss'])}", fontsize=9)
        fig.tight_layout(rect=(0.0, 0.0, 1.0, 0.94))
        if self._handle is None:
            self._handle = display(fig, display_id=True)
        else:
            self._handle.update(fig)
        plt.close(fig)
        self.updates += 1

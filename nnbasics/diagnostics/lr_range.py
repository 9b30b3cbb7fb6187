"""The learning-rate range test (Smith, 2017): one short run with an exponentially growing rate.

Starting from ``lr_min``, the rate is multiplied by a constant factor after every mini-batch until
it reaches ``lr_max`` or the loss explodes. Plotted against the rate (log scale), the loss first
stays flat (rate too small to matter), then falls (useful rates), then shoots up (too large).
A good rate to train with sits about ten times below the rate of the lowest loss.
The model's weights are restored afterwards, so the test leaves it as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["LRRangeResult", "lr_range_test"]


@dataclass
class LRRangeResult:
    """``lrs (steps,)``, ``losses (steps,)`` (raw batch losses), ``smoothed (steps,)`` (exponential
    moving average, bias-corrected), ``min_loss_lr`` (rate at the lowest smoothed loss),
    ``suggested_lr`` (``min_loss_lr / 10``) and ``diverged`` (the run stopped on an exploding loss)."""

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    min_loss_lr: float
    suggested_lr: float
    diverged: bool

    def __str__(self) -> str:
        return (
            f"lowest loss at lr={self.min_loss_lr:.3g}; suggested lr={self.suggested_lr:.3g} "
            f"({len(self.lrs)} steps{', stopped when the loss exploded' if self.diverged else ''})"
        )


def lr_range_test(
    model,
    X: np.ndarray,
    y: np.ndarray,
    optimizer=None,
    lr_min: float = 1e-5,
    lr_max: float = 10.0,
    steps: int = 100,
    batch_size: int = 64,
    smoothing: float = 0.9,
    diverge_factor: float = 4.0,
    seed: int = 0,
) -> LRRangeResult:
    """Run the range test on ``model`` with ``X (n, d)``, ``y (n,)``; return an :class:`LRRangeResult`.

    ``optimizer`` defaults to ``nnbasics.SGD``; its ``lr`` is overwritten at every step. The run
    stops early once the smoothed loss exceeds ``diverge_factor`` times its minimum or is not
    finite. The model's parameters are put back as they were before the test.
    """
    from nnbasics.optimizers import SGD

    if not 0 < lr_min < lr_max:
        raise ValueError(f"need 0 < lr_min < lr_max, got lr_min={lr_min}, lr_max={lr_max}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 2:
        raise ValueError(f"steps must be an integer >= 2, got {steps!r}")
    if not 0.0 <= smoothing < 1.0:
        raise ValueError(f"smoothing must be in [0, 1), got {smoothing}")
    if diverge_factor <= 1.0:
        raise ValueError(f"diverge_factor must be > 1, got {diverge_factor}")
    X = np.asarray(X)
    y = np.asarray(y)
    if len(X) != len(y) or len(X) == 0:
        raise ValueError(f"X and y must be non-empty and of equal length, got {len(X)} and {len(y)}")
    optimizer = SGD(lr=lr_min) if optimizer is None else optimizer
    lrs = lr_min * (lr_max / lr_min) ** (np.arange(steps) / (steps - 1))
    saved = [{k: v.copy() for k, v in layer.items()} for layer in model.params]
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(X))
    batch_size = min(batch_size, len(X))
    losses, smoothed = [], []
    average, best, diverged, start = 0.0, np.inf, False, 0
    try:
        with np.errstate(all="ignore"):
            for step, lr in enumerate(lrs):
                if start + batch_size > len(X):
                    order, start = rng.permutation(len(X)), 0
                batch = order[start : start + batch_size]
                start += batch_size
                optimizer.lr = float(lr)
                loss = float(model.train_step(X[batch], y[batch], optimizer))
                losses.append(loss)
                average = smoothing * average + (1.0 - smoothing) * loss
                value = average / (1.0 - smoothing ** (step + 1))
                smoothed.append(value)
                if not np.isfinite(value) or (step > 0 and value > diverge_factor * best):
                    diverged = True
                    break
                best = min(best, value)
    finally:
        for layer, values in zip(model.params, saved, strict=True):
            for key, value in values.items():
                layer[key][...] = value
    n = len(losses)
    smoothed_arr = np.asarray(smoothed)
    finite = np.where(np.isfinite(smoothed_arr), smoothed_arr, np.inf)
    min_loss_lr = float(lrs[int(np.argmin(finite))])
    return LRRangeResult(
        lrs=lrs[:n],
        losses=np.asarray(losses),
        smoothed=smoothed_arr,
        min_loss_lr=min_loss_lr,
        suggested_lr=min_loss_lr / 10.0,
        diverged=diverged,
    )

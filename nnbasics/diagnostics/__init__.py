"""Diagnostics for chapters 7-8: data fixes, the learning-rate range test, profiling, live curves.

Numpy only at import. ``plot_lr_range`` and ``LiveCurves`` (matplotlib) are imported on first use.

* data edge cases (:mod:`.data`): ``fit_mean_imputer``/``impute``/``missing_indicators``,
  ``outlier_mask``/``fit_clip_bounds``/``apply_clip``, ``random_oversample``, ``class_weights``,
  ``per_class_recall``, ``balanced_accuracy``;
* ``WeightedSoftmaxCrossEntropy``: the class-weighted loss (:mod:`.weighted_loss`);
* ``lr_range_test`` -> ``LRRangeResult`` (:mod:`.lr_range`);
* ``profile_fit`` -> ``FitProfile`` (:mod:`.profiling`): where the time of ``fit`` goes.
"""

from __future__ import annotations

import importlib
from typing import Any

from nnbasics.diagnostics.data import (
    apply_clip,
    balanced_accuracy,
    class_weights,
    fit_clip_bounds,
    fit_mean_imputer,
    impute,
    missing_indicators,
    outlier_mask,
    per_class_recall,
    random_oversample,
)
from nnbasics.diagnostics.lr_range import LRRangeResult, lr_range_test
from nnbasics.diagnostics.profiling import FitProfile, profile_fit
from nnbasics.diagnostics.weighted_loss import WeightedSoftmaxCrossEntropy

_LAZY = {"plot_lr_range": "figures", "LiveCurves": "figures"}

__all__ = [
    "FitProfile",
    "LRRangeResult",
    "LiveCurves",
    "WeightedSoftmaxCrossEntropy",
    "apply_clip",
    "balanced_accuracy",
    "class_weights",
    "fit_clip_bounds",
    "fit_mean_imputer",
    "impute",
    "lr_range_test",
    "missing_indicators",
    "outlier_mask",
    "per_class_recall",
    "plot_lr_range",
    "profile_fit",
    "random_oversample",
]


def __getattr__(name: str) -> Any:
    """Import the matplotlib helpers on first access."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value
    return value

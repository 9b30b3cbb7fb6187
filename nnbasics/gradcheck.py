"""Gradient checking with centred differences, for layers, losses and whole models.

``numerical_gradient(f, x)`` estimates ``df/dx`` entry by entry with
``(f(x + eps) - f(x - eps)) / (2 eps)``; comparing it with the backward pass catches
almost every backpropagation bug. Use ``dtype=np.float64`` models and layers: in float32
the rounding error of the differences alone is about ``1e-7 / eps``.

``relative_error(a, b) = ||a - b|| / max(||a|| + ||b||, tiny)``; for a correct float64
backward pass it is typically below ``1e-8``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .layers import Layer
from .losses import Loss

__all__ = [
    "GradcheckReport",
    "check_layer",
    "check_loss",
    "check_model",
    "gradcheck",
    "numerical_gradient",
    "relative_error",
]


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6, indices=None
) -> np.ndarray:
    """Centred-difference gradient of the scalar function ``f(x)`` with respect to ``x``.

    ``x`` is modified in place, one entry at a time, and restored. ``indices``: an
    optional iterable of index tuples to estimate (the other entries stay 0), to check
    a random subset of a large array. Returns a float64 array of ``x``'s shape.
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError("x must be a float numpy array that f reads (it is perturbed in place)")
    grad = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape) if indices is None else indices:
        old = x[idx].copy()
        x[idx] = old + eps
        f_plus = float(f(x))
        x[idx] = old - eps
        f_minus = float(f(x))
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def relative_error(a, b) -> float:
    """``||a - b|| / max(||a|| + ||b||, 1e-12)`` (0 when both are zero)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare gradients of shapes {a.shape} and {b.shape}")
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12))


@dataclass
class GradcheckReport:
    """Max relative error between analytic and numerical gradients, per checked array."""

    errors: dict[str, float] = field(default_factory=dict)

    @property
    def max_error(self) -> float:
        return max(self.errors.values(), default=0.0)

    def passed(self, tol: float = 1e-6) -> bool:
        """True when every relative error is at most ``tol``."""
        return self.max_error <= tol

    def __repr__(self) -> str:
        rows = ", ".join(f"{k}: {v:.2e}" for k, v in self.errors.items())
        return f"GradcheckReport(max_error={self.max_error:.2e}; {rows})"


def _warn_if_single_precision(arrays, what: str) -> None:
    if any(np.asarray(a).dtype == np.float32 for a in arrays):
        warnings.warn(
            f"{what} has float32 parameters: centred differences are only accurate to about "
            "1e-2 in float32; build it with dtype=np.float64 for a gradient check",
            UserWarning,
            stacklevel=3,
        )


def _sample_indices(shape, max_entries: int | None, rng: np.random.Generator):
    size = int(np.prod(shape))
    if max_entries is None or size <= max_entries:
        return None
    flat = rng.choice(size, size=max_entries, replace=False)
    return [np.unravel_index(i, shape) for i in flat]


def _compare(analytic: np.ndarray, numeric: np.ndarray, indices) -> float:
    if indices is None:
        return relative_error(analytic, numeric)
    rows = tuple(np.array(axis) for axis in zip(*indices, strict=True))
    return relative_error(np.asarray(analytic)[rows], numeric[rows])


def check_layer(
    layer: Layer, x, training: bool = False, eps: float = 1e-6, seed: int = 0,
    max_entries: int | None = None,
) -> GradcheckReport:
    """Check ``layer.backward`` against centred differences of ``sum(forward(x) * R)``
    for a random ``R``: the input gradient ("x") and every parameter."""
    rng = np.random.default_rng(seed)
    _warn_if_single_precision(layer.params.values(), repr(layer))
    x = np.array(x, dtype=np.float64, copy=True)
    R = rng.standard_normal(layer.forward(x, training=training).shape)
    dx = np.array(layer.backward(R), dtype=np.float64)
    analytic = {k: g.astype(np.float64, copy=True) for k, g in layer.grads.items()}

    def f(_):
        return float(np.sum(layer.forward(x, training=training) * R))

    report = GradcheckReport()
    idx = _sample_indices(x.shape, max_entries, rng)
    report.errors["x"] = _compare(dx, numerical_gradient(f, x, eps, idx), idx)
    for key, p in layer.params.items():
        idx = _sample_indices(p.shape, max_entries, rng)
        report.errors[key] = _compare(analytic[key], numerical_gradient(f, p, eps, idx), idx)
    return report


def check_loss(loss: Loss, y_pred, y_true, eps: float = 1e-6) -> GradcheckReport:
    """Check ``loss.backward()`` against centred differences of ``loss.forward``."""
    y_pred = np.array(y_pred, dtype=np.float64, copy=True)
    loss.forward(y_pred, y_true)
    analytic = np.array(loss.backward(), dtype=np.float64)
    numeric = numerical_gradient(lambda z: loss.forward(z, y_true), y_pred, eps)
    return GradcheckReport({"y_pred": relative_error(analytic, numeric)})


def check_model(
    model, X, y, eps: float = 1e-6, max_entries: int | None = 200, seed: int = 0
) -> GradcheckReport:
    """Check ``model.backward`` (data loss + regularization) against centred differences
    of ``model.loss(X, y)``, for every parameter array (at most ``max_entries`` random
    entries per array). Keys look like ``"0.W"`` (layer index, parameter name)."""
    rng = np.random.default_rng(seed)
    _warn_if_single_precision([p for d in model.params for p in d.values()], "the model")
    model.loss(X, y)
    grads = [{k: g.astype(np.float64, copy=True) for k, g in d.items()} for d in model.backward(y)]
    report = GradcheckReport()
    for i, params in enumerate(model.params):
        for key, p in params.items():
            idx = _sample_indices(p.shape, max_entries, rng)
            numeric = numerical_gradient(lambda _: model.loss(X, y), p, eps, idx)
            report.errors[f"{i}.{key}"] = _compare(grads[i][key], numeric, idx)
    return report


def gradcheck(target, *args, **kwargs) -> GradcheckReport:
    """Dispatch: ``gradcheck(layer, x)``, ``gradcheck(loss, y_pred, y_true)`` or
    ``gradcheck(model, X, y)``."""
    if isinstance(target, Layer):
        return check_layer(target, *args, **kwargs)
    if isinstance(target, Loss):
        return check_loss(target, *args, **kwargs)
    if hasattr(target, "backward") and hasattr(target, "params") and hasattr(target, "loss"):
        return check_model(target, *args, **kwargs)
    raise TypeError(f"gradcheck takes a layer, a loss or a model, got {type(target).__name__}")

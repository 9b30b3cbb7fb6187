"""Weight penalties (L1, L2) and global-norm gradient clipping.

Conventions (the same as PyTorch's ``weight_decay`` for L2):

* ``l1_penalty = lam * sum(|W|)``, gradient ``lam * sign(W)``;
* ``l2_penalty = 0.5 * lam * sum(W ** 2)``, gradient ``lam * W``.

The penalties are added to the *mean* data loss (they are not divided by the batch size)
and apply to weight matrices only, not to biases.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

__all__ = ["clip_gradients", "global_norm", "l1_gradient", "l1_penalty", "l2_gradient", "l2_penalty"]


def _check_lam(lam: float) -> float:
    if not isinstance(lam, (int, float, np.floating)) or not math.isfinite(lam) or lam < 0:
        raise ValueError(f"regularization strength lam must be a finite number >= 0, got {lam!r}")
    return float(lam)


def _as_list(weights) -> list[np.ndarray]:
    if isinstance(weights, np.ndarray):
        return [weights]
    return [np.asarray(w) for w in weights]


def l1_penalty(weights: np.ndarray | Iterable[np.ndarray], lam: float) -> float:
    """``lam * sum(|W|)`` over one weight array or a list of them."""
    lam = _check_lam(lam)
    return lam * float(sum(np.abs(w).sum(dtype=np.float64) for w in _as_list(weights)))


def l1_gradient(W: np.ndarray, lam: float) -> np.ndarray:
    """Gradient of the L1 penalty: ``lam * sign(W)`` (0 at ``W == 0``), shape of ``W``."""
    return _check_lam(lam) * np.sign(W)


def l2_penalty(weights: np.ndarray | Iterable[np.ndarray], lam: float) -> float:
    """``0.5 * lam * sum(W ** 2)`` over one weight array or a list of them."""
    lam = _check_lam(lam)
    return 0.5 * lam * float(sum(np.vdot(w, w) for w in _as_list(weights)))


def l2_gradient(W: np.ndarray, lam: float) -> np.ndarray:
    """Gradient of the L2 penalty: ``lam * W``, shape of ``W``."""
    return _check_lam(lam) * W


def global_norm(grads: Iterable[dict[str, np.ndarray]]) -> float:
    """Euclidean norm of all gradient arrays together (a list of grad dicts)."""
    total = 0.0
    for g in grads:
        for arr in g.values():
            total += float(np.vdot(arr, arr))
    return math.sqrt(total)


def clip_gradients(grads: list[dict[str, np.ndarray]], max_norm: float) -> float:
    """Global-norm clipping, in place: if the norm of all gradients together exceeds
    ``max_norm``, scale every gradient by ``max_norm / norm``. Returns the norm *before*
    clipping (useful for plotting exploding gradients)."""
    if not isinstance(max_norm, (int, float, np.floating)) or not max_norm > 0:
        raise ValueError(f"max_norm must be a positive number, got {max_norm!r}")
    norm = global_norm(grads)
    if norm > max_norm:
        scale = max_norm / (norm + 1e-12)
        for g in grads:
            for arr in g.values():
                arr *= scale
    return norm

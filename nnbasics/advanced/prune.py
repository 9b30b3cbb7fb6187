"""Magnitude pruning: set the smallest weights to zero and see how much accuracy survives.

Trained networks are over-parameterised: many weights are close to zero and contribute little.
Magnitude pruning removes (zeroes) a chosen fraction of them, the ones with the smallest
``|w|``, either per layer (each weight matrix loses the same fraction) or globally (one
threshold for the whole network, so layers with many small weights lose more). Biases are
left alone: there are few of them.
"""

from __future__ import annotations

import copy

import numpy as np

__all__ = [
    "accuracy_vs_sparsity",
    "magnitude_mask",
    "prunable_weights",
    "prune_model",
    "weight_sparsity",
]


def _check_sparsity(sparsity: float) -> None:
    if not 0.0 <= sparsity <= 1.0:
        raise ValueError(f"sparsity must be a fraction in [0, 1], got {sparsity}")


def magnitude_mask(weights: np.ndarray, sparsity: float) -> np.ndarray:
    """Boolean mask (same shape as ``weights``), False for the ``round(sparsity * size)``
    entries of smallest magnitude. The count is exact, even with ties."""
    _check_sparsity(sparsity)
    weights = np.asarray(weights)
    n_pruned = int(round(sparsity * weights.size))
    order = np.argsort(np.abs(weights), axis=None, kind="stable")
    mask = np.ones(weights.size, dtype=bool)
    mask[order[:n_pruned]] = False
    return mask.reshape(weights.shape)


def prunable_weights(model) -> list[np.ndarray]:
    """The model's weight matrices (every parameter with 2 or more dimensions), in layer order."""
    return [value for params in model.params for value in params.values() if value.ndim >= 2]


def prune_model(model, sparsity: float, scope: str = "layer") -> list[np.ndarray]:
    """Zero the smallest weights of ``model`` in place; return the keep-masks (one per matrix).

    ``scope="layer"``: every matrix loses ``sparsity`` of its entries; ``scope="global"``: the
    ``sparsity`` fraction of all weights with the smallest magnitude network-wide.
    """
    _check_sparsity(sparsity)
    weights = prunable_weights(model)
    if not weights:
        raise ValueError("the model has no weight matrices to prune")
    if scope == "layer":
        masks = [magnitude_mask(w, sparsity) for w in weights]
    elif scope == "global":
        flat_mask = magnitude_mask(np.concatenate([w.ravel() for w in weights]), sparsity)
        sizes = np.cumsum([w.size for w in weights])[:-1]
        masks = [m.reshape(w.shape) for m, w in zip(np.split(flat_mask, sizes), weights, strict=True)]
    else:
        raise ValueError(f"scope must be 'layer' or 'global', got {scope!r}")
    for w, mask in zip(weights, masks, strict=True):
        w[~mask] = 0
    return masks


def weight_sparsity(model) -> float:
    """Fraction of the model's weight-matrix entries that are exactly zero."""
    weights = prunable_weights(model)
    total = sum(w.size for w in weights)
    return float(sum(np.count_nonzero(w == 0) for w in weights) / total)


def accuracy_vs_sparsity(
    model, X: np.ndarray, y: np.ndarray, sparsities, scope: str = "layer"
) -> np.ndarray:
    """Accuracy on ``(X, y)`` of a pruned copy of ``model`` for each sparsity (model untouched)."""
    accuracies = []
    for sparsity in sparsities:
        pruned = copy.deepcopy(model)
        prune_model(pruned, sparsity, scope=scope)
        accuracies.append(pruned.score(X, y))
    return np.asarray(accuracies)

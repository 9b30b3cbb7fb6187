"""Class-weighted softmax cross-entropy: the loss side of the "class weights" fix for imbalance.

``loss = -(1/n) * sum_i w[y_i] * log softmax(z_i)[y_i]``: every sample of class ``c`` counts
``w[c]`` times, so with :func:`nnbasics.diagnostics.class_weights` a rare class contributes as much
to the gradient as a frequent one. With all weights 1 it is exactly
:class:`nnbasics.losses.SoftmaxCrossEntropy`.
"""

from __future__ import annotations

import numpy as np

from nnbasics.losses import SoftmaxCrossEntropy, _check_labels

__all__ = ["WeightedSoftmaxCrossEntropy"]


class WeightedSoftmaxCrossEntropy(SoftmaxCrossEntropy):
    """Softmax cross-entropy on logits ``z (n, k)`` with integer labels ``(n,)`` and a weight per
    class ``weights (k,)``. Pass an instance as ``loss=`` to ``MLP``/``Sequential``."""

    name = "weighted_softmax_cross_entropy"

    def __init__(self, weights) -> None:
        super().__init__()
        weights = np.asarray(weights, dtype=np.float64)
        if weights.ndim != 1 or weights.size < 2:
            raise ValueError(f"weights must be 1-D, one entry per class; got shape {weights.shape}")
        if not np.all(np.isfinite(weights)) or np.any(weights < 0):
            raise ValueError("class weights must be finite and non-negative")
        self.weights = weights

    def check_targets(self, y_true, n_outputs: int) -> np.ndarray:
        if n_outputs != self.weights.size:
            raise ValueError(
                f"{self.weights.size} class weights for a network with {n_outputs} outputs"
            )
        return _check_labels(y_true, n_outputs)

    def forward(self, y_pred, y_true) -> float:
        z = np.asarray(y_pred)
        if z.ndim != 2 or z.shape[1] != self.weights.size:
            raise ValueError(
                f"logits must have shape (n_samples, {self.weights.size}), got {z.shape}"
            )
        n = z.shape[0]
        labels = _check_labels(y_true, z.shape[1], n)
        shifted = z - z.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        sums = exp.sum(axis=1, keepdims=True)
        probs = exp / sums
        log_p = shifted[np.arange(n), labels] - np.log(sums[:, 0])
        w = self.weights[labels].astype(z.dtype)
        self._cache = (probs, labels, w)
        return -float(np.sum(w * log_p) / n)

    def backward(self) -> np.ndarray:
        self._require_forward()
        probs, labels, w = self._cache
        n = probs.shape[0]
        grad = probs.copy()
        grad[np.arange(n), labels] -= 1.0
        grad *= (w / n)[:, None]
        return grad

    def __repr__(self) -> str:
        return f"WeightedSoftmaxCrossEntropy(weights={np.round(self.weights, 3).tolist()})"

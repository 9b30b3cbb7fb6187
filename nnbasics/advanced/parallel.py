"""Data parallelism, simulated: split a batch over workers, average their gradients.

Each of ``n`` workers holds a copy of the model and a shard of the batch, computes the gradient
of the mean loss on its shard, and the workers average their gradients (an "all-reduce")
weighted by shard size. Because the loss is a mean over samples,

    grad(full batch) = sum_k (n_k / n) * grad(shard k),

so every worker then takes exactly the step that one machine would have taken on the whole
batch; only the arithmetic was shared out. Here the workers run one after another.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "average_gradients",
    "batch_gradients",
    "data_parallel_gradients",
    "max_gradient_difference",
    "split_into_shards",
]

Gradients = list[dict[str, np.ndarray]]


def split_into_shards(
    X: np.ndarray, y: np.ndarray, n_shards: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Cut ``X (n, d)`` and ``y (n, ...)`` into ``n_shards`` contiguous, near-equal parts."""
    if len(X) != len(y):
        raise ValueError(f"X and y have different lengths: {len(X)} vs {len(y)}")
    if not 1 <= n_shards <= len(X):
        raise ValueError(f"n_shards must be between 1 and the batch size {len(X)}, got {n_shards}")
    indices = np.array_split(np.arange(len(X)), n_shards)
    return [(X[idx], y[idx]) for idx in indices]


def batch_gradients(model, X: np.ndarray, y: np.ndarray) -> Gradients:
    """Gradient of the model's mean loss on ``(X, y)`` (inference-mode forward), copied."""
    model.forward(X, training=False)
    grads = model.backward(y)
    return [{name: np.array(value, copy=True) for name, value in g.items()} for g in grads]


def average_gradients(gradient_lists: list[Gradients], weights) -> Gradients:
    """Weighted average of several workers' gradients (weights are normalised to sum to 1)."""
    weights = np.asarray(weights, dtype=np.float64)
    if len(weights) != len(gradient_lists) or np.any(weights < 0) or weights.sum() <= 0:
        raise ValueError("need one non-negative weight per gradient list, not all zero")
    weights = weights / weights.sum()
    averaged = []
    for layer_grads in zip(*gradient_lists, strict=True):
        averaged.append(
            {
                name: sum(w * g[name] for w, g in zip(weights, layer_grads, strict=True)).astype(
                    layer_grads[0][name].dtype
                )
                for name in layer_grads[0]
            }
        )
    return averaged


def data_parallel_gradients(model, X: np.ndarray, y: np.ndarray, n_workers: int) -> Gradients:
    """Simulate ``n_workers`` workers: shard the batch, take each shard's gradient, all-reduce."""
    shards = split_into_shards(X, y, n_workers)
    gradient_lists = [batch_gradients(model, X_k, y_k) for X_k, y_k in shards]
    return average_gradients(gradient_lists, [len(X_k) for X_k, _ in shards])


def max_gradient_difference(a: Gradients, b: Gradients) -> float:
    """Largest absolute difference between two gradient lists of the same structure."""
    differences = [
        float(np.max(np.abs(ga[name] - gb[name]), initial=0.0))
        for ga, gb in zip(a, b, strict=True)
        for name in ga
    ]
    return max(differences, default=0.0)

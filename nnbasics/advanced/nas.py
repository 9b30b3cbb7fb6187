"""Neural architecture search (NAS) in its simplest honest form: random search.

An architecture here is the tuple of hidden-layer sizes of an MLP, e.g. ``(128, 64)``. Random
search samples architectures from a search space, trains each one briefly, scores it on
validation data and keeps the best. It is the standard baseline that fancier NAS methods
(reinforcement learning, evolution, differentiable search) have to beat, and with a small
budget it is often hard to beat.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Trial", "count_mlp_params", "mlp_evaluator", "random_search", "sample_architecture"]

Architecture = tuple[int, ...]


@dataclass
class Trial:
    """One evaluated architecture: hidden sizes, validation score, parameter count, seconds."""

    hidden_sizes: Architecture
    score: float
    n_params: int
    seconds: float


def count_mlp_params(layer_sizes: Sequence[int]) -> int:
    """Weights plus biases of a fully connected network with these layer sizes."""
    return int(sum((a + 1) * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=True)))


def sample_architecture(
    rng: np.random.Generator,
    depths: Sequence[int] = (1, 2, 3),
    widths: Sequence[int] = (16, 32, 64, 128, 256),
) -> Architecture:
    """Draw a depth, then a width for each hidden layer, uniformly at random."""
    if not depths or not widths or min(depths) < 0 or min(widths) < 1:
        raise ValueError("depths must be non-negative and widths positive (and neither empty)")
    depth = int(rng.choice(depths))
    return tuple(int(w) for w in rng.choice(widths, size=depth))


def random_search(
    evaluate: Callable[[Architecture], float],
    n_trials: int,
    depths: Sequence[int] = (1, 2, 3),
    widths: Sequence[int] = (16, 32, 64, 128, 256),
    n_inputs: int | None = None,
    n_outputs: int | None = None,
    seed: int | None = 0,
    progress: bool = False,
) -> list[Trial]:
    """Evaluate ``n_trials`` distinct random architectures; return the trials, best first.

    ``evaluate(hidden_sizes) -> score`` (higher is better). ``n_inputs``/``n_outputs`` are
    only used to report each trial's parameter count. ``progress=True`` shows a tqdm bar.
    """
    if n_trials < 1:
        raise ValueError(f"n_trials must be at least 1, got {n_trials}")
    n_distinct = sum(len(widths) ** d for d in set(depths))
    if n_trials > n_distinct:
        raise ValueError(f"the search space has only {n_distinct} architectures, asked for {n_trials}")
    rng = np.random.default_rng(seed)
    candidates: list[Architecture] = []
    while len(candidates) < n_trials:
        architecture = sample_architecture(rng, depths, widths)
        if architecture not in candidates:
            candidates.append(architecture)
    if progress:
        from tqdm.auto import tqdm  # optional dependency, imported only when asked for

        candidates_iter = tqdm(candidates, desc="architectures")
    else:
        candidates_iter = candidates
    trials = []
    for hidden in candidates_iter:
        start = time.perf_counter()
        score = float(evaluate(hidden))
        sizes = [n_inputs or 0, *hidden, n_outputs or 0]
        n_params = count_mlp_params(sizes) if n_inputs and n_outputs else 0
        trials.append(Trial(hidden, score, n_params, time.perf_counter() - start))
    return sorted(trials, key=lambda t: t.score, reverse=True)


def mlp_evaluator(
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    epochs: int = 2,
    batch_size: int = 64,
    lr: float = 1e-3,
    seed: int = 0,
) -> Callable[[Architecture], float]:
    """Build ``evaluate(hidden_sizes)``: train an ``nnbasics.MLP`` with Adam, return val accuracy."""
    from nnbasics import MLP, Adam  # the core package; imported here to keep this module light

    n_inputs, n_outputs = X_train.shape[1], int(np.max(y_train)) + 1

    def evaluate(hidden_sizes: Architecture) -> float:
        model = MLP([n_inputs, *hidden_sizes, n_outputs], activation="relu", seed=seed)
        model.fit(X_train, y_train, epochs=epochs, batch_size=batch_size, optimizer=Adam(lr), seed=seed)
        return model.score(X_val, y_val)

    return evaluate

"""Federated averaging (FedAvg, McMahan et al. 2017), simulated on one machine.

The data stays with its owners (the *clients*, e.g. phones or hospitals). Each round:

1. the server sends the current global weights to the clients;
2. every client trains a copy on its own data for a few local epochs;
3. the server replaces the global weights by the average of the clients' weights, each
   weighted by the client's number of samples.

Only weights travel, never examples. The hard case is *non-IID* data: each client sees only a
few classes, so local training pulls the weights in different directions and the average has to
reconcile them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "FedAvgHistory",
    "average_weights",
    "copy_weights",
    "federated_averaging",
    "load_weights",
    "split_non_iid",
]

Weights = list[dict[str, np.ndarray]]
ClientData = tuple[np.ndarray, np.ndarray]


def split_non_iid(
    X: np.ndarray, y: np.ndarray, n_clients: int, shards_per_client: int = 2, seed: int = 0
) -> list[ClientData]:
    """Give every client ``shards_per_client`` label-sorted shards (so only a few classes each).

    The samples are sorted by label and cut into ``n_clients * shards_per_client`` equal
    shards, dealt out at random; every sample goes to exactly one client.
    """
    if len(X) != len(y):
        raise ValueError(f"X and y have different lengths: {len(X)} vs {len(y)}")
    n_shards = n_clients * shards_per_client
    if n_clients < 1 or shards_per_client < 1 or n_shards > len(X):
        raise ValueError(
            f"need 1 <= n_clients * shards_per_client <= {len(X)} samples, got "
            f"{n_clients} clients x {shards_per_client} shards"
        )
    rng = np.random.default_rng(seed)
    order = np.argsort(y, kind="stable")
    shards = np.array_split(order, n_shards)
    dealt = rng.permutation(n_shards).reshape(n_clients, shards_per_client)
    clients = []
    for shard_ids in dealt:
        idx = np.concatenate([shards[s] for s in shard_ids])
        clients.append((X[idx], y[idx]))
    return clients


def copy_weights(model) -> Weights:
    """A deep copy of ``model.params`` (one dict per layer)."""
    return [{name: value.copy() for name, value in params.items()} for params in model.params]


def load_weights(model, weights: Weights) -> None:
    """Write ``weights`` into the model's parameter arrays in place (layers keep their arrays)."""
    for params, new in zip(model.params, weights, strict=True):
        for name, value in params.items():
            value[...] = new[name]


def average_weights(weight_sets: list[Weights], sizes) -> Weights:
    """Average of several models' weights, weighted by ``sizes`` (the clients' sample counts)."""
    sizes = np.asarray(sizes, dtype=np.float64)
    if len(sizes) != len(weight_sets) or np.any(sizes < 0) or sizes.sum() <= 0:
        raise ValueError("need one non-negative size per weight set, not all zero")
    fractions = sizes / sizes.sum()
    averaged = []
    for layer_sets in zip(*weight_sets, strict=True):
        averaged.append(
            {
                name: sum(f * w[name] for f, w in zip(fractions, layer_sets, strict=True)).astype(
                    layer_sets[0][name].dtype
                )
                for name in layer_sets[0]
            }
        )
    return averaged


@dataclass
class FedAvgHistory:
    """Per-round results: test ``accuracy`` of the global model and ``seconds`` per round."""

    accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def federated_averaging(
    model,
    clients: list[ClientData],
    rounds: int,
    optimizer_factory: Callable,
    local_epochs: int = 1,
    batch_size: int = 32,
    test_data: ClientData | None = None,
    seed: int = 0,
    progress: bool = False,
) -> FedAvgHistory:
    """Train ``model`` (the global model, updated in place) with FedAvg over ``clients``.

    ``optimizer_factory()`` returns a fresh optimizer for each client's local training (a
    client keeps no optimizer state between rounds). Every client takes part in every round.
    The clients are simulated one after another on ``model`` itself: it is loaded with the
    round's global weights before each client trains, and with the average at the end.
    ``test_data=(X, y)`` records the global model's accuracy after each round.
    """
    if rounds < 1 or not clients:
        raise ValueError("need at least one round and one client")
    history = FedAvgHistory()
    round_iter = range(rounds)
    if progress:
        from tqdm.auto import tqdm  # optional dependency, imported only when asked for

        round_iter = tqdm(round_iter, desc="FedAvg rounds")
    for round_index in round_iter:
        start = time.perf_counter()
        global_weights = copy_weights(model)
        client_weights = []
        for client_index, (X_k, y_k) in enumerate(clients):
            load_weights(model, global_weights)  # the client starts from the global model
            model.fit(
                X_k,
                y_k,
                epochs=local_epochs,
                batch_size=batch_size,
                optimizer=optimizer_factory(),
                seed=seed + 1000 * round_index + client_index,
            )
            client_weights.append(copy_weights(model))
        load_weights(model, average_weights(client_weights, [len(y_k) for _, y_k in clients]))
        history.seconds.append(time.perf_counter() - start)
        if test_data is not None:
            history.accuracy.append(model.score(*test_data))
    return history

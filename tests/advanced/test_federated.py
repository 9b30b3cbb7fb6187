"""FedAvg: non-IID splits, weighted averaging, and training that learns without pooling data."""

import numpy as np
import pytest

from nnbasics import MLP, SGD
from nnbasics.advanced.federated import (
    average_weights,
    copy_weights,
    federated_averaging,
    load_weights,
    split_non_iid,
)


def _blobs(n=1200, n_classes=4, seed=0):
    rng = np.random.default_rng(seed)
    centres = 3 * rng.standard_normal((n_classes, 10))
    y = rng.integers(0, n_classes, n)
    return (centres[y] + rng.standard_normal((n, 10))).astype(np.float32), y


def test_non_iid_split_partitions_data_and_limits_classes_per_client():
    X, y = _blobs()
    clients = split_non_iid(X, y, n_clients=6, shards_per_client=2, seed=0)
    assert sum(len(c[1]) for c in clients) == len(y)
    assert sorted(np.concatenate([c[1] for c in clients]).tolist()) == sorted(y.tolist())
    assert max(len(np.unique(c[1])) for c in clients) <= 4
    assert np.mean([len(np.unique(c[1])) for c in clients]) < 3  # most see only 1-2 classes
    with pytest.raises(ValueError, match="n_clients"):
        split_non_iid(X, y, n_clients=0)


def test_average_weights_is_weighted_by_client_size():
    a = [{"W": np.zeros((2, 2)), "b": np.zeros(2)}, {}]
    b = [{"W": np.ones((2, 2)), "b": np.full(2, 4.0)}, {}]
    avg = average_weights([a, b], [1, 3])
    np.testing.assert_allclose(avg[0]["W"], 0.75)
    np.testing.assert_allclose(avg[0]["b"], 3.0)
    assert avg[1] == {}


def test_load_weights_keeps_the_layers_arrays():
    model = MLP([3, 4, 2], seed=0)
    W = model.params[0]["W"]
    load_weights(model, [{k: np.zeros_like(v) for k, v in p.items()} for p in model.params])
    assert model.params[0]["W"] is W and np.all(W == 0)
    assert copy_weights(model)[0]["W"] is not W


def test_fedavg_learns_on_non_iid_clients_close_to_centralised():
    X, y = _blobs(seed=1)
    X_test, y_test = _blobs(400, seed=1)[0][:400], _blobs(400, seed=1)[1][:400]
    clients = split_non_iid(X, y, n_clients=6, shards_per_client=2, seed=0)
    model = MLP([10, 16, 4], seed=0)
    chance = model.score(X_test, y_test)
    history = federated_averaging(
        model, clients, rounds=5, optimizer_factory=lambda: SGD(0.05), test_data=(X_test, y_test)
    )
    assert len(history.accuracy) == 5 and len(history.seconds) == 5
    central = MLP([10, 16, 4], seed=0)
    central.fit(X, y, epochs=5, batch_size=32, optimizer=SGD(0.05), seed=0)
    assert history.accuracy[-1] > max(chance + 0.3, central.score(X_test, y_test) - 0.05)

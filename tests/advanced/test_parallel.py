"""Simulated data parallelism: averaged shard gradients equal the full-batch gradient."""

import numpy as np
import pytest

from nnbasics import MLP, SGD
from nnbasics.advanced.parallel import (
    average_gradients,
    batch_gradients,
    data_parallel_gradients,
    max_gradient_difference,
    split_into_shards,
)


@pytest.fixture
def model_and_batch():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((103, 12))  # 103 does not divide evenly: shards differ in size
    y = rng.integers(0, 4, 103)
    return MLP([12, 16, 4], seed=0, dtype=np.float64, l2=1e-3), X, y


@pytest.mark.parametrize("n_workers", [1, 2, 4, 7])
def test_average_of_shard_gradients_equals_full_batch_gradient(model_and_batch, n_workers):
    model, X, y = model_and_batch
    full = batch_gradients(model, X, y)
    parallel = data_parallel_gradients(model, X, y, n_workers)
    assert max_gradient_difference(full, parallel) < 1e-12
    assert max(np.abs(g["W"]).max() for g in full if g) > 1e-3  # not trivially zero


def test_unweighted_average_is_wrong_for_unequal_shards(model_and_batch):
    model, X, y = model_and_batch
    shards = [(X[:90], y[:90]), (X[90:], y[90:])]
    grads = [batch_gradients(model, *s) for s in shards]
    full = batch_gradients(model, X, y)
    assert max_gradient_difference(full, average_gradients(grads, [90, 13])) < 1e-12
    assert max_gradient_difference(full, average_gradients(grads, [1, 1])) > 1e-4


def test_one_parallel_step_equals_one_full_batch_step(model_and_batch):
    model, X, y = model_and_batch
    twin = MLP([12, 16, 4], seed=0, dtype=np.float64, l2=1e-3)
    SGD(0.1).step(model.params, data_parallel_gradients(model, X, y, 4))
    twin.train_step(X, y, SGD(0.1))
    np.testing.assert_allclose(model.get_flat_params(), twin.get_flat_params(), atol=1e-12)


def test_shards_cover_the_batch_once():
    X, y = np.arange(20).reshape(10, 2), np.arange(10)
    shards = split_into_shards(X, y, 3)
    assert [len(s[1]) for s in shards] == [4, 3, 3]
    np.testing.assert_array_equal(np.concatenate([s[1] for s in shards]), y)
    with pytest.raises(ValueError, match="n_shards"):
        split_into_shards(X, y, 11)
    with pytest.raises(ValueError, match="lengths"):
        split_into_shards(X, y[:5], 2)

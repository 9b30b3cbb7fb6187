"""A copied model trains on its own (copy.deepcopy must not detach the packed parameter buffers)."""

import copy

import numpy as np

from nnbasics import MLP, SGD


def test_deep_copy_trains_and_leaves_the_original_alone():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 5)).astype(np.float32)
    y = np.arange(30) % 3
    original = MLP([5, 4, 3], seed=1)
    before = [p.copy() for p in original.get_flat_params()]
    clone = copy.deepcopy(original)
    start = clone.get_flat_params().copy()
    loss_before = clone.loss(X, y)
    clone.fit(X, y, optimizer=SGD(0.5), epochs=5, batch_size=10)
    assert not np.allclose(clone.get_flat_params(), start), "training the copy changed nothing"
    assert clone.loss(X, y) < loss_before
    np.testing.assert_array_equal(original.get_flat_params(), before)

"""Magnitude pruning: exact sparsity, the smallest weights go first, the model is pruned in place."""

import numpy as np
import pytest

from nnbasics.advanced.prune import (
    accuracy_vs_sparsity,
    magnitude_mask,
    prune_model,
    weight_sparsity,
)


@pytest.mark.parametrize("sparsity", [0.0, 0.1, 0.5, 0.77, 1.0])
def test_mask_prunes_exactly_the_requested_fraction_of_smallest_weights(sparsity):
    W = np.random.default_rng(0).standard_normal((40, 25))
    mask = magnitude_mask(W, sparsity)
    assert np.count_nonzero(~mask) == round(sparsity * W.size)
    if 0 < sparsity < 1:
        assert np.abs(W[~mask]).max() <= np.abs(W[mask]).min()


def test_ties_still_give_an_exact_count():
    mask = magnitude_mask(np.ones((10, 10)), 0.3)
    assert np.count_nonzero(~mask) == 30


@pytest.mark.parametrize("scope", ["layer", "global"])
def test_prune_model_in_place_exact_sparsity(scope):
    from nnbasics import MLP

    model = MLP([30, 20, 10, 4], seed=0)
    biases_before = [p["b"].copy() for p in model.params if p]
    masks = prune_model(model, 0.6, scope=scope)
    weights = [p["W"] for p in model.params if p]
    total = sum(w.size for w in weights)
    assert weight_sparsity(model) == pytest.approx(round(0.6 * total) / total, abs=1 / total)
    for w, mask in zip(weights, masks, strict=True):
        assert np.all(w[~mask] == 0)
        if scope == "layer":
            assert np.count_nonzero(~mask) == round(0.6 * w.size)
    for b, before in zip([p["b"] for p in model.params if p], biases_before, strict=True):
        np.testing.assert_array_equal(b, before)


def test_accuracy_vs_sparsity_leaves_model_untouched_and_full_pruning_is_chance():
    from nnbasics import MLP

    rng = np.random.default_rng(1)
    X = rng.standard_normal((100, 30)).astype(np.float32)
    y = rng.integers(0, 4, 100)
    model = MLP([30, 20, 4], seed=0)
    W_before = model.params[0]["W"].copy()
    accuracies = accuracy_vs_sparsity(model, X, y, [0.0, 1.0])
    np.testing.assert_array_equal(model.params[0]["W"], W_before)
    assert accuracies[0] == pytest.approx(model.score(X, y))


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        magnitude_mask(np.ones(3), 1.5)
    from nnbasics import MLP

    with pytest.raises(ValueError, match="scope"):
        prune_model(MLP([3, 2], seed=0), 0.5, scope="row")

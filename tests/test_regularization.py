"""Regularization: penalty values, their gradients against centred differences, gradient
clipping, and the penalties inside a model's loss and backward pass."""

import numpy as np
import pytest

from nnbasics import MLP
from nnbasics.gradcheck import check_model, numerical_gradient, relative_error
from nnbasics.regularization import (
    clip_gradients,
    global_norm,
    l1_gradient,
    l1_penalty,
    l2_gradient,
    l2_penalty,
)

RNG = np.random.default_rng(3)
W = RNG.standard_normal((4, 3))
W = np.where(np.abs(W) < 1e-3, 0.1, W)  # away from the kink of |w|


def test_penalty_values():
    assert l1_penalty(W, 0.1) == pytest.approx(0.1 * np.abs(W).sum())
    assert l2_penalty(W, 0.1) == pytest.approx(0.05 * (W**2).sum())
    V = RNG.standard_normal(5)
    assert l2_penalty([W, V], 2.0) == pytest.approx((W**2).sum() + (V**2).sum())
    assert l1_penalty(W, 0.0) == 0.0


@pytest.mark.parametrize(
    "penalty, gradient", [(l1_penalty, l1_gradient), (l2_penalty, l2_gradient)], ids=["l1", "l2"]
)
def test_penalty_gradients_match_centred_differences(penalty, gradient):
    numeric = numerical_gradient(lambda w: penalty(w, 0.3), W.copy())
    assert relative_error(gradient(W, 0.3), numeric) <= 1e-6


def test_clip_gradients_scales_to_max_norm_and_keeps_direction():
    grads = [{"W": np.full((2, 2), 3.0), "b": np.full(2, 4.0)}, {}]
    before = [{k: v.copy() for k, v in g.items()} for g in grads]
    norm = clip_gradients(grads, max_norm=1.0)
    assert norm == pytest.approx(np.sqrt(4 * 9 + 2 * 16))
    assert global_norm(grads) == pytest.approx(1.0)
    np.testing.assert_allclose(grads[0]["W"] * norm, before[0]["W"], rtol=1e-6)


def test_clip_gradients_leaves_small_gradients_alone():
    grads = [{"W": np.array([0.3, 0.4])}]
    assert clip_gradients(grads, max_norm=1.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(grads[0]["W"], [0.3, 0.4])


def test_bad_arguments():
    with pytest.raises(ValueError, match="lam must be a finite number >= 0"):
        l2_penalty(W, -1.0)
    with pytest.raises(ValueError, match="max_norm must be a positive number"):
        clip_gradients([{"W": W.copy()}], 0)


@pytest.mark.parametrize("l1, l2", [(0.05, 0.0), (0.0, 0.2), (0.03, 0.1)])
def test_model_loss_includes_penalty_and_backward_its_gradient(l1, l2):
    X = RNG.standard_normal((8, 4))
    y = RNG.integers(0, 3, 8)
    model = MLP([4, 6, 3], activation="tanh", l1=l1, l2=l2, seed=0, dtype=np.float64)
    plain = MLP([4, 6, 3], activation="tanh", seed=0, dtype=np.float64)
    weights = [d["W"] for d in model.params if "W" in d]
    expected = plain.loss(X, y) + l1_penalty(weights, l1) + l2_penalty(weights, l2)
    assert model.loss(X, y) == pytest.approx(expected, rel=1e-12)
    report = check_model(model, X, y)
    assert report.max_error <= 1e-6, report


def test_model_rejects_negative_strength():
    with pytest.raises(ValueError, match="l2 must be a number >= 0"):
        MLP([2, 2], l2=-0.1)

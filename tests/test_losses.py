"""Losses: values against direct formulas, gradients against centred differences,
stability at extreme logits, and the messages for bad targets."""

import numpy as np
import pytest

from nnbasics.gradcheck import check_loss
from nnbasics.losses import MSE, BinaryCrossEntropy, SoftmaxCrossEntropy, get_loss

RNG = np.random.default_rng(1)
LOGITS = RNG.standard_normal((7, 4))
LABELS = np.array([0, 3, 1, 2, 2, 0, 1])
ONE_HOT = np.eye(4)[LABELS]


def test_mse_value_and_tutorial_gradient():
    y_pred, y_true = RNG.standard_normal((5, 2)), RNG.standard_normal((5, 2))
    loss = MSE()
    assert loss(y_pred, y_true) == pytest.approx(np.mean((y_true - y_pred) ** 2))
    # the tutorial's mse_derivative: 2 * (y_pred - y_true) / y_true.size
    np.testing.assert_allclose(loss.backward(), 2 * (y_pred - y_true) / y_true.size)


def test_bce_value_matches_formula():
    p = np.array([[0.9], [0.2], [0.6]])
    y = np.array([1, 0, 0])
    expected = -np.mean([np.log(0.9), np.log(0.8), np.log(0.4)])
    assert BinaryCrossEntropy()(p, y) == pytest.approx(expected)


def test_softmax_cross_entropy_matches_direct_formula():
    probs = np.exp(LOGITS) / np.exp(LOGITS).sum(axis=1, keepdims=True)
    expected = -np.mean(np.log(probs[np.arange(7), LABELS]))
    assert SoftmaxCrossEntropy()(LOGITS, LABELS) == pytest.approx(expected, rel=1e-12)
    # fused gradient (softmax - onehot) / n
    np.testing.assert_allclose(_sce_grad(LOGITS, LABELS), (probs - ONE_HOT) / 7, rtol=1e-12)


def _sce_grad(z, y):
    loss = SoftmaxCrossEntropy()
    loss(z, y)
    return loss.backward()


def test_one_hot_and_integer_labels_agree():
    a, b = SoftmaxCrossEntropy(), SoftmaxCrossEntropy()
    assert a(LOGITS, LABELS) == pytest.approx(b(LOGITS, ONE_HOT), rel=1e-12)
    np.testing.assert_allclose(a.backward(), b.backward(), rtol=1e-12)


@pytest.mark.parametrize(
    "loss, y_pred, y_true",
    [
        (MSE(), RNG.standard_normal((6, 3)), RNG.standard_normal((6, 3))),
        (MSE(), RNG.standard_normal((6, 1)), RNG.standard_normal(6)),
        (BinaryCrossEntropy(), RNG.uniform(0.05, 0.95, (6, 1)), RNG.integers(0, 2, 6)),
        (BinaryCrossEntropy(), RNG.uniform(0.05, 0.95, (6, 3)), RNG.uniform(0, 1, (6, 3))),
        (SoftmaxCrossEntropy(), LOGITS, LABELS),
        (SoftmaxCrossEntropy(), LOGITS, ONE_HOT),
    ],
    ids=["mse", "mse-1d-targets", "bce", "bce-soft", "sce-labels", "sce-onehot"],
)
def test_loss_gradients_pass_gradcheck(loss, y_pred, y_true):
    report = check_loss(loss, y_pred, y_true)
    assert report.max_error <= 1e-6, report


def test_softmax_cross_entropy_is_stable_at_huge_logits():
    z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]], dtype=np.float32)
    loss = SoftmaxCrossEntropy()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        right = loss(z, np.array([0, 1]))
        grad_right = loss.backward()
        wrong = loss(z, np.array([1, 0]))
        grad_wrong = loss.backward()
    assert right == pytest.approx(0.0, abs=1e-6)
    assert wrong == pytest.approx(2e4, rel=1e-6)  # -log softmax = 2e4 exactly, no inf
    assert np.isfinite(grad_right).all() and np.isfinite(grad_wrong).all()
    np.testing.assert_allclose(grad_wrong, [[0.5, -0.5, 0], [-0.5, 0.5, 0]], atol=1e-6)


def test_bce_is_finite_for_saturated_probabilities():
    loss = BinaryCrossEntropy()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = loss(np.array([[0.0], [1.0]]), np.array([1, 0]))
        grad = loss.backward()
    assert np.isfinite(value) and value > 10
    assert np.isfinite(grad).all()


def test_bad_targets_give_clear_messages():
    sce = SoftmaxCrossEntropy()
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 4\).*from 0 to 7"):
        sce(LOGITS, np.array([0, 1, 2, 3, 7, 0, 1]))
    with pytest.raises(ValueError, match="got 3 labels for 7 predictions"):
        sce(LOGITS, np.array([0, 1, 2]))
    with pytest.raises(TypeError, match="integers"):
        sce(LOGITS, LABELS + 0.5)
    with pytest.raises(ValueError, match="1-D array"):
        sce(LOGITS, LABELS.reshape(1, 1, -1))
    with pytest.raises(ValueError, match="do not match predictions"):
        sce(LOGITS, np.ones((7, 3)))
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\]"):
        BinaryCrossEntropy().check_targets(np.array([0, 1, 2]), 1)
    with pytest.raises(ValueError, match="do not match"):
        MSE()(np.zeros((4, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="2-D"):
        MSE()(np.zeros(4), np.zeros(4))


def test_float_labels_that_are_integers_are_accepted():
    assert SoftmaxCrossEntropy()(LOGITS, LABELS.astype(float)) == pytest.approx(
        SoftmaxCrossEntropy()(LOGITS, LABELS)
    )


def test_backward_before_forward_raises():
    with pytest.raises(RuntimeError, match="before forward"):
        SoftmaxCrossEntropy().backward()


def test_get_loss():
    assert isinstance(get_loss("cross_entropy"), SoftmaxCrossEntropy)
    assert isinstance(get_loss("bce"), BinaryCrossEntropy)
    assert isinstance(get_loss("mse"), MSE)
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        get_loss("hinge")


def test_softmax_output_transform():
    np.testing.assert_allclose(SoftmaxCrossEntropy().output(LOGITS).sum(axis=1), 1.0)
    np.testing.assert_array_equal(MSE().output(LOGITS), LOGITS)

"""Agreement with torch autograd: losses and gradients of random MLPs, and a few Adam
training steps, in float64."""

import numpy as np
import pytest

from nnbasics import MLP, Adam

torch = pytest.importorskip("torch")

ACTIVATIONS = {
    "relu": torch.relu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, 0.01),
}


def _torch_params(model):
    return [
        (torch.tensor(layer.params["W"], requires_grad=True),
         torch.tensor(layer.params["b"], requires_grad=True))
        for layer in model.layers if layer.params
    ]


def _torch_loss(params, X, y, activation, loss, output, l1=0.0, l2=0.0):
    h = torch.tensor(X)
    for i, (W, b) in enumerate(params):
        h = h @ W + b
        if i < len(params) - 1:
            h = ACTIVATIONS[activation](h)
    if output == "sigmoid":
        h = torch.sigmoid(h)
    target = torch.tensor(y)
    if loss == "softmax_cross_entropy":
        value = torch.nn.functional.cross_entropy(h, target)
    elif loss == "bce":
        value = torch.nn.functional.binary_cross_entropy(h, target.reshape(h.shape).double())
    else:
        value = torch.nn.functional.mse_loss(h, target.double())
    for W, _ in params:
        value = value + l1 * W.abs().sum() + 0.5 * l2 * (W**2).sum()
    return value


CASES = [
    ([6, 8, 5, 4], "relu", None, "softmax_cross_entropy", 0.0, 0.0),
    ([6, 7, 3], "tanh", None, "softmax_cross_entropy", 0.01, 0.1),
    ([6, 5, 5, 1], "sigmoid", "sigmoid", "bce", 0.0, 0.05),
    ([6, 9, 2], "leaky_relu", "sigmoid", "mse", 0.0, 0.0),
    ([6, 4, 3], "tanh", None, "mse", 0.0, 0.0),
]


@pytest.mark.parametrize("sizes, activation, output, loss, l1, l2", CASES)
@pytest.mark.parametrize("seed", [0, 1])
def test_loss_and_gradients_match_torch_autograd(sizes, activation, output, loss, l1, l2, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((11, sizes[0]))
    if loss == "softmax_cross_entropy":
        y = rng.integers(0, sizes[-1], 11)
    elif loss == "bce":
        y = rng.integers(0, 2, 11).astype(float)
    else:
        y = rng.standard_normal((11, sizes[-1]))
    model = MLP(sizes, activation=activation, output=output, loss=loss, l1=l1, l2=l2,
                seed=seed, dtype=np.float64)
    params = _torch_params(model)
    expected = _torch_loss(params, X, y, activation, loss, output, l1, l2)
    expected.backward()

    assert model.loss(X, y) == pytest.approx(expected.item(), rel=1e-10)
    model.backward(y)
    dense = [layer for layer in model.layers if layer.params]
    for layer, (W, b) in zip(dense, params, strict=True):
        np.testing.assert_allclose(layer.grads["W"], W.grad.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(layer.grads["b"], b.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_adam_training_steps_match_torch():
    rng = np.random.default_rng(5)
    X, y = rng.standard_normal((16, 5)), rng.integers(0, 3, 16)
    model = MLP([5, 8, 3], activation="tanh", seed=2, dtype=np.float64)
    params = _torch_params(model)
    flat = [t for pair in params for t in pair]
    opt_torch = torch.optim.Adam(flat, lr=0.01)
    opt = Adam(0.01)
    for _ in range(5):
        opt_torch.zero_grad()
        _torch_loss(params, X, y, "tanh", "softmax_cross_entropy", None).backward()
        opt_torch.step()
        model.train_step(X, y, opt)
    dense = [layer for layer in model.layers if layer.params]
    for layer, (W, b) in zip(dense, params, strict=True):
        np.testing.assert_allclose(layer.params["W"], W.detach().numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(layer.params["b"], b.detach().numpy(), rtol=1e-9, atol=1e-12)

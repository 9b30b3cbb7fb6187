"""Vanilla RNN: BPTT gradient check and agreement with torch.nn.RNN given the same weights."""

import numpy as np
import pytest
import torch

from nnbasics.advanced.rnn import RNN
from nnbasics.gradcheck import check_layer


@pytest.mark.parametrize("return_sequences", [True, False])
def test_rnn_bptt_passes_a_float64_gradient_check(return_sequences):
    rng = np.random.default_rng(0)
    layer = RNN(3, 5, return_sequences=return_sequences, seed=0, dtype=np.float64)
    x = rng.standard_normal((4, 6, 3))
    report = check_layer(layer, x)
    assert set(report.errors) == {"x", *layer.params}
    assert report.max_error <= 1e-6, report


def _torch_rnn_with_weights_of(layer: RNN) -> torch.nn.RNN:
    torch_rnn = torch.nn.RNN(layer.n_in, layer.n_hidden, batch_first=True).double()
    with torch.no_grad():
        torch_rnn.weight_ih_l0.copy_(torch.tensor(layer.params["Wx"].T))
        torch_rnn.weight_hh_l0.copy_(torch.tensor(layer.params["Wh"].T))
        torch_rnn.bias_ih_l0.copy_(torch.tensor(layer.params["b"]))
        torch_rnn.bias_hh_l0.zero_()
    return torch_rnn


def test_rnn_forward_and_bptt_equal_torch():
    rng = np.random.default_rng(1)
    layer = RNN(2, 4, return_sequences=True, seed=3, dtype=np.float64)
    layer.params["b"] = rng.standard_normal(4)
    x = rng.standard_normal((3, 7, 2))
    dout = rng.standard_normal((3, 7, 4))
    out = layer.forward(x)
    dx = layer.backward(dout)

    torch_rnn = _torch_rnn_with_weights_of(layer)
    x_t = torch.tensor(x, requires_grad=True)
    out_t, _ = torch_rnn(x_t)
    (out_t * torch.tensor(dout)).sum().backward()
    np.testing.assert_allclose(out, out_t.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(dx, x_t.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(layer.grads["Wx"], torch_rnn.weight_ih_l0.grad.numpy().T, atol=1e-10)
    np.testing.assert_allclose(layer.grads["Wh"], torch_rnn.weight_hh_l0.grad.numpy().T, atol=1e-10)
    np.testing.assert_allclose(layer.grads["b"], torch_rnn.bias_ih_l0.grad.numpy(), atol=1e-10)


def test_forward_is_the_unrolled_step_and_keeps_hidden_states():
    rng = np.random.default_rng(2)
    layer = RNN(1, 3, seed=0, dtype=np.float64)
    x = rng.standard_normal((2, 5, 1))
    last = layer.forward(x)
    h = np.zeros((2, 3))
    for t in range(5):
        h = layer.step(x[:, t], h)
        np.testing.assert_allclose(layer.hidden_states_[:, t], h)
    np.testing.assert_allclose(last, h)
    assert layer.forward(x.astype(np.float32)).shape == (2, 3)


def test_rnn_input_errors_are_explained():
    layer = RNN(1, 3)
    with pytest.raises(ValueError, match=r"\(N, T, 1\).*x\[\.\.\., None\]"):
        layer.forward(np.zeros((4, 5)))
    with pytest.raises(RuntimeError, match="forward"):
        RNN(1, 3).backward(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="positive"):
        RNN(0, 3)

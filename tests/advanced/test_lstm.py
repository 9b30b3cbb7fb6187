"""LSTM: BPTT gradient check, agreement with torch.nn.LSTMCell / nn.LSTM, recorded gates."""

import numpy as np
import pytest
import torch

from nnbasics.advanced.lstm import GATE_NAMES, LSTM, weights_from_torch
from nnbasics.gradcheck import check_layer


@pytest.mark.parametrize("return_sequences", [True, False])
def test_lstm_bptt_passes_a_float64_gradient_check(return_sequences):
    rng = np.random.default_rng(0)
    layer = LSTM(3, 4, return_sequences=return_sequences, seed=0, dtype=np.float64)
    x = rng.standard_normal((3, 6, 3))
    report = check_layer(layer, x)
    assert set(report.errors) == {"x", *layer.params}
    assert report.max_error <= 1e-6, report


def _layer_from(torch_params: dict, n_in: int, n_hidden: int, **kwargs) -> LSTM:
    layer = LSTM(n_in, n_hidden, dtype=np.float64, **kwargs)
    arrays = {k: v.detach().numpy().astype(np.float64) for k, v in torch_params.items()}
    layer.params = weights_from_torch(**arrays)
    return layer


def test_lstm_step_equals_torch_lstm_cell_with_the_same_weights():
    torch.manual_seed(0)
    cell = torch.nn.LSTMCell(3, 5).double()
    layer = _layer_from(dict(cell.named_parameters()), 3, 5)
    rng = np.random.default_rng(1)
    x, h, c = rng.standard_normal((4, 3)), rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    h_new, c_new, gates = layer.step(x, h, c)
    h_t, c_t = cell(torch.tensor(x), (torch.tensor(h), torch.tensor(c)))
    np.testing.assert_allclose(h_new, h_t.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(c_new, c_t.detach().numpy(), atol=1e-12)
    assert set(gates) == set(GATE_NAMES)


def test_lstm_sequence_and_bptt_equal_torch_lstm():
    torch.manual_seed(1)
    torch_lstm = torch.nn.LSTM(2, 4, batch_first=True).double()
    params = {name.removesuffix("_l0"): p for name, p in torch_lstm.named_parameters()}
    layer = _layer_from(params, 2, 4, return_sequences=True)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 8, 2))
    dout = rng.standard_normal((3, 8, 4))
    out = layer.forward(x)
    dx = layer.backward(dout)

    x_t = torch.tensor(x, requires_grad=True)
    out_t, _ = torch_lstm(x_t)
    (out_t * torch.tensor(dout)).sum().backward()
    np.testing.assert_allclose(out, out_t.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(dx, x_t.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(layer.grads["Wx"], torch_lstm.weight_ih_l0.grad.numpy().T, atol=1e-10)
    np.testing.assert_allclose(layer.grads["Wh"], torch_lstm.weight_hh_l0.grad.numpy().T, atol=1e-10)
    # torch has two biases that receive the same gradient; ours is their sum.
    np.testing.assert_allclose(layer.grads["b"], torch_lstm.bias_ih_l0.grad.numpy(), atol=1e-10)


def test_recorded_gates_obey_the_cell_update():
    rng = np.random.default_rng(3)
    layer = LSTM(2, 3, seed=0, dtype=np.float64)
    layer.forward(rng.standard_normal((5, 9, 2)) * 3)
    g = layer.gates_
    for name in ("input", "forget", "output"):
        assert g[name].shape == (5, 9, 3)
        assert np.all((g[name] > 0) & (g[name] < 1))
    assert np.all(np.abs(g["candidate"]) < 1)
    previous = np.concatenate([np.zeros((5, 1, 3)), g["cell"][:, :-1]], axis=1)
    np.testing.assert_allclose(g["cell"], g["forget"] * previous + g["input"] * g["candidate"])


def test_forget_gate_bias_starts_at_one_and_inputs_are_checked():
    layer = LSTM(2, 3, seed=0)
    np.testing.assert_array_equal(layer.params["b"][3:6], 1.0)
    np.testing.assert_array_equal(np.delete(layer.params["b"], range(3, 6)), 0.0)
    with pytest.raises(ValueError, match=r"\(N, T, 2\)"):
        layer.forward(np.zeros((4, 5, 3)))
    # Extreme inputs saturate the gates without overflow warnings or NaN.
    out = layer.forward(np.full((1, 3, 2), 1e4, dtype=np.float32))
    assert np.all(np.isfinite(out))

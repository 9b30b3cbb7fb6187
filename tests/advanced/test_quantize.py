"""int8 quantization: round-trip error bound, exact integer arithmetic, whole-model behaviour."""

import numpy as np
import pytest

from nnbasics.advanced.quantize import (
    QuantizedDense,
    dequantize,
    float_model_nbytes,
    quantize_int8,
    quantize_model,
)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_round_trip_error_is_at_most_half_a_step(axis):
    W = np.random.default_rng(0).standard_normal((50, 30)).astype(np.float32) * 3
    q = quantize_int8(W, axis=axis)
    assert q.codes.dtype == np.int8 and q.codes.shape == W.shape
    assert np.abs(q.codes).max() == 127  # the largest magnitude uses the full range
    error = np.abs(dequantize(q) - W)
    bound = np.broadcast_to(q.scale / 2, W.shape) * (1 + 1e-5) + 1e-7
    assert np.all(error <= bound)
    assert error.max() > 0.1 * (q.scale.max() / 2)  # the bound is tight, not vacuous


def test_zero_tensor_and_bad_input():
    q = quantize_int8(np.zeros((3, 3)))
    np.testing.assert_array_equal(dequantize(q), 0)
    with pytest.raises(ValueError, match="NaN"):
        quantize_int8(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="empty"):
        quantize_int8(np.array([]))


def test_quantized_dense_matches_integer_reference_and_float_layer():
    rng = np.random.default_rng(1)
    W = rng.standard_normal((20, 8)).astype(np.float32)
    b = rng.standard_normal(8).astype(np.float32)
    x = rng.random((5, 20)).astype(np.float32)
    layer = QuantizedDense(W, b)
    x_q = quantize_int8(x, axis=0)
    # reference: true int32 accumulation of the int8 codes
    acc = x_q.codes.astype(np.int32) @ layer.weight.codes.astype(np.int32)
    expected = acc * x_q.scale * layer.weight.scale + b
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer.forward(x), x @ W + b, atol=0.05 * np.abs(x @ W).max())
    assert layer.nbytes == 20 * 8 + 8 * 4 + 8 * 4  # int8 codes + float32 scales + float32 bias
    with pytest.raises(ValueError, match=r"\(n, 20\)"):
        layer.forward(np.ones((2, 3)))


def test_quantized_model_is_four_times_smaller_and_agrees_with_float_model():
    from nnbasics import MLP

    rng = np.random.default_rng(2)
    model = MLP([64, 128, 10], seed=0)
    X = rng.random((200, 64)).astype(np.float32)
    quantized = quantize_model(model)
    ratio = float_model_nbytes(model) / quantized.nbytes
    assert 3.5 < ratio <= 4.0
    agreement = np.mean(quantized.predict(X) == model.predict(X))
    assert agreement >= 0.95
    W_before = model.params[0]["W"].copy()
    quantize_model(model)
    np.testing.assert_array_equal(model.params[0]["W"], W_before)  # the float model is untouched


def test_unsupported_models_are_rejected():
    from nnbasics import MLP, Sequential
    from nnbasics.advanced.residual import ResidualBlock
    from nnbasics.layers import Dense

    with pytest.raises(ValueError, match="several outputs"):
        quantize_model(MLP([4, 3, 1], seed=0))
    with pytest.raises(NotImplementedError, match="ResidualBlock"):
        quantize_model(Sequential([Dense(4, 4, seed=0), ResidualBlock(4, seed=1), Dense(4, 3, seed=2)]))

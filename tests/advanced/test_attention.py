"""Scaled dot-product attention against torch's reference, and the layer's gradient check."""

import numpy as np
import pytest

from nnbasics.advanced.attention import (
    SelfAttention,
    attention_backward,
    causal_mask,
    scaled_dot_product_attention,
)
from nnbasics.gradcheck import check_layer

torch = pytest.importorskip("torch")


def _random_qkv(rng, batch=2, n_q=5, n_k=6, d_k=4, d_v=3):
    return (
        rng.standard_normal((batch, n_q, d_k)),
        rng.standard_normal((batch, n_k, d_k)),
        rng.standard_normal((batch, n_k, d_v)),
    )


def test_matches_torch_scaled_dot_product_attention():
    Q, K, V = _random_qkv(np.random.default_rng(0))
    out, weights = scaled_dot_product_attention(Q, K, V)
    expected = torch.nn.functional.scaled_dot_product_attention(
        torch.from_numpy(Q), torch.from_numpy(K), torch.from_numpy(V)
    )
    np.testing.assert_allclose(out, expected.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-12)


def test_causal_mask_matches_torch_is_causal():
    rng = np.random.default_rng(1)
    Q, K, V = _random_qkv(rng, n_q=5, n_k=5)
    out, weights = scaled_dot_product_attention(Q, K, V, mask=causal_mask(5))
    expected = torch.nn.functional.scaled_dot_product_attention(
        torch.from_numpy(Q), torch.from_numpy(K), torch.from_numpy(V), is_causal=True
    )
    np.testing.assert_allclose(out, expected.numpy(), rtol=1e-10, atol=1e-12)
    assert np.all(weights[:, np.triu_indices(5, k=1)[0], np.triu_indices(5, k=1)[1]] == 0)


def test_backward_matches_torch_autograd():
    rng = np.random.default_rng(2)
    Q, K, V = _random_qkv(rng)
    dout = rng.standard_normal((2, 5, 3))
    out, weights = scaled_dot_product_attention(Q, K, V)
    dQ, dK, dV = attention_backward(dout, Q, K, V, weights)
    tq, tk, tv = (torch.tensor(a, requires_grad=True) for a in (Q, K, V))
    torch.nn.functional.scaled_dot_product_attention(tq, tk, tv).backward(torch.from_numpy(dout))
    for ours, ref in ((dQ, tq), (dK, tk), (dV, tv)):
        np.testing.assert_allclose(ours, ref.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("causal", [False, True])
def test_self_attention_layer_gradient_check(causal):
    layer = SelfAttention(d_model=4, d_k=3, d_v=5, causal=causal, seed=0, dtype=np.float64)
    x = np.random.default_rng(3).standard_normal((2, 6, 4))
    report = check_layer(layer, x)
    assert set(report.errors) == {"x", "Wq", "Wk", "Wv"}
    assert report.passed(1e-7), report


def test_layer_keeps_attention_map_and_accepts_unbatched_input():
    layer = SelfAttention(d_model=8, seed=0)
    out = layer.forward(np.random.default_rng(4).standard_normal((7, 8)).astype(np.float32))
    assert out.shape == (7, 8)
    assert layer.attention_weights_.shape == (7, 7)
    np.testing.assert_allclose(layer.attention_weights_.sum(axis=-1), 1.0, rtol=1e-5)


def test_large_scores_do_not_overflow():
    Q = np.full((1, 3, 2), 1e4)
    out, weights = scaled_dot_product_attention(Q, Q, np.ones((1, 3, 2)))
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(weights))


def test_bad_input_raises_clear_errors():
    with pytest.raises(ValueError, match="same size d_k"):
        scaled_dot_product_attention(np.ones((3, 4)), np.ones((3, 5)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="one row per key"):
        scaled_dot_product_attention(np.ones((3, 4)), np.ones((3, 4)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="hides every key"):
        scaled_dot_product_attention(
            np.ones((2, 4)), np.ones((2, 4)), np.ones((2, 2)), mask=np.array([[1, 0], [0, 0]])
        )
    with pytest.raises(ValueError, match=r"\(batch, seq, 8\)"):
        SelfAttention(d_model=8).forward(np.ones((2, 3, 5)))

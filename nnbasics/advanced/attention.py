"""Scaled dot-product attention and a single-head self-attention layer, in NumPy.

Attention lets every position of a sequence build its output as a weighted average of the
values ``V`` at all positions; the weights come from how well its query matches each key::

    weights = softmax(Q K^T / sqrt(d_k))        (n_q, n_k), every row sums to 1
    output  = weights V                          (n_q, d_v)

Dividing by ``sqrt(d_k)`` keeps the scores' spread independent of the key size, so the softmax
does not saturate (and its gradient vanish) for wide keys. Shapes carry optional leading batch
dimensions: ``Q: (..., n_q, d_k)``, ``K: (..., n_k, d_k)``, ``V: (..., n_k, d_v)``.
"""

from __future__ import annotations

import numpy as np

from nnbasics.activations import softmax
from nnbasics.layers import Layer

__all__ = [
    "SelfAttention",
    "attention_backward",
    "causal_mask",
    "scaled_dot_product_attention",
]


def causal_mask(n: int) -> np.ndarray:
    """Boolean ``(n, n)`` mask, True where query ``i`` may attend to key ``j`` (``j <= i``)."""
    if n < 1:
        raise ValueError(f"sequence length must be at least 1, got {n}")
    return np.tril(np.ones((n, n), dtype=bool))


def _check_shapes(Q: np.ndarray, K: np.ndarray, V: np.ndarray) -> None:
    if Q.ndim < 2 or K.ndim < 2 or V.ndim < 2:
        raise ValueError(
            "Q, K and V need at least 2 dimensions (sequence, features); "
            f"got shapes {Q.shape}, {K.shape}, {V.shape}"
        )
    if Q.shape[-1] != K.shape[-1]:
        raise ValueError(
            f"queries and keys must have the same size d_k: Q {Q.shape} vs K {K.shape}"
        )
    if K.shape[-2] != V.shape[-2]:
        raise ValueError(
            f"K and V must have one row per key position: K {K.shape} vs V {V.shape}"
        )


def scaled_dot_product_attention(
    Q: np.ndarray, K: np.ndarray, V: np.ndarray, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(output (..., n_q, d_v), weights (..., n_q, n_k))``.

    ``mask`` (broadcastable to ``(..., n_q, n_k)``, boolean) keeps the pairs where it is True,
    as in ``torch.nn.functional.scaled_dot_product_attention``; a query whose keys are all
    masked out has nothing to attend to and raises ``ValueError``.
    """
    Q, K, V = (np.asarray(a) for a in (Q, K, V))
    _check_shapes(Q, K, V)
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        mask = np.broadcast_to(mask, scores.shape)
        if not mask.any(axis=-1).all():
            raise ValueError("the mask hides every key from at least one query (a row of False)")
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores, axis=-1)
    return weights @ V, weights


def attention_backward(
    dout: np.ndarray, Q: np.ndarray, K: np.ndarray, V: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients ``(dQ, dK, dV)`` of a loss given ``dout = dL/doutput`` (shapes as the inputs).

    Uses the softmax Jacobian row by row: ``dS = A * (dA - sum(dA * A, axis=-1))``. Masked
    pairs have ``A = 0`` and therefore get no gradient.
    """
    scale = 1.0 / np.sqrt(Q.shape[-1])
    dV = np.swapaxes(weights, -1, -2) @ dout
    dweights = dout @ np.swapaxes(V, -1, -2)
    dscores = weights * (dweights - np.sum(dweights * weights, axis=-1, keepdims=True))
    dQ = dscores @ K * scale
    dK = np.swapaxes(dscores, -1, -2) @ Q * scale
    return dQ, dK, dV


class SelfAttention(Layer):
    """Single-head self-attention layer: queries, keys and values are projections of one input.

    ``x: (batch, seq, d_model)`` or ``(seq, d_model)`` -> ``(batch, seq, d_v)`` (same leading
    shape). ``params = {"Wq": (d_model, d_k), "Wk": (d_model, d_k), "Wv": (d_model, d_v)}``.
    After ``forward`` the attention map is kept in ``attention_weights_ (batch, seq, seq)``.
    """

    def __init__(
        self,
        d_model: int,
        d_k: int | None = None,
        d_v: int | None = None,
        causal: bool = False,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
        dtype=np.float32,
    ) -> None:
        if d_model < 1:
            raise ValueError(f"d_model must be positive, got {d_model}")
        d_k = d_model if d_k is None else d_k
        d_v = d_model if d_v is None else d_v
        super().__init__()
        rng = rng if rng is not None else np.random.default_rng(seed)
        std = 1.0 / np.sqrt(d_model)
        self.d_model, self.d_k, self.d_v, self.causal = d_model, d_k, d_v, causal
        self.params = {
            "Wq": (rng.standard_normal((d_model, d_k)) * std).astype(dtype),
            "Wk": (rng.standard_normal((d_model, d_k)) * std).astype(dtype),
            "Wv": (rng.standard_normal((d_model, d_v)) * std).astype(dtype),
        }
        self.grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        self.attention_weights_: np.ndarray | None = None
        self._cache: tuple | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Attend over the sequence axis of ``x`` (see the class docstring for shapes)."""
        x = np.asarray(x)
        if x.ndim not in (2, 3) or x.shape[-1] != self.d_model:
            raise ValueError(
                f"expected input of shape (batch, seq, {self.d_model}) or (seq, {self.d_model}), "
                f"got {x.shape}"
            )
        Q, K, V = (x @ self.params[name] for name in ("Wq", "Wk", "Wv"))
        mask = causal_mask(x.shape[-2]) if self.causal else None
        out, weights = scaled_dot_product_attention(Q, K, V, mask)
        self._cache = (x, Q, K, V, weights)
        self.attention_weights_ = weights
        self.input, self.output = x, out
        return out

    def backward(self, dout: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """Fill ``grads`` and return ``dx`` (same shape as the forward input; ``None`` when
        ``need_input_grad=False``)."""
        if self._cache is None:
            raise RuntimeError("call forward before backward")
        x, Q, K, V, weights = self._cache
        dQ, dK, dV = attention_backward(dout, Q, K, V, weights)
        x_rows = x.reshape(-1, self.d_model)
        for name, d in (("Wq", dQ), ("Wk", dK), ("Wv", dV)):
            self.grads[name] = x_rows.T @ d.reshape(-1, d.shape[-1])
        if not need_input_grad:
            return None
        return (
            dQ @ self.params["Wq"].T + dK @ self.params["Wk"].T + dV @ self.params["Wv"].T
        )

    def __repr__(self) -> str:
        causal = ", causal=True" if self.causal else ""
        return f"SelfAttention(d_model={self.d_model}, d_k={self.d_k}, d_v={self.d_v}{causal})"

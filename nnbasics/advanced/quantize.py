"""Post-training int8 quantization of a trained MLP.

A float32 weight takes 4 bytes; an int8 code takes 1. Symmetric linear quantization maps a
tensor onto the 255 integers ``-127..127`` with one float scale::

    scale = max|W| / 127          q = round(W / scale)          W ≈ q * scale

so every weight moves by at most ``scale / 2``. At inference the layer input is quantized the
same way (one scale per sample, computed on the fly: "dynamic" quantization), the product of the
two integer matrices is accumulated exactly (as int32 hardware would), and the result is rescaled
to float once per output. NumPy has no int8 matrix kernels, so the exact integer product is
computed with float64 BLAS on the integer codes (exact: every partial sum is far below 2**53).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "QuantizedDense",
    "QuantizedModel",
    "QuantizedTensor",
    "dequantize",
    "float_model_nbytes",
    "quantize_int8",
    "quantize_model",
]

INT8_MAX = 127


@dataclass
class QuantizedTensor:
    """int8 codes and the float32 scale(s) that map them back: ``values ≈ codes * scale``.

    ``scale`` is a scalar (per-tensor) or broadcastable to ``codes`` (per-channel).
    """

    codes: np.ndarray
    scale: np.ndarray

    @property
    def nbytes(self) -> int:
        """Bytes needed to store the codes and the scales."""
        return int(self.codes.nbytes + np.asarray(self.scale).nbytes)

    def dequantize(self) -> np.ndarray:
        """float32 approximation of the original tensor (same shape as ``codes``)."""
        return dequantize(self)


def quantize_int8(x: np.ndarray, axis: int | None = None) -> QuantizedTensor:
    """Symmetric int8 quantization of ``x`` (any shape).

    ``axis=None`` uses one scale for the whole tensor; ``axis=k`` one scale per slice along the
    *other* axes' reduction, i.e. per entry of axis ``k`` (``axis=1`` on ``W: (n_in, n_out)``
    gives one scale per output unit). The round-trip error is at most ``scale / 2`` per entry.
    An all-zero tensor (or slice) gets scale 1 so nothing divides by zero.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.size == 0:
        raise ValueError("cannot quantize an empty array")
    if not np.all(np.isfinite(x)):
        raise ValueError("cannot quantize an array containing NaN or inf")
    if axis is None:
        max_abs = np.max(np.abs(x))
    else:
        reduce_axes = tuple(a for a in range(x.ndim) if a != axis % x.ndim)
        max_abs = np.max(np.abs(x), axis=reduce_axes, keepdims=True)
    scale = np.where(max_abs > 0, max_abs / INT8_MAX, 1.0)
    codes = np.clip(np.rint(x / scale), -INT8_MAX, INT8_MAX).astype(np.int8)
    return QuantizedTensor(codes=codes, scale=np.asarray(scale, dtype=np.float32))


def dequantize(q: QuantizedTensor) -> np.ndarray:
    """``codes * scale`` as float32."""
    return (q.codes.astype(np.float32) * q.scale).astype(np.float32)


class QuantizedDense:
    """Inference-only int8 version of a ``Dense`` layer (weights per output unit, inputs per row).

    ``forward(x (n, n_in)) -> (n, n_out)`` float32. The bias stays float32 (it is tiny).
    """

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        W = np.asarray(W)
        if W.ndim != 2:
            raise ValueError(f"expected a weight matrix (n_in, n_out), got shape {W.shape}")
        self.weight = quantize_int8(W, axis=1)
        self.bias = np.asarray(b, dtype=np.float32).copy()
        self.n_in, self.n_out = W.shape
        self.params: dict = {}
        self.grads: dict = {}

    @property
    def nbytes(self) -> int:
        """Bytes of int8 weights, their scales and the float32 bias."""
        return self.weight.nbytes + self.bias.nbytes

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Quantize ``x`` per row, multiply the int8 codes exactly, rescale, add the bias."""
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != self.n_in:
            raise ValueError(f"expected input of shape (n, {self.n_in}), got {x.shape}")
        x_q = quantize_int8(x, axis=0)
        accumulator = x_q.codes.astype(np.float64) @ self.weight.codes.astype(np.float64)
        out = accumulator * x_q.scale.astype(np.float64) * self.weight.scale.astype(np.float64)
        return (out + self.bias).astype(np.float32)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        raise NotImplementedError("a quantized layer is for inference only; train the float model")

    def __repr__(self) -> str:
        return f"QuantizedDense({self.n_in}, {self.n_out}, int8)"


def _is_dense(layer) -> bool:
    params = getattr(layer, "params", {}) or {}
    return set(params) == {"W", "b"} and np.ndim(params["W"]) == 2


class QuantizedModel:
    """A trained classifier whose ``Dense`` layers are replaced by ``QuantizedDense``.

    Parameter-free layers (activations, dropout) are kept and run in inference mode.
    ``logits(X (n, d)) -> (n, k)``, ``predict(X) -> (n,) int``, ``score(X, y) -> accuracy``.
    """

    def __init__(self, layers: list) -> None:
        self.layers = layers

    @property
    def nbytes(self) -> int:
        """Bytes of all stored parameters (int8 codes + scales + float32 biases)."""
        return sum(layer.nbytes for layer in self.layers if isinstance(layer, QuantizedDense))

    def logits(self, X: np.ndarray) -> np.ndarray:
        out = np.asarray(X, dtype=np.float32)
        for layer in self.layers:
            out = layer.forward(out, training=False)
        return out

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.argmax(self.logits(X), axis=1)

    def score(self, X: np.ndarray, y: np.ndarray) -> float:
        return float(np.mean(self.predict(X) == np.asarray(y)))

    def __repr__(self) -> str:
        return f"QuantizedModel({self.layers!r})"


def quantize_model(model) -> QuantizedModel:
    """Quantize every ``Dense`` layer of a trained ``Sequential``/``MLP`` (the model is untouched).

    Raises ``NotImplementedError`` for other layers with parameters (they have no int8 version
    here), so a model is never silently half-quantized, and ``ValueError`` for a model with a
    single output (``QuantizedModel.predict`` takes the argmax over several classes).
    """
    if getattr(model, "n_outputs", 2) < 2:
        raise ValueError("quantize_model supports classifiers with several outputs (softmax), not one")
    layers = []
    for layer in model.layers:
        if _is_dense(layer):
            layers.append(QuantizedDense(layer.params["W"], layer.params["b"]))
        elif getattr(layer, "params", None):
            raise NotImplementedError(f"no int8 version of {layer!r}; only Dense layers quantize")
        else:
            layers.append(layer)
    return QuantizedModel(layers)


def float_model_nbytes(model) -> int:
    """Bytes of every parameter array of ``model`` as stored (float32: 4 bytes per number)."""
    return int(sum(value.nbytes for params in model.params for value in params.values()))

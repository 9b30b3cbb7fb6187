"""Layers: ``Dense`` (fully connected), ``Activation`` and ``Dropout`` (inverted).

Every layer follows the CS231n pattern, with samples as rows:

* ``forward(x, training=False) -> out``: computes the output and caches what the backward
  pass needs (``layer.input`` and ``layer.output`` hold the last forward's arrays, so you
  can inspect any layer after a forward pass);
* ``backward(dout) -> dx``: takes ``dL/dout`` (shape of ``out``), fills ``layer.grads``
  (same keys and shapes as ``layer.params``) and returns ``dL/dx`` (shape of ``x``).

``layer.params`` and ``layer.grads`` are dicts of arrays (empty for layers without
parameters). The gradient arrays are reused from one backward pass to the next: copy
them (``{k: g.copy() for k, g in layer.grads.items()}``) if you want to keep a snapshot.
"""

from __future__ import annotations

import numpy as np

from .activations import LEAKY_RELU_SLOPE, get_activation
from .initializers import get_initializer

__all__ = ["Activation", "Dense", "Dropout", "Layer"]


class Layer:
    """Base class. ``params``/``grads``: dicts of arrays; ``input``/``output``: last forward."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.input: np.ndarray | None = None
        self.output: np.ndarray | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def backward(self, dout: np.ndarray, need_input_grad: bool = True):  # pragma: no cover
        raise NotImplementedError

    def __call__(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        return self.forward(x, training=training)

    @property
    def n_params(self) -> int:
        """Number of trainable numbers in this layer."""
        return sum(p.size for p in self.params.values())

    def _require_forward(self) -> None:
        if self.input is None:
            raise RuntimeError(f"{self!r}.backward() called before forward()")


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


class Dense(Layer):
    """Fully connected layer ``out = x @ W + b``.

    Shapes: ``x (n, n_in)``, ``W (n_in, n_out)``, ``b (n_out,)``, ``out (n, n_out)``.
    Backward: ``dW = x.T @ dout``, ``db = dout.sum(0)``, ``dx = dout @ W.T``.

    Args:
        n_in, n_out: numbers of input features and of units.
        init: weight initializer name ("he", "xavier", "normal", "zeros") or callable
            ``init(shape, rng, dtype)``; biases start at zero.
        seed / rng: seed or ``np.random.Generator`` for the initial weights.
        dtype: ``np.float32`` (default) or ``np.float64``.
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        init="he",
        seed: int | None = None,
        rng: np.random.Generator | None = None,
        dtype=np.float32,
    ) -> None:
        super().__init__()
        self.n_in = _positive_int(n_in, "n_in")
        self.n_out = _positive_int(n_out, "n_out")
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise ValueError(f"dtype must be a float type (np.float32 or np.float64), got {dtype}")
        self.init = init
        rng = rng if rng is not None else np.random.default_rng(seed)
        W = np.ascontiguousarray(get_initializer(init)((self.n_in, self.n_out), rng, self.dtype))
        self.params = {"W": W, "b": np.zeros(self.n_out, dtype=self.dtype)}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros(self.n_out, dtype=self.dtype)}

    def _check_input(self, x) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != self.n_in:
            msg = f"{self!r}: expected {self.n_in} features, got shape {x.shape}"
            if x.ndim > 2 and int(np.prod(x.shape[1:])) == self.n_in:
                msg += "; flatten the images with X.reshape(len(X), -1)"
            elif x.ndim == 1 and x.size == self.n_in:
                msg += "; a single sample must be a row: x.reshape(1, -1)"
            elif x.ndim == 1:
                msg += "; X must be 2-D (n_samples, n_features): use X.reshape(-1, 1) for one feature"
            else:
                msg += f"; the input must be (n_samples, {self.n_in})"
            raise ValueError(msg)
        if x.dtype != self.dtype:
            if x.dtype.kind not in "biuf":
                raise TypeError(f"{self!r}: input must be numeric, got dtype {x.dtype}")
            x = x.astype(self.dtype)
        return x

    def forward(self, x, training: bool = False) -> np.ndarray:
        x = self._check_input(x)
        out = np.matmul(x, self.params["W"])
        out += self.params["b"]
        self.input, self.output = x, out
        return out

    def backward(self, dout: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """Fill ``grads["W"]`` and ``grads["b"]``; return ``dx`` (``None`` when
        ``need_input_grad=False``, which the model uses for its first layer to save work)."""
        self._require_forward()
        dout = np.asarray(dout, dtype=self.dtype)
        np.matmul(self.input.T, dout, out=self.grads["W"])
        np.sum(dout, axis=0, out=self.grads["b"])
        if not need_input_grad:
            return None
        return np.matmul(dout, self.params["W"].T)

    def __repr__(self) -> str:
        return f"Dense({self.n_in}, {self.n_out})"


class Activation(Layer):
    """Applies an activation function elementwise (softmax: per row).

    ``Activation("relu")``; names: step, linear, sigmoid, tanh, relu, leaky_relu, softmax.
    Backward multiplies ``dout`` by the derivative at the cached input (for softmax: the
    Jacobian-vector product ``a * (dout - sum(dout * a))``).
    """

    def __init__(self, name: str, alpha: float = LEAKY_RELU_SLOPE) -> None:
        super().__init__()
        self.activation = get_activation(name)
        self.name = self.activation.name
        self.alpha = float(alpha)

    def forward(self, x, training: bool = False) -> np.ndarray:
        x = np.asarray(x)
        if self.name == "relu":
            out = np.maximum(x, 0)
        elif self.name == "leaky_relu":
            out = self.activation.fn(x, self.alpha)
        elif self.name == "softmax":
            out = self.activation.fn(x, axis=-1)
        else:
            out = self.activation.fn(x)
        self.input, self.output = x, out
        return out

    def backward(self, dout: np.ndarray, need_input_grad: bool = True) -> np.ndarray:
        self._require_forward()
        z, a = self.input, self.output
        if self.name == "relu":
            return np.multiply(dout, z > 0, dtype=a.dtype)
        if self.name == "sigmoid":
            return dout * (a * (1.0 - a))
        if self.name == "tanh":
            return dout * (1.0 - a * a)
        if self.name == "leaky_relu":
            return dout * self.activation.derivative(z, self.alpha)
        if self.name == "softmax":
            return a * (dout - np.sum(dout * a, axis=-1, keepdims=True))
        return dout * self.activation.derivative(z)

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


class Dropout(Layer):
    """Inverted dropout: in training, zero each input with probability ``p`` and scale the
    survivors by ``1 / (1 - p)``, so nothing changes at test time (identity when
    ``training=False``). ``layer.mask`` holds the last training mask (already scaled).
    """

    def __init__(
        self, p: float = 0.5, seed: int | None = None, rng: np.random.Generator | None = None
    ) -> None:
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p < 1.0:
            raise ValueError(
                f"dropout probability p must be in [0, 1) (the fraction of units dropped), got {p!r}"
            )
        self.p = float(p)
        self.rng = rng if rng is not None else np.random.default_rng(seed)
        self.mask: np.ndarray | None = None

    def forward(self, x, training: bool = False) -> np.ndarray:
        x = np.asarray(x)
        if not training or self.p == 0.0:
            self.mask = None
            out = x
        else:
            dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
            keep = self.rng.random(x.shape, dtype=dtype) >= self.p
            self.mask = np.multiply(keep, 1.0 / (1.0 - self.p), dtype=dtype)
            out = x * self.mask
        self.input, self.output = x, out
        return out

    def backward(self, dout: np.ndarray, need_input_grad: bool = True) -> np.ndarray:
        self._require_forward()
        return dout if self.mask is None else dout * self.mask

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"

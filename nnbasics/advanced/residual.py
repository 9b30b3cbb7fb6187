"""A residual block: ``out = x + F(x)`` with ``F`` a two-layer perceptron.

The skip connection gives the gradient a path that bypasses ``F``: ``dL/dx = dL/dout + (dL/dout)
dF/dx``. Even when ``F``'s Jacobian is small (or badly conditioned) in a deep stack, the
identity term carries the signal back to the first layers, which is why residual networks can be
trained at depths where a plain stack of the same layers barely moves.

The block follows the nnbasics layer protocol (``params``, ``grads``, ``forward``, ``backward``),
so it can be placed in ``nnbasics.Sequential`` between ``Dense`` layers of matching width.
"""

from __future__ import annotations

import numpy as np

from nnbasics.activations import get_activation
from nnbasics.layers import Layer

__all__ = ["ResidualBlock"]


class ResidualBlock(Layer):
    """``out = x + act(x W1 + b1) W2 + b2``, optionally followed by ``post_activation``.

    ``x: (n, width) -> (n, width)``. ``params = {"W1": (width, hidden), "b1": (hidden,),
    "W2": (hidden, width), "b2": (width,)}``. ``W1`` uses He initialisation; ``W2`` is scaled
    by ``branch_scale`` (1.0 by default; smaller values start the block closer to identity).
    """

    def __init__(
        self,
        width: int,
        hidden: int | None = None,
        activation: str = "relu",
        post_activation: str | None = None,
        branch_scale: float = 1.0,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
        dtype=np.float32,
    ) -> None:
        if width < 1:
            raise ValueError(f"width must be positive, got {width}")
        hidden = width if hidden is None else hidden
        if hidden < 1:
            raise ValueError(f"hidden must be positive, got {hidden}")
        super().__init__()
        rng = rng if rng is not None else np.random.default_rng(seed)
        self.width, self.hidden = width, hidden
        self.activation = get_activation(activation)
        self.post_activation = None if post_activation is None else get_activation(post_activation)
        if self.activation.derivative is None or (
            self.post_activation is not None and self.post_activation.derivative is None
        ):
            raise ValueError("softmax cannot be used inside a residual block")
        self.params = {
            "W1": (rng.standard_normal((width, hidden)) * np.sqrt(2.0 / width)).astype(dtype),
            "b1": np.zeros(hidden, dtype=dtype),
            "W2": (rng.standard_normal((hidden, width)) * np.sqrt(2.0 / hidden) * branch_scale)
            .astype(dtype),
            "b2": np.zeros(width, dtype=dtype),
        }
        self.grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        self._cache: tuple | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Return ``x + F(x)`` (then ``post_activation`` if set); shapes ``(n, width)``."""
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != self.width:
            raise ValueError(f"expected input of shape (n, {self.width}), got {x.shape}")
        z1 = x @ self.params["W1"] + self.params["b1"]
        h = self.activation.fn(z1)
        z_out = x + h @ self.params["W2"] + self.params["b2"]
        out = z_out if self.post_activation is None else self.post_activation.fn(z_out)
        self._cache = (x, z1, h, z_out)
        self.input, self.output = x, out
        return out

    def backward(self, dout: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """Fill ``grads`` and return ``dx (n, width)``: the skip path plus the branch's gradient
        (``None`` when ``need_input_grad=False``)."""
        if self._cache is None:
            raise RuntimeError("call forward before backward")
        x, z1, h, z_out = self._cache
        if self.post_activation is not None:
            dout = dout * self.post_activation.derivative(z_out)
        self.grads["W2"] = h.T @ dout
        self.grads["b2"] = dout.sum(axis=0)
        dz1 = (dout @ self.params["W2"].T) * self.activation.derivative(z1)
        self.grads["W1"] = x.T @ dz1
        self.grads["b1"] = dz1.sum(axis=0)
        if not need_input_grad:
            return None
        return dout + dz1 @ self.params["W1"].T

    def __repr__(self) -> str:
        post = f", post_activation={self.post_activation.name!r}" if self.post_activation else ""
        return (
            f"ResidualBlock(width={self.width}, hidden={self.hidden}, "
            f"activation={self.activation.name!r}{post})"
        )

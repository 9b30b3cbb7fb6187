"""Feed images or sequences to a ``Sequential`` model, whose inputs are rows ``(n, n_features)``.

``Sequential.fit`` and friends check that ``X`` is 2-D. A ``Reshape`` layer in front restores the
shape that ``Conv2D`` ``(N, C, H, W)`` or ``RNN``/``LSTM`` ``(N, T, D)`` expect, so these layers are
trained with the library's own ``fit`` instead of a separate training loop.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from nnbasics.layers import Layer
from nnbasics.model import Sequential


class Reshape(Layer):
    """``forward``: rows ``(N, prod(shape))`` -> ``(N, *shape)``; ``backward`` undoes it."""

    def __init__(self, shape: Sequence[int]) -> None:
        super().__init__()
        self.shape = tuple(int(s) for s in shape)
        if not self.shape or min(self.shape) < 1:
            raise ValueError(f"shape must be positive sizes, got {shape}")
        self.size = math.prod(self.shape)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """``(N, prod(shape))`` -> ``(N, *shape)``."""
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != self.size:
            raise ValueError(
                f"Reshape{self.shape} expects rows of {self.size} numbers, got shape {x.shape}; "
                f"flatten each sample with X.reshape(len(X), -1)"
            )
        self.input = x
        return x.reshape(len(x), *self.shape)

    def backward(self, dout: np.ndarray, need_input_grad: bool = True) -> np.ndarray:
        """``(N, *shape)`` -> ``(N, prod(shape))``."""
        self._require_forward()
        return dout.reshape(len(dout), self.size)

    def __repr__(self) -> str:
        return f"Reshape({self.shape})"


def sequential_with_input_shape(
    layers: Sequence[Layer], input_shape: Sequence[int], **kwargs
) -> Sequential:
    """A ``Sequential([Reshape(input_shape), *layers], **kwargs)`` taking flat rows as input.

    Train it with ``fit(X.reshape(len(X), -1), y, ...)``: e.g. ``input_shape=(1, 28, 28)`` for a
    CNN on MNIST, ``(T, D)`` for sequences. The layers must contain at least one ``Dense``.
    """
    reshape = Reshape(input_shape)
    model = Sequential([reshape, *layers], **kwargs)
    model.n_features = reshape.size  # Sequential assumes its first Dense sees the raw input
    return model

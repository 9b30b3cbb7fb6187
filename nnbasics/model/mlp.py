"""``MLP``: a multi-layer perceptron built from a list of layer sizes."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from ..activations import get_activation
from ..layers import Activation, Dense, Dropout, Layer
from ..losses import MSE, BinaryCrossEntropy, Loss, SoftmaxCrossEntropy, get_loss
from .sequential import Sequential

__all__ = ["MLP"]


class MLP(Sequential):
    """A fully connected network ``Dense -> activation [-> Dropout] -> ... -> Dense -> output``.

    Args:
        layer_sizes: ``[n_inputs, hidden_1, ..., n_outputs]``, e.g. ``[784, 256, 128, 10]``.
        activation: hidden activation ("relu", "tanh", "sigmoid", "leaky_relu", ...).
        output: output activation. Default: none for several outputs (the softmax is fused
            into the cross-entropy loss; ``predict_proba`` applies it) and "sigmoid" for one.
        loss: "softmax_cross_entropy", "bce" or "mse". Default: softmax cross-entropy for
            several outputs, binary cross-entropy for one; "mse" if ``output`` is "linear".
        init: "he", "xavier", "normal" or "zeros" (default: "he" for ReLU-like hidden
            activations, "xavier" otherwise).
        dropout: drop probability after each hidden activation (a number, or one per
            hidden layer).
        l1, l2: weight penalties.
        seed: seeds the initial weights, the dropout masks and the shuffling.
        dtype: ``np.float32`` (default) or ``np.float64``.

    The tutorial's XOR network: ``MLP([2, 4, 1], activation="sigmoid", output="sigmoid",
    loss="mse")``.
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activation: str = "relu",
        output: str | None = None,
        loss: str | Loss | None = None,
        init: str | None = None,
        dropout: float | Sequence[float] = 0.0,
        l1: float = 0.0,
        l2: float = 0.0,
        seed: int | None = 0,
        dtype=np.float32,
    ) -> None:
        sizes = _check_sizes(layer_sizes)
        hidden = get_activation(activation).name
        if hidden == "softmax":
            raise ValueError("softmax is an output activation; choose e.g. 'relu' for hidden layers")
        loss_fn, output_layer = _resolve_output(sizes[-1], output, loss)
        if init is None:
            init = "he" if hidden in ("relu", "leaky_relu") else "xavier"
        rates = _check_dropout(dropout, len(sizes) - 2)

        rng = np.random.default_rng(seed)
        layers: list[Layer] = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            layers.append(Dense(n_in, n_out, init=init, rng=rng, dtype=dtype))
            if i < len(sizes) - 2:
                layers.append(Activation(hidden))
                if rates[i] > 0:
                    layers.append(Dropout(rates[i], rng=np.random.default_rng(rng.integers(2**63))))
        if output_layer is not None:
            layers.append(Activation(output_layer))
        super().__init__(layers, loss=loss_fn, l1=l1, l2=l2, seed=seed)
        self._pack_parameters()
        self.layer_sizes = sizes
        self.activation = hidden
        self.output = output_layer
        self.init = init
        self.dropout = dropout

    def __repr__(self) -> str:
        extra = f", output={self.output!r}" if self.output else ""
        return (f"MLP({self.layer_sizes}, activation={self.activation!r}{extra}, "
                f"loss={self.loss_fn.name!r})")


def _check_sizes(layer_sizes) -> list[int]:
    try:
        sizes = list(layer_sizes)
    except TypeError:
        raise TypeError(f"layer_sizes must be a list such as [784, 128, 10], got {layer_sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError(
            f"layer_sizes needs at least an input and an output size, e.g. [2, 1]; got {sizes}"
        )
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 1:
            raise ValueError(f"layer sizes must be positive integers, got {sizes}")
    return [int(s) for s in sizes]


def _check_dropout(dropout, n_hidden: int) -> list[float]:
    rates = [dropout] * n_hidden if isinstance(dropout, numbers.Real) else list(dropout)
    if len(rates) != n_hidden:
        raise ValueError(f"give one dropout rate per hidden layer ({n_hidden}), got {len(rates)}")
    for p in rates:
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= p < 1:
            raise ValueError(f"dropout probability p must be in [0, 1), got {p!r}")
    return [float(p) for p in rates]


def _resolve_output(n_out: int, output: str | None, loss) -> tuple[Loss, str | None]:
    """Choose the loss and the output activation layer (``None``: no layer)."""
    out = None if output is None else get_activation(output).name
    if loss is None:
        if out is None:
            loss = "softmax_cross_entropy" if n_out > 1 else "bce"
        elif out == "softmax":
            loss = "softmax_cross_entropy"
        elif out == "sigmoid":
            loss = "bce"
        else:
            loss = "mse"
    loss_fn = get_loss(loss)
    if isinstance(loss_fn, SoftmaxCrossEntropy):
        if out not in (None, "softmax"):
            raise ValueError(
                f"softmax cross-entropy works on logits and applies the softmax itself; "
                f"use output=None or 'softmax', not {output!r}"
            )
        if n_out < 2:
            raise ValueError("softmax cross-entropy needs at least 2 outputs; for one output "
                             "use output='sigmoid' with loss='bce'")
        return loss_fn, None
    if isinstance(loss_fn, BinaryCrossEntropy):
        if out not in (None, "sigmoid"):
            raise ValueError(f"binary cross-entropy needs probabilities: use output='sigmoid', "
                             f"not {output!r}")
        return loss_fn, "sigmoid"
    if isinstance(loss_fn, MSE):
        return loss_fn, (None if out in (None, "linear") else out)
    return loss_fn, out

"""Activation functions and their derivatives.

Every function takes an array of any shape and returns an array of the same shape and
dtype. The derivatives take the **pre-activation** ``z`` (the value that was fed to the
function); ``sigmoid_derivative_from_output(a)`` is the tutorial's form, which takes the
sigmoid's *output* ``a = sigmoid(z)``.

All functions are numerically stable: no overflow warnings and no NaN for inputs as large
as ``±1e4`` (or larger).

>>> import numpy as np
>>> sigmoid(np.array([-1e4, 0.0, 1e4]))
array([0. , 0.5, 1. ])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "get_activation",
    "leaky_relu",
    "leaky_relu_derivative",
    "linear",
    "linear_derivative",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "sigmoid_derivative_from_output",
    "softmax",
    "step",
    "step_derivative",
    "tanh",
    "tanh_derivative",
]

LEAKY_RELU_SLOPE = 0.01


def _as_float_array(z) -> np.ndarray:
    """Return ``z`` as a floating-point array (integers become float64)."""
    z = np.asarray(z)
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(np.float64)
    return z


def step(z) -> np.ndarray:
    """Heaviside step: 1 where ``z > 0``, else 0 (the perceptron's activation)."""
    z = _as_float_array(z)
    return (z > 0).astype(z.dtype)


def step_derivative(z) -> np.ndarray:
    """Derivative of the step: 0 everywhere (undefined at 0; taken as 0)."""
    z = _as_float_array(z)
    return np.zeros_like(z)


def linear(z) -> np.ndarray:
    """Identity ``f(z) = z`` (used for regression outputs)."""
    return _as_float_array(z)


def linear_derivative(z) -> np.ndarray:
    """Derivative of the identity: 1 everywhere."""
    z = _as_float_array(z)
    return np.ones_like(z)


def sigmoid(z) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + exp(-z))``, computed without overflow.

    For ``z >= 0`` it uses ``1 / (1 + exp(-z))`` and for ``z < 0`` the equivalent
    ``exp(z) / (1 + exp(z))``, so ``exp`` only ever sees non-positive numbers.
    """
    z = _as_float_array(z)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype, copy=False)


def sigmoid_derivative(z) -> np.ndarray:
    """Derivative of the sigmoid at the pre-activation ``z``: ``s(z) * (1 - s(z))``."""
    s = sigmoid(z)
    return s * (1.0 - s)


def sigmoid_derivative_from_output(a) -> np.ndarray:
    """The tutorial's form: derivative of the sigmoid given its *output* ``a = sigmoid(z)``."""
    a = _as_float_array(a)
    return a * (1.0 - a)


def tanh(z) -> np.ndarray:
    """Hyperbolic tangent (numpy's ``tanh`` is already stable for large inputs)."""
    return np.tanh(_as_float_array(z))


def tanh_derivative(z) -> np.ndarray:
    """Derivative of tanh at ``z``: ``1 - tanh(z)**2``."""
    t = np.tanh(_as_float_array(z))
    return 1.0 - t * t


def relu(z) -> np.ndarray:
    """Rectified linear unit ``max(z, 0)``."""
    z = _as_float_array(z)
    return np.maximum(z, 0)


def relu_derivative(z) -> np.ndarray:
    """Derivative of ReLU: 1 where ``z > 0``, else 0 (taken as 0 at the kink)."""
    z = _as_float_array(z)
    return (z > 0).astype(z.dtype)


def leaky_relu(z, alpha: float = LEAKY_RELU_SLOPE) -> np.ndarray:
    """Leaky ReLU: ``z`` where ``z > 0``, else ``alpha * z``."""
    z = _as_float_array(z)
    return np.where(z > 0, z, alpha * z).astype(z.dtype, copy=False)


def leaky_relu_derivative(z, alpha: float = LEAKY_RELU_SLOPE) -> np.ndarray:
    """Derivative of leaky ReLU: 1 where ``z > 0``, else ``alpha``."""
    z = _as_float_array(z)
    return np.where(z > 0, 1.0, alpha).astype(z.dtype, copy=False)


def softmax(z, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis`` (default: the last, i.e. per row for ``(n, k)`` logits).

    The row maximum is subtracted before ``exp`` so nothing overflows; the result is
    unchanged because softmax is invariant to adding a constant to every logit.
    """
    z = _as_float_array(z)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    e /= np.sum(e, axis=axis, keepdims=True)
    return e


@dataclass(frozen=True)
class Activation:
    """An activation function by name: ``fn(z)`` and ``derivative(z)`` (``None`` for softmax,
    whose derivative is a Jacobian; the ``Activation`` layer handles it)."""

    name: str
    fn: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray] | None


ACTIVATIONS: dict[str, Activation] = {
    "step": Activation("step", step, step_derivative),
    "linear": Activation("linear", linear, linear_derivative),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative),
    "tanh": Activation("tanh", tanh, tanh_derivative),
    "relu": Activation("relu", relu, relu_derivative),
    "leaky_relu": Activation("leaky_relu", leaky_relu, leaky_relu_derivative),
    "softmax": Activation("softmax", softmax, None),
}


def get_activation(name: str | Activation) -> Activation:
    """Look up an activation by name (case-insensitive); an ``Activation`` passes through."""
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise TypeError(f"activation must be a name such as 'relu', got {name!r}")
    key = name.lower().replace("-", "_")
    aliases = {"identity": "linear", "none": "linear", "logistic": "sigmoid", "leakyrelu": "leaky_relu"}
    key = aliases.get(key, key)
    if key not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {', '.join(sorted(ACTIVATIONS))}"
        )
    return ACTIVATIONS[key]

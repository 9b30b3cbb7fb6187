"""Weight initializers: ``init(shape, rng, dtype) -> array``.

``shape`` is ``(fan_in, fan_out)`` for a weight matrix (rows = inputs, as in ``X @ W``).

* ``zeros``: every weight 0. All hidden units then compute the same thing and receive
  the same gradient, so they stay identical forever (the *symmetry* problem).
* ``normal``: ``N(0, std**2)`` with a small fixed ``std`` (0.01 by default).
* ``xavier`` (Glorot uniform): ``U(-a, a)`` with ``a = sqrt(6 / (fan_in + fan_out))``;
  keeps the variance of activations steady for tanh/sigmoid.
* ``he``: ``N(0, 2 / fan_in)``; keeps the variance steady for ReLU.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

__all__ = ["INITIALIZERS", "get_initializer", "he", "normal", "xavier", "zeros"]

Initializer = Callable[..., np.ndarray]


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    shape = tuple(shape)
    if len(shape) == 0 or any(int(s) <= 0 for s in shape):
        raise ValueError(f"weight shape must be positive integers, got {shape}")
    fan_in = shape[0]
    fan_out = shape[1] if len(shape) > 1 else shape[0]
    return int(fan_in), int(fan_out)


def zeros(shape, rng: np.random.Generator | None = None, dtype=np.float32) -> np.ndarray:
    """All zeros (``rng`` is ignored); useful to demonstrate the symmetry problem."""
    _fans(shape)
    return np.zeros(shape, dtype=dtype)


def normal(
    shape, rng: np.random.Generator | None = None, dtype=np.float32, std: float = 0.01
) -> np.ndarray:
    """Gaussian ``N(0, std**2)`` weights."""
    _fans(shape)
    if std < 0:
        raise ValueError(f"std must be non-negative, got {std}")
    rng = np.random.default_rng() if rng is None else rng
    return (rng.standard_normal(shape) * std).astype(dtype)


def xavier(shape, rng: np.random.Generator | None = None, dtype=np.float32) -> np.ndarray:
    """Glorot/Xavier uniform ``U(-a, a)``, ``a = sqrt(6 / (fan_in + fan_out))``."""
    fan_in, fan_out = _fans(shape)
    rng = np.random.default_rng() if rng is None else rng
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def he(shape, rng: np.random.Generator | None = None, dtype=np.float32) -> np.ndarray:
    """He/Kaiming normal ``N(0, 2 / fan_in)``."""
    fan_in, _ = _fans(shape)
    rng = np.random.default_rng() if rng is None else rng
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype)


INITIALIZERS: dict[str, Initializer] = {
    "zeros": zeros,
    "normal": normal,
    "xavier": xavier,
    "glorot": xavier,
    "he": he,
    "kaiming": he,
}


def get_initializer(name: str | Initializer, **kwargs) -> Initializer:
    """Look up an initializer by name ("zeros", "normal", "xavier"/"glorot", "he"/"kaiming").

    Extra keyword arguments are bound (e.g. ``get_initializer("normal", std=0.1)``).
    A callable passes through.
    """
    if callable(name):
        fn = name
    elif isinstance(name, str) and name.lower() in INITIALIZERS:
        fn = INITIALIZERS[name.lower()]
    else:
        raise ValueError(
            f"unknown initializer {name!r}; choose one of {', '.join(sorted(INITIALIZERS))}"
        )
    return partial(fn, **kwargs) if kwargs else fn

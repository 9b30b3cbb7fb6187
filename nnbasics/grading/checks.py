"""Named checks for the exercises' visible and hidden tests.

Each check raises ``AssertionError`` with a message that names the object and says exactly what
is wrong (``"forward output: wrong shape: expected (4, 1), got (1, 4)"``), because that message is
all the feedback shows. Every check first calls :func:`verify_numpy_intact` and computes with the
numpy functions captured at import (:data:`SAFE`), so student code that rebinds ``np.allclose``
cannot make a check pass.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from nnbasics.grading._numpy import SAFE, verify_numpy_intact
from nnbasics.grading.hints import hint


def _describe(value: Any) -> str:
    """A short description of ``value`` for messages: type, and shape/dtype for arrays."""
    if isinstance(value, SAFE.ndarray):
        return f"numpy array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"[:120]


def check_array(value: Any, name: str) -> np.ndarray:
    """Assert ``value`` is a numpy array (not a list, scalar or None) and return it."""
    verify_numpy_intact()
    assert isinstance(value, SAFE.ndarray), f"{name}: expected a numpy array, got {_describe(value)}"
    return value


def check_shape(value: Any, expected: tuple[int, ...], name: str) -> None:
    """Assert ``value`` is an array of shape ``expected``."""
    check_array(value, name)
    assert value.shape == tuple(expected), (
        f"{name}: wrong shape: expected {tuple(expected)}, got {value.shape}"
    )


def check_dtype_kind(value: np.ndarray, kind: str, name: str) -> None:
    """Assert the dtype kind: ``"i"`` integer (signed or unsigned), ``"f"`` float, ``"b"`` bool."""
    check_array(value, name)
    kinds = {"i": ("i", "u"), "f": ("f",), "b": ("b",)}[kind]
    words = {"i": "an integer", "f": "a float", "b": "a boolean"}[kind]
    assert value.dtype.kind in kinds, (
        f"{name}: wrong dtype: expected {words} array, got dtype {value.dtype}"
    )


def check_finite(value: Any, name: str) -> None:
    """Assert every entry of ``value`` is finite (no NaN, no ±inf)."""
    verify_numpy_intact()
    array = SAFE.asarray(value, dtype=float)
    bad = int(SAFE.count_nonzero(~SAFE.isfinite(array)))
    if bad:
        raise AssertionError(
            hint("numerical_instability", f"{name} contains {bad} NaN or infinite value(s)")
        )


def check_close(
    actual: Any,
    expected: Any,
    name: str,
    rtol: float = 1e-5,
    atol: float = 1e-8,
    hint_key: str | None = None,
) -> None:
    """Assert ``actual`` equals ``expected`` (shape, then values within tolerance).

    The message gives the first wrong entry, e.g.
    ``"sigmoid(z): wrong value at index (1,): expected 0.7311, got 0.5 (2 of 3 entries differ)"``.
    With ``hint_key`` the message is wrapped in that hint.
    """
    verify_numpy_intact()
    expected = SAFE.asarray(expected, dtype=float)
    if expected.ndim == 0:
        try:
            actual_value = float(actual)
        except (TypeError, ValueError):
            raise AssertionError(f"{name}: expected a number, got {_describe(actual)}") from None
        if not bool(SAFE.isclose(actual_value, float(expected), rtol=rtol, atol=atol)):
            message = f"{name}: wrong value: expected {float(expected):.6g}, got {actual_value:.6g}"
            raise AssertionError(hint(hint_key, message) if hint_key else message)
        return
    check_shape(actual, expected.shape, name)
    actual = SAFE.asarray(actual, dtype=float)
    ok = SAFE.isclose(actual, expected, rtol=rtol, atol=atol)
    if not bool(SAFE.all(ok)):
        wrong = SAFE.where(~ok)
        first = tuple(int(axis[0]) for axis in wrong)
        count = int(SAFE.count_nonzero(~ok))
        message = (
            f"{name}: wrong value at index {first}: expected {expected[first]:.6g}, "
            f"got {actual[first]:.6g} ({count} of {expected.size} entries differ)"
        )
        raise AssertionError(hint(hint_key, message) if hint_key else message)


def check_equal(actual: Any, expected: Any, name: str) -> None:
    """Assert exact equality of arrays (labels, masks, counts): shape first, then entries."""
    verify_numpy_intact()
    expected = SAFE.asarray(expected)
    check_shape(actual, expected.shape, name)
    if not bool(SAFE.array_equal(actual, expected)):
        wrong = SAFE.where(SAFE.asarray(actual) != expected)
        first = tuple(int(axis[0]) for axis in wrong)
        raise AssertionError(
            f"{name}: wrong value at index {first}: expected {expected[first].item()!r}, "
            f"got {SAFE.asarray(actual)[first].item()!r}"
        )


def check_keys(mapping: Any, keys: Sequence[str], name: str) -> None:
    """Assert ``mapping`` is a dict-like object holding every key of ``keys``."""
    verify_numpy_intact()
    assert isinstance(mapping, Mapping), f"{name}: expected a dict, got {_describe(mapping)}"
    missing = [key for key in keys if key not in mapping]
    assert not missing, (
        f"{name}: missing key(s) {missing}; expected keys {list(keys)}, got {list(mapping)}"
    )


@contextlib.contextmanager
def numerically_quiet(label: str) -> Iterator[None]:
    """Turn numpy overflow/invalid/divide warnings inside the block into a hinted AssertionError.

    ``with numerically_quiet("sigmoid(-1000)"): sigmoid(np.array([-1000.0]))``
    """
    verify_numpy_intact()
    try:
        with warnings.catch_warnings(), SAFE.errstate(over="raise", invalid="raise", divide="raise"):
            warnings.simplefilter("error", RuntimeWarning)
            yield
    except (FloatingPointError, RuntimeWarning) as error:
        raise AssertionError(
            hint("numerical_instability", f"{label} raised a numpy warning ({error})")
        ) from None


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Centred finite differences of the scalar ``f()`` with respect to the array ``x``.

    ``x`` is perturbed in place, one entry at a time, and restored; ``f`` takes no arguments and
    must read ``x`` (e.g. a closure over a parameter dict). Returns an array shaped like ``x``.
    Use float64 arrays: in float32 the differences drown in rounding error.
    """
    verify_numpy_intact()
    grad = SAFE.zeros_like(x, dtype=float)
    flat_x = x.reshape(-1)
    flat_grad = grad.reshape(-1)
    for i in range(flat_x.size):
        original = flat_x[i]
        flat_x[i] = original + eps
        plus = float(f())
        flat_x[i] = original - eps
        minus = float(f())
        flat_x[i] = original
        flat_grad[i] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a: Any, b: Any) -> float:
    """``max |a - b| / max(|a| + |b|)`` over all entries, 0.0 when both are zero."""
    verify_numpy_intact()
    a = SAFE.asarray(a, dtype=float)
    b = SAFE.asarray(b, dtype=float)
    scale = float(SAFE.max(SAFE.abs(a) + SAFE.abs(b))) if a.size else 0.0
    if scale == 0.0:
        return 0.0
    return float(SAFE.max(SAFE.abs(a - b))) / scale


def check_gradient(
    analytic: Any, numeric: np.ndarray, name: str, tol: float = 1e-6, advice: str = ""
) -> None:
    """Assert an analytic gradient matches the numerical one (shape, then relative error).

    A gradient equal to minus the true one gets the ``gradient_sign`` hint, any other mismatch
    the ``wrong_gradient`` hint with the relative error and ``advice``.
    """
    check_shape(analytic, numeric.shape, name)
    error = relative_error(analytic, numeric)
    if error <= tol:
        return
    if relative_error(-SAFE.asarray(analytic, dtype=float), numeric) <= tol:
        raise AssertionError(hint("gradient_sign", f"{name} is the negative of the true gradient"))
    detail = f"{name} differs from the numerical gradient (relative error {error:.2g} > {tol:g})"
    if advice:
        detail += f"; {advice}"
    raise AssertionError(hint("wrong_gradient", detail))


def passed(name: str) -> None:
    """Print the confirmation a student sees after the visible tests of ``name`` pass."""
    print(f"\u2714 {name}: all visible tests passed.")

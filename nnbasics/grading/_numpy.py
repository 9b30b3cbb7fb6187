"""A snapshot of the numpy functions the tests rely on, taken when ``nnbasics.grading`` is imported.

Student code runs in the same kernel as the tests and can rebind module attributes
(``np.allclose = lambda *a, **k: True``). The exercise notebooks import ``nnbasics.grading`` in
their first, locked cell, before any student cell, so the references captured here are the real
ones. Checks use :data:`SAFE` instead of ``np.<name>``, and :func:`verify_numpy_intact` reports any
rebinding by name.
"""

from __future__ import annotations

import types

import numpy as np

PROTECTED_NAMES: tuple[str, ...] = (
    "abs",
    "all",
    "allclose",
    "any",
    "argmax",
    "array",
    "array_equal",
    "asarray",
    "clip",
    "count_nonzero",
    "diff",
    "exp",
    "isclose",
    "isfinite",
    "isnan",
    "log",
    "max",
    "maximum",
    "mean",
    "min",
    "ndarray",
    "ones",
    "ones_like",
    "shape",
    "sqrt",
    "std",
    "sum",
    "unique",
    "where",
    "zeros",
    "zeros_like",
)

_ORIGINAL: dict[str, object] = {name: getattr(np, name) for name in PROTECTED_NAMES}
_ORIGINAL_RANDOM_GENERATOR = np.random.default_rng
_ORIGINAL_ERRSTATE = np.errstate

#: The captured functions, e.g. ``SAFE.allclose(a, b)``; immune to later rebinding of ``np.*``.
SAFE = types.SimpleNamespace(
    **_ORIGINAL, default_rng=_ORIGINAL_RANDOM_GENERATOR, errstate=_ORIGINAL_ERRSTATE
)


class NumpyTamperedError(AssertionError):
    """A protected numpy function was rebound after ``nnbasics.grading`` was imported."""


def rebound_names() -> list[str]:
    """Names of protected numpy attributes that no longer point at the captured objects."""
    changed = [name for name, original in _ORIGINAL.items() if getattr(np, name, None) is not original]
    if np.random.default_rng is not _ORIGINAL_RANDOM_GENERATOR:
        changed.append("random.default_rng")
    if np.errstate is not _ORIGINAL_ERRSTATE:
        changed.append("errstate")
    return changed


def verify_numpy_intact() -> None:
    """Raise :class:`NumpyTamperedError` naming every protected numpy function that was rebound."""
    changed = rebound_names()
    if changed:
        names = ", ".join(f"np.{name}" for name in changed)
        raise NumpyTamperedError(
            f"numpy was modified: {names} no longer is numpy's own function. Do not assign to "
            "numpy's attributes in your code; restart the kernel and run all cells again."
        )

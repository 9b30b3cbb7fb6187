"""Checks and hints for the graded exercises (``solutions/`` → ``course/exercises/``).

The exercise notebooks import this package in their first, locked cell::

    from nnbasics import grading

which captures the numpy functions the tests use before any student code runs
(:data:`SAFE`, :func:`verify_numpy_intact`). Each test cell runs its named checks through a
:class:`CheckSet` (partial credit per check, a ✓/✗ table, hidden checks shown by description
only); the checks use the assertions :func:`check_shape`, :func:`check_close`,
:func:`check_gradient`... and hints from :func:`hint`, whose catalog (:data:`HINTS`) names each
common mistake of the tutorial.

This package holds no reference solution: the expected values are computed inside the tests.
"""

from nnbasics.grading._numpy import (
    PROTECTED_NAMES,
    SAFE,
    NumpyTamperedError,
    rebound_names,
    verify_numpy_intact,
)
from nnbasics.grading.check_table import CHECKS_MIME
from nnbasics.grading.checks import (
    check_array,
    check_close,
    check_dtype_kind,
    check_equal,
    check_finite,
    check_gradient,
    check_keys,
    check_shape,
    numerical_gradient,
    numerically_quiet,
    passed,
    relative_error,
)
from nnbasics.grading.checkset import CheckSet, expect_error, lazy
from nnbasics.grading.diagnose import diagnose_losses
from nnbasics.grading.hints import HINTS, Hint, hint

__all__ = [
    "CHECKS_MIME",
    "HINTS",
    "PROTECTED_NAMES",
    "SAFE",
    "CheckSet",
    "Hint",
    "NumpyTamperedError",
    "check_array",
    "check_close",
    "check_dtype_kind",
    "check_equal",
    "check_finite",
    "check_gradient",
    "check_keys",
    "check_shape",
    "diagnose_losses",
    "expect_error",
    "hint",
    "lazy",
    "numerical_gradient",
    "numerically_quiet",
    "passed",
    "rebound_names",
    "relative_error",
    "verify_numpy_intact",
]

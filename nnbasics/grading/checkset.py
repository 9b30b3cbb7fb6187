"""Partial credit per named check: :class:`CheckSet` runs the checks of one test cell.

A test cell of the exercises reads::

    checks = grading.CheckSet("test_quadratic_features", points=2)
    checks.check("returns one row per point", lambda: ..., hint="...")
    ### BEGIN HIDDEN TESTS
    checks.check("rejects X of shape (4, 3) with a ValueError", lambda: ..., hint="...")
    ### END HIDDEN TESTS
    checks.score()

Every check runs, even after one failed. A check fails when its function raises (any
``Exception``) or returns ``False`` (a Python or numpy bool). ``checks.score()``, the cell's last
expression, shows a ✓/✗ table and evaluates to the earned points: nbgrader takes that number as
the cell's partial credit (capped by the cell's points), so each check carries its share
(``weight``) of the points. :func:`lazy` shares one computation (a trained model) among checks.

Secrecy of hidden checks: a check registered from a line inside ``### BEGIN/END HIDDEN TESTS``
(found on the call stack, so also through helper functions) is *hidden*. Its row shows the
description, the hint and the exception's type, never its message or traceback. Whatever a
check prints (student code included) is captured: shown after a visible check, dropped for a
hidden one; warnings become table notes, so nothing reaches stderr, which nbgrader would score 0.
"""

from __future__ import annotations

import contextlib
import io
import linecache
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nnbasics.grading._numpy import rebound_names, verify_numpy_intact
from nnbasics.grading.check_table import CHECKS_MIME, render_html, render_text
from nnbasics.grading.hints import HINTS
from nnbasics.grading.hints import hint as catalog_hint

BEGIN_HIDDEN = "BEGIN HIDDEN TESTS"
END_HIDDEN = "END HIDDEN TESTS"
_MAX_OUTPUT = 2000  # characters of a visible check's printed output shown under its row
_float, _isinstance, _print = float, isinstance, print  # captured before student code runs
_BOOLS = (bool, np.bool_)


@dataclass
class CheckResult:
    """The outcome of one named check. ``error`` is ``"Type: message"`` (visible checks) or
    ``"Type"`` (hidden checks), empty when the check passed."""

    description: str
    passed: bool
    hidden: bool
    weight: float = 1.0
    hint: str = ""
    error: str = ""
    output: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "description": self.description, "passed": self.passed, "hidden": self.hidden,
            "weight": self.weight, "hint": self.hint, "error": self.error,
        }


def _hidden_lines(filename: str) -> frozenset[int]:
    """1-based line numbers inside ``BEGIN/END HIDDEN TESTS`` blocks of ``filename``."""
    inside, hidden = False, set()
    for number, line in enumerate(linecache.getlines(filename), start=1):
        if BEGIN_HIDDEN in line:
            inside = True
        elif END_HIDDEN in line:
            inside = False
        elif inside:
            hidden.add(number)
    return frozenset(hidden)


def called_from_hidden_block(depth: int = 2) -> bool:
    """True when any frame above the caller's caller runs a line of a hidden-test block."""
    frame = sys._getframe(depth)
    while frame is not None:
        if frame.f_lineno in _hidden_lines(frame.f_code.co_filename):
            return True
        frame = frame.f_back
    return False


def lazy(compute: Callable[[], Any]) -> Callable[[], Any]:
    """``compute`` run at most once: the returned function gives its value, or raises the same
    exception again on every call. Use it for work several checks share (training a model)."""
    outcome: list = []

    def value():
        if not outcome:
            try:
                outcome.append((True, compute()))
            except Exception as error:  # noqa: BLE001 - re-raised to every check that needs it
                outcome.append((False, error))
        ok, result = outcome[0]
        if ok:
            return result
        raise result

    return value


def expect_error(error_type: type[BaseException], function: Callable[[], Any], what: str) -> None:
    """Assert that ``function()`` raises ``error_type``; ``what`` names the call in the message,
    e.g. ``expect_error(ValueError, lambda: f(np.ones((4, 3))), "f(X of shape (4, 3))")``."""
    try:
        function()
    except error_type:
        return
    except Exception as error:  # noqa: BLE001 - reported as the wrong kind of error
        raise AssertionError(
            f"{what} should raise {error_type.__name__}, but raised {type(error).__name__}: {error}"
        ) from None
    raise AssertionError(f"{what} should raise {error_type.__name__}, but it returned normally")


def _resolve_hint(text: str) -> str:
    """A catalog key (``"zero_init"``) becomes its full hint; any other text is kept."""
    return catalog_hint(text) if text in HINTS else text


class CheckSet:
    """The named checks of one test cell worth ``points`` (the cell's nbgrader points)."""

    def __init__(self, name: str, points: float) -> None:
        if not points > 0:
            raise ValueError(f"CheckSet {name!r}: points must be positive, got {points!r}")
        self.name = name
        self.points = _float(points)
        self.results: list[CheckResult] = []

    def check(
        self,
        description: str,
        function: Callable[[], Any],
        hint: str = "",
        weight: float = 1.0,
        hidden: bool | None = None,
    ) -> bool:
        """Run ``function`` now as the check ``description``; return whether it passed.

        ``hint``: shown when the check fails (a catalog key such as ``"zero_init"`` or text).
        ``weight``: its share of the points relative to the other checks of the cell.
        ``hidden``: None detects it from the source (inside a hidden-test block or not).
        """
        if hidden is None:
            hidden = called_from_hidden_block()
        result = CheckResult(description, False, hidden, _float(weight), _resolve_hint(hint))
        stream = io.StringIO()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
                    verify_numpy_intact()
                    outcome = function()
                result.passed = not (_isinstance(outcome, _BOOLS) and not outcome)
                if not result.passed:
                    result.error = "the check returned False"
            except Exception as error:  # noqa: BLE001 - any error fails this check only
                kind = type(error).__name__
                message = str(error).strip()
                result.error = kind if hidden or not message else f"{kind}: {message}"
        if not hidden:
            notes = [f"{w.category.__name__}: {w.message}" for w in caught]
            result.output = "\n".join(filter(None, [stream.getvalue().rstrip(), *notes]))[:_MAX_OUTPUT]
        self.results.append(result)
        return result.passed

    def earned(self) -> float:
        """Points earned so far: ``points`` times the passed share of the weights (2 decimals,
        rounded down, so that anything short of all checks stays below ``points``)."""
        total = sum(r.weight for r in self.results)
        if total <= 0 or rebound_names():
            return 0.0
        passed = sum(r.weight for r in self.results if r.passed)
        if passed >= total:
            return self.points
        return int(self.points * passed / total * 100) / 100

    def summary(self) -> dict[str, Any]:
        """The table as data: what the feedback and ``make validate`` show."""
        return {
            "name": self.name,
            "points": self.points,
            "score": self.earned(),
            "tampered": bool(rebound_names()),
            "checks": [r.as_dict() for r in self.results],
        }

    def score(self) -> float:
        """Show the ✓/✗ table and return the earned points (the cell's last expression)."""
        data = self.summary()
        bundle = {CHECKS_MIME: data, "text/plain": render_text(data), "text/html": render_html(data)}
        outputs = [r for r in self.results if r.output]
        for result in outputs:
            _print(f"[output of: {result.description}]\n{result.output}")
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:  # plain Python: print the text table
            get_ipython = None
        if get_ipython is not None and get_ipython() is not None:
            display(bundle, raw=True)
        else:
            _print(bundle["text/plain"])
        return data["score"]

    def __repr__(self) -> str:
        return f"CheckSet({self.name!r}, points={self.points:g}, {len(self.results)} checks)"

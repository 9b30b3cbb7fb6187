"""Unit tests of nnbasics.grading.CheckSet: partial credit per named check, hidden checks shown by
description only, captured output, and the ✓/✗ table."""

from __future__ import annotations

import importlib.util
import textwrap
import warnings

import numpy as np
import pytest

from nnbasics import grading
from nnbasics.grading.check_table import render_text


def _fail(message="wrong"):
    raise AssertionError(message)


def test_each_check_carries_its_share_and_every_check_runs_after_a_failure():
    checks = grading.CheckSet("test_f", points=2)
    ran = []
    assert checks.check("first", lambda: ran.append(1)) is True
    assert checks.check("second fails", lambda: _fail("second is wrong")) is False
    assert checks.check("third", lambda: ran.append(3)) is True
    assert ran == [1, 3]
    assert checks.earned() == 1.33  # 2 * 2/3, rounded down: short of full marks stays below 2
    assert [r.passed for r in checks.results] == [True, False, True]
    assert checks.results[1].error == "AssertionError: second is wrong"


def test_all_passed_is_exactly_the_points_and_weights_shift_the_shares():
    checks = grading.CheckSet("test_f", points=4)
    checks.check("light", lambda: None, weight=1)
    assert checks.earned() == 4.0
    checks.check("heavy", lambda: _fail(), weight=3)
    assert checks.earned() == 1.0


def test_false_results_fail_python_and_numpy_bools_alike():
    checks = grading.CheckSet("test_f", points=1)
    assert not checks.check("python False", lambda: False)
    assert not checks.check("numpy False", lambda: np.allclose([1.0], [2.0]))
    assert checks.check("numpy True", lambda: np.all(np.ones(2) > 0))
    assert checks.check("None counts as passed", lambda: None)
    assert checks.results[0].error == "the check returned False"


def test_any_exception_fails_only_its_check_but_an_interrupt_stops_the_cell():
    checks = grading.CheckSet("test_f", points=1)
    assert not checks.check("stub", lambda: (_ for _ in ()).throw(NotImplementedError()))
    assert checks.results[0].error == "NotImplementedError"
    with pytest.raises(KeyboardInterrupt):  # a cell timeout must still interrupt the cell
        checks.check("interrupted", lambda: (_ for _ in ()).throw(KeyboardInterrupt()))


def test_hint_accepts_a_catalog_key_or_free_text():
    checks = grading.CheckSet("test_f", points=1)
    checks.check("zeros", lambda: False, hint="zero_init")
    checks.check("text", lambda: False, hint="Use np.asarray.")
    assert checks.results[0].hint == grading.hint("zero_init")
    assert checks.results[1].hint == "Use np.asarray."


def _load_module(tmp_path, source: str):
    path = tmp_path / "hidden_case.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location("hidden_case", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_checks_registered_inside_a_hidden_block_are_hidden(tmp_path):
    module = _load_module(tmp_path, """
        def helper(checks, function):
            checks.check("through a visible helper", function)


        def run(checks, fail):
            checks.check("visible", fail)
            ### BEGIN HIDDEN TESTS
            checks.check("hidden", fail, hint="Think of negative numbers.")
            helper(checks, fail)
            ### END HIDDEN TESTS
            checks.check("visible again", fail)
    """)
    checks = grading.CheckSet("test_f", points=1)
    module.run(checks, lambda: _fail("SECRET expected value 42"))
    assert [(r.description, r.hidden) for r in checks.results] == [
        ("visible", False), ("hidden", True), ("through a visible helper", True), ("visible again", False)]
    assert checks.results[0].error == "AssertionError: SECRET expected value 42"
    assert checks.results[1].error == "AssertionError"  # the type only: no hidden message
    text = render_text(checks.summary())
    assert "\u2717 hidden (hidden)" in text and "Think of negative numbers." in text
    assert text.count("SECRET") == 2  # the two visible checks only
    assert all("SECRET" not in str(row) for row in checks.summary()["checks"] if row["hidden"])


def test_output_of_checks_is_captured_shown_for_visible_and_dropped_for_hidden(capsys):
    import sys

    checks = grading.CheckSet("test_f", points=1)

    def noisy():
        print("student debug print")
        print("to stderr", file=sys.stderr)
        warnings.warn("overflow in exp", RuntimeWarning, stacklevel=1)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning escaping the check would raise here
        checks.check("visible noisy", noisy, hidden=False)
        checks.check("hidden noisy", lambda: print("HIDDEN SENTINEL"), hidden=True)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""  # nothing reaches stderr (nbgrader: 0 points)
    assert checks.score() == 1.0
    out = capsys.readouterr().out
    assert "student debug print" in out and "to stderr" in out and "RuntimeWarning: overflow in exp" in out
    assert "HIDDEN SENTINEL" not in out
    assert "test_f: 2 of 2 checks passed, 1 of 1 points" in out


def test_tampered_numpy_fails_every_check_and_scores_zero(monkeypatch):
    checks = grading.CheckSet("test_f", points=2)
    checks.check("before", lambda: None)
    monkeypatch.setattr(np, "allclose", lambda *args, **kwargs: True)
    assert not checks.check("after", lambda: None)
    assert "numpy was modified: np.allclose" in checks.results[1].error
    assert checks.earned() == 0.0 and checks.summary()["tampered"]
    assert "numpy was modified by the notebook's code" in render_text(checks.summary())


def test_lazy_computes_once_and_repeats_its_error():
    calls = []
    value = grading.lazy(lambda: calls.append(1) or 42)
    assert value() == value() == 42 and calls == [1]
    broken = grading.lazy(lambda: calls.append(2) or _fail("training failed"))
    for _ in range(2):
        with pytest.raises(AssertionError, match="training failed"):
            broken()
    assert calls == [1, 2]


def test_expect_error_says_what_happened_instead():
    grading.expect_error(ValueError, lambda: int("x"), "int('x')")
    with pytest.raises(AssertionError, match=r"f\(X\) should raise ValueError, but it returned normally"):
        grading.expect_error(ValueError, lambda: None, "f(X)")
    with pytest.raises(AssertionError, match="should raise ValueError, but raised NotImplementedError"):
        grading.expect_error(ValueError, lambda: (_ for _ in ()).throw(NotImplementedError()), "f(X)")


def test_points_must_be_positive():
    with pytest.raises(ValueError, match="points must be positive, got 0"):
        grading.CheckSet("test_f", points=0)


def test_table_lists_each_check_and_the_details_of_failures():
    checks = grading.CheckSet("test_f", points=3)
    checks.check("shape", lambda: None)
    checks.check("values", lambda: _fail("f(x): wrong value"), hint="Use x * 2.")
    checks.check("stable", lambda: _fail(grading.hint("numerical_instability", "overflow")),
                 hint="numerical_instability")
    text = render_text(checks.summary())
    assert text.splitlines()[0] == "test_f: 1 of 3 checks passed, 1 of 3 points"
    assert "  \u2713 shape" in text and "  \u2717 values" in text
    assert "      AssertionError: f(x): wrong value" in text and "      Use x * 2." in text
    assert text.count("Hint [numerical instability]") == 1  # the message already carries the hint

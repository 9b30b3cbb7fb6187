"""Students' commands: ``validate`` (visible tests) and ``check`` (self-study, full tests)."""

from __future__ import annotations

import shutil

import pytest
from grading_pipeline_helpers import (
    ADD_HINT,
    HIDDEN_HINT,
    HIDDEN_SENTINEL,
    TINY,
    fill_solutions,
    replace_cell,
)

from autograder.check import format_check, self_check
from autograder.cli import main

pytestmark = pytest.mark.slow


def _solved(course):
    return fill_solutions(course.released(), course.solution())


def test_validate_exits_nonzero_and_names_the_failed_tests(tiny_course, capsys):
    code = main(["--root", str(tiny_course.layout.root), "validate", str(tiny_course.released_path)])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL test_add" in out and "FAIL test_mul" in out
    assert "FAILED: 2 of 2 visible tests (test_add, test_mul)" in out
    assert "NotImplementedError" in out


def test_validate_passes_a_solved_notebook_and_leaves_it_unchanged(tiny_course, tmp_path, capsys):
    path = tiny_course.submit_notebook("me", _solved(tiny_course))
    before = path.read_bytes()
    assert main(["validate", str(path)]) == 0
    assert "OK: all 2 visible tests passed" in capsys.readouterr().out
    assert path.read_bytes() == before


def test_validate_shows_the_hint_of_a_wrong_answer(tiny_course, capsys):
    wrong = replace_cell(_solved(tiny_course), "add", "def add(a, b):\n    return a - b")
    path = tiny_course.submit_notebook("me", wrong)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"AssertionError: {ADD_HINT}" in out and "FAIL test_add" in out


def test_validate_reports_an_unreadable_notebook(tmp_path, capsys):
    path = tmp_path / "broken.ipynb"
    path.write_text("{")
    assert main(["validate", str(path)]) == 1
    assert "NOT VALIDATED: invalid notebook broken.ipynb: not valid JSON" in capsys.readouterr().out


def test_check_grades_the_learner_copy_with_hidden_tests_without_showing_them(tiny_course):
    layout = tiny_course.layout
    # the learner edits course/exercises/tiny/tiny.ipynb in place: passes visible, fails hidden
    learner = replace_cell(_solved(tiny_course), "add", "def add(a, b):\n    return abs(a) + abs(b)")
    tiny_course.submit_notebook("unused", learner)
    shutil.copy(layout.submission_dir("unused", TINY) / f"{TINY}.ipynb", tiny_course.released_path)

    result = self_check(layout, TINY)
    assert (result.state.status, result.state.score, result.state.max_score) == ("graded", 1.0, 3.0)
    text = format_check(result)
    assert "FAIL test_add" in text and "PASS test_mul" in text
    # a plain hidden assert is named by its exception only: its message could carry hidden text
    assert "AssertionError (raised by a hidden test; its message is not shown)" in text
    assert HIDDEN_HINT not in text and HIDDEN_SENTINEL not in text
    assert "Score: 1 / 3" in text
    assert not layout.states_dir.exists(), "self-check writes nothing into the course"


def test_check_cli_reports_an_unknown_exercise(tiny_course, capsys):
    assert main(["--root", str(tiny_course.layout.root), "check", "ex9"]) == 2
    assert "unknown assignment 'ex9'" in capsys.readouterr().err

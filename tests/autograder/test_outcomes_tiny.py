"""End-to-end outcomes on the tiny course: one autograde run over many kinds of submission.

Asserts the pipeline's promises: full marks for the solution, 0 (graded) for the untouched
release, partial scores with the hint in the feedback for mistakes, ``failed`` with a reason
(never a 0) for ungradable notebooks while the others are still graded, ``flagged`` for
modified tests, and feedback without any hidden test source.
"""

from __future__ import annotations

import csv

import pytest
from grading_pipeline_helpers import (
    ADD_HINT,
    FAST_SETTINGS,
    HIDDEN_HINT,
    HIDDEN_SENTINEL,
    MUL_HINT,
    TINY,
    TinyCourse,
)

from autograder.autograde import autograde
from autograder.feedback import generate_feedback
from autograder.report import COLUMNS, write_report
from autograder.states import StateStore

pytestmark = pytest.mark.slow

SUBMISSIONS = {
    # student: (how to submit, expected status, expected score or reason fragment)
    "a_perfect": ("solution", "graded", 3.0),
    "b_untouched": ("release", "graded", 0.0),
    "c_wrong_add": ({"add": "def add(a, b):\n    return a - b"}, "graded", 1.0),
    "d_hidden_only": ({"add": "def add(a, b):\n    return abs(a) + abs(b)"}, "graded", 1.0),
    # flagged: graded with the original tests (so full marks), the edit is reported
    "e_exit": ({"add": "import os\nos._exit(0)"}, "failed", "kernel died"),
    "f_loop": ({"mul": "while True:\n    pass"}, "failed", "timeout"),
    "g_sigint_ignored": (
        {"add": "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                "while True:\n    time.sleep(0.01)"},
        "failed", "timeout",
    ),
    "h_bad_json": ('{"cells": [', "failed", "not valid JSON"),
    "i_missing": (None, "failed", "missing notebook"),
    "j_edited_test": ({"test_add": "pass"}, "flagged", 3.0),
}


def _submit(course: TinyCourse, student: str, how) -> None:
    if how == "solution":
        course.submit_solution(student)
    elif how == "release":
        course.submit_notebook(student, course.released())
    elif isinstance(how, dict):
        solved = {"add": "def add(a, b):\n    return a + b", "mul": "def mul(a, b):\n    return a * b"}
        course.submit_with(student, **{**solved, **how})
    elif isinstance(how, str):
        course.submit_text(student, how)
    else:  # a submission folder without the notebook
        course.layout.submission_dir(student, TINY).mkdir(parents=True)
        (course.layout.submission_dir(student, TINY) / "notes.txt").write_text("forgot it")


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory, tiny_template) -> tuple[TinyCourse, dict]:
    course = TinyCourse(tmp_path_factory.mktemp("outcomes") / "course", template=tiny_template)
    for student, (how, _, _) in SUBMISSIONS.items():
        _submit(course, student, how)
    states = {s.student: s for s in autograde(course.layout, settings=FAST_SETTINGS)}
    generate_feedback(course.layout, settings=FAST_SETTINGS)
    return course, states


@pytest.mark.parametrize("student", sorted(SUBMISSIONS))
def test_each_submission_gets_its_expected_status(graded_course, student):
    _, states = graded_course
    _, status, expected = SUBMISSIONS[student]
    state = states[student]
    assert state.status == status, state
    if status == "failed":
        assert expected in state.reason
        assert state.score is None, "a failed submission must not get a score"
    else:
        assert state.score == expected and state.max_score == 3.0
    if status == "flagged":
        assert "test_add (modified)" in state.reason


def test_every_submission_was_graded_despite_the_failures(graded_course):
    _, states = graded_course
    assert sorted(states) == sorted(SUBMISSIONS)


def _feedback(course: TinyCourse, student: str) -> str:
    return (course.layout.feedback_submission_dir(student, TINY) / f"{TINY}.html").read_text()


def test_feedback_shows_the_hint_of_a_failed_visible_test(graded_course):
    course, _ = graded_course
    html = _feedback(course, "c_wrong_add")
    assert "AssertionError: " + ADD_HINT in html


def test_feedback_names_a_failed_hidden_test_but_not_its_code_or_message(graded_course):
    course, _ = graded_course
    html = _feedback(course, "d_hidden_only")
    assert "AssertionError (raised by a hidden test; its message is not shown)" in html
    assert HIDDEN_HINT not in html  # a hidden test's message could carry hidden text: named checks give hints
    assert HIDDEN_SENTINEL not in html
    assert "most recent call last" not in html and "------" not in html  # no traceback


@pytest.mark.parametrize("student", ["a_perfect", "b_untouched", "c_wrong_add", "d_hidden_only",
                                     "j_edited_test"])
def test_no_feedback_page_contains_hidden_test_source(graded_course, student):
    course, _ = graded_course
    html = _feedback(course, student)
    assert HIDDEN_SENTINEL not in html
    assert "BEGIN HIDDEN TESTS" not in html
    assert MUL_HINT in html  # the visible test is still shown


def test_failed_submissions_get_no_feedback_page(graded_course):
    course, _ = graded_course
    assert not course.layout.feedback_submission_dir("e_exit", TINY).exists()


def test_report_lists_every_submission_with_status_and_reason(graded_course, tmp_path):
    course, _ = graded_course
    files = write_report(course.layout, tmp_path)
    with files.csv_path.open() as stream:
        reader = csv.DictReader(stream)
        assert tuple(reader.fieldnames) == COLUMNS
        rows = {row["student"]: row for row in reader}
    assert set(rows) == set(SUBMISSIONS)
    assert rows["a_perfect"]["score"] == "3" and rows["a_perfect"]["max_score"] == "3"
    assert rows["b_untouched"]["score"] == "0" and rows["b_untouched"]["status"] == "graded"
    for student in ("e_exit", "f_loop", "g_sigint_ignored", "h_bad_json", "i_missing"):
        assert rows[student]["status"] == "failed"
        assert rows[student]["score"] == "", "never a silent 0"
        assert rows[student]["reason"]
    assert files.histogram_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_failed_submissions_keep_no_score_in_the_gradebook(graded_course):
    from autograder import gradebook

    course, states = graded_course
    for student, state in states.items():
        in_gradebook = gradebook.submission_score(course.layout, student, TINY)
        assert (in_gradebook is None) == (state.status == "failed"), student


def test_states_survive_on_disk(graded_course):
    course, states = graded_course
    stored = {s.student: s.status for s in StateStore(course.layout).all()}
    assert stored == {student: state.status for student, state in states.items()}

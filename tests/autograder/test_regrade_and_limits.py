"""Regrading never leaves a stale score, and the whole-notebook time limit ends slow notebooks."""

from __future__ import annotations

import pytest
from grading_pipeline_helpers import TINY, GradingSettings

from autograder import autograde as autograde_module
from autograder import gradebook
from autograder.autograde import autograde, grade_submission
from autograder.nbgrader_run import ConverterResult
from autograder.report import report_rows
from autograder.states import FAILED, UNFINISHED_REASON, StateStore

pytestmark = pytest.mark.slow


def test_failed_regrade_removes_the_previous_score(tiny_course):
    layout = tiny_course.layout
    tiny_course.submit_solution("alice")
    first = grade_submission(layout, "alice", TINY)
    assert (first.status, first.score) == ("graded", 3.0)
    assert layout.autograded_submission_dir("alice", TINY).exists()

    tiny_course.submit_text("alice", "this is not a notebook")
    second = grade_submission(layout, "alice", TINY)
    assert second.status == "failed" and "not valid JSON" in second.reason
    assert not layout.autograded_submission_dir("alice", TINY).exists()
    assert gradebook.submission_score(layout, "alice", TINY) is None
    [row] = report_rows(layout)
    assert (row.status, row.score) == ("failed", None)


def test_regrade_replaces_the_score(tiny_course):
    layout = tiny_course.layout
    tiny_course.submit_notebook("bob", tiny_course.released())
    assert grade_submission(layout, "bob", TINY).score == 0.0
    tiny_course.submit_solution("bob")
    assert grade_submission(layout, "bob", TINY).score == 3.0
    assert gradebook.submission_score(layout, "bob", TINY).score == 3.0


def test_interrupted_grading_reads_as_failed_not_as_the_old_score(tiny_course):
    layout = tiny_course.layout
    tiny_course.submit_solution("carol")
    grade_submission(layout, "carol", TINY)
    StateStore(layout).mark_started("carol", TINY)  # as if the grader died right after
    [row] = report_rows(layout)
    assert (row.status, row.reason, row.score) == (FAILED, UNFINISHED_REASON, None)


def test_whole_notebook_limit_fails_a_slow_notebook(tiny_course):
    slow = "import time\ntime.sleep(2.5)\n"
    tiny_course.submit_with(
        "dave",
        add=slow + "def add(a, b):\n    return a + b",
        mul=slow + "def mul(a, b):\n    return a * b",
    )
    settings = GradingSettings(cell_timeout=10, notebook_timeout=4)
    [state] = autograde(tiny_course.layout, TINY, "dave", settings)
    assert state.status == "failed"
    assert "limit of 4 s" in state.reason
    assert state.seconds < 20


def test_one_student_only(tiny_course):
    tiny_course.submit_solution("erin")
    tiny_course.submit_solution("frank")
    states = autograde(tiny_course.layout, student="erin")
    assert [s.student for s in states] == ["erin"]
    assert StateStore(tiny_course.layout).read("frank", TINY) is None


def test_unknown_student_is_a_clear_error(tiny_course):
    with pytest.raises(LookupError, match="no submission from 'nobody'"):
        autograde(tiny_course.layout, student="nobody")


def test_parallel_grading_one_process_per_student_gives_the_same_results(tiny_course):
    tiny_course.submit_solution("p1")
    tiny_course.submit_notebook("p2", tiny_course.released())
    tiny_course.submit_text("p3", "{")
    seen = []
    states = autograde(tiny_course.layout, settings=GradingSettings(cell_timeout=10),
                       jobs=2, progress=seen.append)
    assert [(s.student, s.status, s.score) for s in states] == [
        ("p1", "graded", 3.0), ("p2", "graded", 0.0), ("p3", "failed", None)]
    assert sorted(s.student for s in seen) == ["p1", "p2", "p3"]
    assert gradebook.submission_score(tiny_course.layout, "p1", TINY).score == 3.0


def test_jobs_must_be_positive(tiny_course):
    with pytest.raises(ValueError, match="jobs must be at least 1"):
        autograde(tiny_course.layout, jobs=0)


@pytest.mark.parametrize("log", [
    "RuntimeError: Kernel died before replying to kernel_info",  # its process exited
    # it hung after "ZMQError: Address already in use" (seen in CI while 30 hub servers started)
    "RuntimeError: Kernel didn't respond in 60 seconds\nNbGraderException: Please see the above traceback",
])
def test_a_kernel_that_failed_to_start_is_retried_once(tiny_course, monkeypatch, log):
    real_run, calls = autograde_module.run_converter, []

    def first_start_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # as when another kernel took this kernel's port
            return ConverterResult(False, log)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(autograde_module, "run_converter", first_start_fails)
    tiny_course.submit_solution("erin")
    state = grade_submission(tiny_course.layout, "erin", TINY)
    assert len(calls) == 2
    assert (state.status, state.score) == ("graded", 3.0)


def test_a_kernel_that_never_starts_fails_with_a_reason_after_one_retry(tiny_course, monkeypatch):
    calls = []

    def start_fails(*args, **kwargs):
        calls.append(1)
        return ConverterResult(False, "RuntimeError: Kernel died before replying to kernel_info")

    monkeypatch.setattr(autograde_module, "run_converter", start_fails)
    tiny_course.submit_solution("frank")
    state = grade_submission(tiny_course.layout, "frank", TINY)
    assert len(calls) == 2
    assert state.status == "failed" and "kernel did not start" in state.reason

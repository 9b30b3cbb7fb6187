"""The coordinator's half of cluster grading: record a worker's result in the real course.

A worker (:mod:`autograder.cluster_worker`) graded the submission in a private course and sent
back its state and executed notebooks. :func:`record_result` makes the real course look exactly
as if the submission had been graded here:

1. the previous autograded files, feedback and gradebook grades are cleared (a regrade is fresh);
2. the executed notebooks are placed in ``autograder/autograded/<student>/<assignment>/``;
3. for a graded or flagged submission, nbgrader's own ``Autograde`` converter runs on the
   executed notebooks with every step *except* execution (no sanitising, no ``Execute``; then
   ``SaveAutoGrades``, ``AssignLatePenalties``, ...). It creates the student and the submission
   (with its ``timestamp.txt``) and stores every cell's grade in the gradebook (sqlite or
   PostgreSQL), as formgrader and feedback expect;
4. the gradebook's total must equal the worker's score, else the submission fails with a reason;
5. the state is written last, so a run that stops before it leaves "grading did not finish".

Recording costs about 0.1-0.2 s of CPU per submission. A
:class:`autograder.cluster_recorder.Recorder` calls :func:`record_result` for each result, in
this process or in a few recorder processes.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute

from autograder import gradebook
from autograder.autograde import clear_previous_results
from autograder.bundle import GradedSubmission, write_files
from autograder.config import GradingSettings, nbgrader_config
from autograder.layout import CourseLayout
from autograder.nbgrader_run import run_converter
from autograder.states import FAILED, GradingState, StateStore

_SCORE_TOLERANCE = 1e-9


def record_result(
    layout: CourseLayout, result: GradedSubmission, settings: GradingSettings
) -> GradingState:
    """Place ``result``'s files, record its grades and write its state; return that state.

    Never raises for one submission: a recording problem becomes a ``failed`` state.
    """
    state = result.state
    student, assignment = state.student, state.assignment
    try:
        clear_previous_results(layout, student, assignment)
        if result.autograded:
            write_files(layout.autograded_submission_dir(student, assignment), result.autograded)
        if state.status != FAILED:
            state = _save_grades(layout, result, settings)
    except Exception as error:  # noqa: BLE001 - one submission must not stop the others
        gradebook.remove_submission(layout, student, assignment)
        state = GradingState(
            student, assignment, FAILED,
            f"internal grading error while recording: {type(error).__name__}: {error}",
            flags=list(result.state.flags),
        )
    state.seconds = result.state.seconds
    state.submission_hash = result.state.submission_hash
    state.sandboxed = result.state.sandboxed
    StateStore(layout).write(state)
    return state


def record_failure(
    layout: CourseLayout, student: str, assignment: str, reason: str, submission_hash: str = ""
) -> GradingState:
    """Record that ``student``'s ``assignment`` could not be graded on the cluster at all."""
    clear_previous_results(layout, student, assignment)
    state = GradingState(student, assignment, FAILED, reason, seconds=0.0,
                         submission_hash=submission_hash)
    StateStore(layout).write(state)
    return state


def _save_grades(
    layout: CourseLayout, result: GradedSubmission, settings: GradingSettings
) -> GradingState:
    state = result.state
    student, assignment = state.student, state.assignment
    config = nbgrader_config(layout, settings)
    with tempfile.TemporaryDirectory(prefix="nnbasics-record-") as tmp:
        # nbgrader reads "submitted" notebooks from here: the worker's executed ones, plus
        # the real submission's timestamp (late penalties) and extra files
        staged = Path(tmp) / student / assignment
        write_files(staged, result.autograded)
        stamp = layout.submission_dir(student, assignment) / "timestamp.txt"
        if stamp.exists():
            shutil.copyfile(stamp, staged / "timestamp.txt")
        config.CourseDirectory.submitted_directory = tmp
        config.Autograde.sanitize_preprocessors = []  # the worker sanitised before running
        config.Autograde.autograde_preprocessors = [
            step for step in config.Autograde.autograde_preprocessors
            if not (isinstance(step, type) and issubclass(step, Execute))
        ]
        outcome = run_converter(Autograde, config, assignment_id=assignment, student_id=student)
    if not outcome.success:
        gradebook.remove_submission(layout, student, assignment)
        lines = [line for line in outcome.text.strip().splitlines() if line.strip()]
        return GradingState(
            student, assignment, FAILED,
            f"could not record the grades: {lines[-1] if lines else 'nbgrader failed'}",
        )
    total = gradebook.submission_score(layout, student, assignment)
    if total is None or abs(total.score - (state.score or 0.0)) > _SCORE_TOLERANCE:
        gradebook.remove_submission(layout, student, assignment)
        recorded = "nothing" if total is None else f"{total.score:g}"
        return GradingState(
            student, assignment, FAILED,
            f"recorded score {recorded} differs from the worker's {state.score:g}: grade it again",
        )
    return state

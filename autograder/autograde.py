"""``autograde``: grade collected submissions, one (student, assignment) at a time.

For each submission :func:`grade_submission`

1. records "grading did not finish" (so a crash never leaves an earlier score behind),
2. clears the previous autograded notebook, feedback and gradebook grades (regrade = fresh),
3. checks that every notebook of the assignment is there and is a valid notebook
   (:mod:`autograder.submission_checks`), and which locked cells were modified (:mod:`autograder.tamper`),
4. runs nbgrader's ``Autograde`` in-process (with :class:`~autograder.execution.DeadlineExecute`),
5. records ``graded`` / ``flagged`` with the gradebook score, or ``failed`` with a reason
   (:mod:`autograder.failures`).

:func:`autograde` loops over submissions; one bad submission never stops the others, and no
exception escapes for a single submission. ``jobs=N`` runs one process per student (at most N
at a time) around the same :func:`grade_submission`; a sandboxed kernel is a kernelspec named
in ``GradingSettings.kernel_name``.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import nullcontext
from multiprocessing import get_context
from pathlib import Path

from nbgrader.converters import Autograde

from autograder import gradebook
from autograder.config import GradingSettings, nbgrader_config
from autograder.failures import KERNEL_START_FAILURE, failure_reason, timed_out_cells
from autograder.layout import CourseLayout, check_id
from autograder.nbgrader_run import run_converter
from autograder.sandbox import require_sandbox_tools, sandbox_kernel
from autograder.states import FAILED, FLAGGED, GRADED, GradingState, StateStore
from autograder.submission_checks import submission_problems
from autograder.tamper import modified_locked_cells

ProgressCallback = Callable[[GradingState], None]


def autograde(
    layout: CourseLayout,
    assignment: str | None = None,
    student: str | None = None,
    settings: GradingSettings | None = None,
    progress: ProgressCallback | None = None,
    jobs: int = 1,
) -> list[GradingState]:
    """Grade every collected submission (of ``assignment`` / ``student`` if given).

    ``jobs > 1`` grades that many students at once, one process per student (a student's
    submissions stay in one process, in order); results come back in the same order as with
    ``jobs=1``.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    if settings is not None and settings.sandbox:
        require_sandbox_tools()  # one clear error up front rather than one per submission
    if assignment is not None:
        layout.require_assignment(assignment)
    if student is not None:
        check_id("student", student)
    pairs = [
        (who, what)
        for who, what in layout.submissions(assignment)
        if student is None or who == student
    ]
    if student is not None and not pairs:
        raise LookupError(
            f"no submission from {student!r}"
            + (f" for {assignment}" if assignment else "")
            + f" under {layout.submitted_dir}; run collect first"
        )
    if jobs == 1 or len({who for who, _ in pairs}) < 2:
        states = []
        for who, what in pairs:
            state = grade_submission(layout, who, what, settings)
            states.append(state)
            if progress is not None:
                progress(state)
        return states
    return _autograde_in_parallel(layout, pairs, settings or GradingSettings(), progress, jobs)


def _grade_student(
    layout: CourseLayout, pairs: list[tuple[str, str]], settings: GradingSettings
) -> list[GradingState]:
    """Worker process: one student's submissions, in order."""
    return [grade_submission(layout, who, what, settings) for who, what in pairs]


def _autograde_in_parallel(
    layout: CourseLayout,
    pairs: list[tuple[str, str]],
    settings: GradingSettings,
    progress: ProgressCallback | None,
    jobs: int,
) -> list[GradingState]:
    # register assignments once, before workers could race to do it
    for what in sorted({what for _, what in pairs}):
        if what in layout.assignments() and not gradebook.assignment_is_registered(layout, what):
            gradebook.register_assignment(layout, what, settings)
    by_student: dict[str, list[tuple[str, str]]] = {}
    for who, what in pairs:
        by_student.setdefault(who, []).append((who, what))
    results: dict[tuple[str, str], GradingState] = {}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        futures = {
            pool.submit(_grade_student, layout, mine, settings): mine
            for mine in by_student.values()
        }
        for future in as_completed(futures):
            try:
                states = future.result()
            except Exception as error:  # noqa: BLE001 - a crashed worker fails its own students
                states = [
                    GradingState(who, what, FAILED, f"grading worker crashed: {error!r}")
                    for who, what in futures[future]
                ]
                StateStore(layout).write_all(states)
            for state in states:
                results[(state.student, state.assignment)] = state
                if progress is not None:
                    progress(state)
    return [results[pair] for pair in pairs]


def grade_submission(
    layout: CourseLayout,
    student: str,
    assignment: str,
    settings: GradingSettings | None = None,
) -> GradingState:
    """Grade one submission and record its state; never raises for a bad submission."""
    settings = settings or GradingSettings()
    store = StateStore(layout)
    store.mark_started(student, assignment)
    start = time.perf_counter()
    try:
        state = _grade(layout, student, assignment, settings)
        if state.status == FAILED:  # no partial score may linger in the gradebook
            gradebook.remove_submission(layout, student, assignment)
    except Exception as error:  # noqa: BLE001 - one submission must not stop the others
        state = GradingState(
            student, assignment, FAILED, f"internal grading error: {type(error).__name__}: {error}"
        )
    state.seconds = round(time.perf_counter() - start, 3)
    store.write(state)
    return state


def clear_previous_results(layout: CourseLayout, student: str, assignment: str) -> None:
    """Remove the submission's autograded notebooks, feedback and gradebook grades."""
    for folder in (
        layout.autograded_submission_dir(student, assignment),
        layout.feedback_submission_dir(student, assignment),
    ):
        if folder.exists():
            shutil.rmtree(folder)
    gradebook.remove_submission(layout, student, assignment)


def _grade(
    layout: CourseLayout, student: str, assignment: str, settings: GradingSettings
) -> GradingState:
    clear_previous_results(layout, student, assignment)
    if assignment not in layout.assignments():
        return GradingState(
            student, assignment, FAILED, f"unknown assignment {assignment!r} (no source notebooks)"
        )
    if not gradebook.assignment_is_registered(layout, assignment):
        gradebook.register_assignment(layout, assignment, settings)

    submitted = layout.submission_dir(student, assignment)
    notebooks = layout.notebooks(assignment)
    problems = submission_problems(submitted, notebooks)
    if problems:
        return GradingState(student, assignment, FAILED, "; ".join(problems))
    tampered = [
        f"{name}.ipynb: {cell}"
        for name in notebooks
        for cell in modified_locked_cells(
            submitted / f"{name}.ipynb", layout.release_dir / assignment / f"{name}.ipynb"
        )
    ]

    config = nbgrader_config(layout, settings)
    sandbox = sandbox_kernel(config, layout.root, settings.memory_limit_mb) if settings.sandbox else nullcontext()
    with sandbox:
        outcome = run_converter(Autograde, config, assignment_id=assignment, student_id=student)
        if not outcome.success and KERNEL_START_FAILURE in outcome.text:
            # the kernel died before running any cell, so nothing of the submission was judged: retry
            clear_previous_results(layout, student, assignment)
            outcome = run_converter(Autograde, config, assignment_id=assignment, student_id=student)
    if not outcome.success:
        return GradingState(student, assignment, FAILED, failure_reason(outcome.text, settings))
    graded_dir = layout.autograded_submission_dir(student, assignment)
    timeouts = timed_out_cells(_existing(graded_dir, notebooks))
    if timeouts:
        return GradingState(
            student,
            assignment,
            FAILED,
            f"timeout: {', '.join(timeouts)} ran longer than the per-cell limit of "
            f"{settings.cell_timeout} s (infinite loop?)",
        )
    unscored = gradebook.ungraded_test_cells(layout, student, assignment)
    total = gradebook.submission_score(layout, student, assignment)
    if unscored or total is None:
        return GradingState(
            student, assignment, FAILED, f"tests without a score: {', '.join(unscored) or 'all'}"
        )
    status, notes = GRADED, []
    if tampered:
        status = FLAGGED
        notes.append("locked cells changed (restored before grading): " + ", ".join(tampered))
    manual = gradebook.manual_grading_pending(layout, student, assignment)
    if manual:
        notes.append("awaiting manual grading: " + ", ".join(manual))
    return GradingState(student, assignment, status, "; ".join(notes), total.score, total.max_score)


def _existing(folder: Path, notebooks: list[str]) -> list[Path]:
    return [folder / f"{name}.ipynb" for name in notebooks if (folder / f"{name}.ipynb").exists()]

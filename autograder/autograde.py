"""``autograde``: grade collected submissions, one (student, assignment) at a time.

For each submission :func:`grade_submission`

1. records "grading did not finish" with the hash of the submitted files (so a crash never
   leaves an earlier score behind, and a rerun knows what to grade again),
2. clears the previous autograded notebook, feedback and gradebook grades (regrade = fresh),
3. checks that every notebook of the assignment is there and is a valid notebook
   (:mod:`autograder.submission_checks`), which locked cells were modified
   (:mod:`autograder.tamper`) and whether the student's cells rebind numpy, builtins, the test
   helpers or ``sys.modules`` (:mod:`autograder.integrity`),
4. runs nbgrader's ``Autograde`` in-process (with :class:`~autograder.execution.DeadlineExecute`),
   in the bubblewrap sandbox wherever it works (:mod:`autograder.sandbox`), with the
   assignment's time limits (:mod:`autograder.limits`),
5. records ``graded`` with the gradebook score, ``flagged`` (score withheld until an instructor
   reviews it, :mod:`autograder.review`), or ``failed`` with a reason (:mod:`autograder.failures`)
   and no score. A locked setup cell that raised (a missing package, no data) fails the
   submission as "grading environment broken", never a student's 0.

:func:`autograde` loops over submissions: it keeps the final state of a submission whose files
did not change since it was graded (resume after a crash or kill; ``regrade=True`` grades all
again), and grades the others with ``jobs`` processes (default: one per core), one student per
process at a time. One bad submission never stops the others, and no exception escapes for a
single submission.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from nbgrader.converters import Autograde

from autograder import gradebook
from autograder.config import GradingSettings, nbgrader_config
from autograder.failures import (
    broken_setup_cells,
    failure_reason,
    kernel_did_not_start,
    timed_out_cells,
)
from autograder.integrity import integrity_findings
from autograder.layout import CourseLayout, check_id
from autograder.limits import effective_settings
from autograder.nbgrader_run import run_converter
from autograder.parallel import grade_in_parallel
from autograder.preflight import environment_problems
from autograder.sandbox import resolve_sandbox, sandbox_kernel, unsandboxed_warning  # noqa: F401
from autograder.states import (
    ENVIRONMENT_BROKEN,
    FAILED,
    FLAGGED,
    GRADED,
    GradingState,
    StateStore,
    needs_grading,
)
from autograder.submission_checks import submission_fingerprint, submission_problems
from autograder.tamper import modified_locked_cells

ProgressCallback = Callable[[GradingState], None]


NoticeCallback = Callable[[str], None]
REVIEW_HINT = "score withheld until reviewed: python -m autograder review {student} {assignment} --clear|--confirm"


def default_jobs() -> int:
    """Grading processes by default: one per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _print_notice(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def autograde(
    layout: CourseLayout,
    assignment: str | None = None,
    student: str | None = None,
    settings: GradingSettings | None = None,
    progress: ProgressCallback | None = None,
    jobs: int | None = None,
    regrade: bool = False,
    notice: NoticeCallback | None = _print_notice,
    started: Callable[[int, int], None] | None = None,
) -> list[GradingState]:
    """Grade every collected submission (of ``assignment`` / ``student`` if given).

    A submission whose stored state is final and whose files are unchanged is kept unless
    ``regrade``; the others are graded and ``progress`` is called as each finishes
    (``started(to_grade, kept)`` first). ``jobs`` (default: the number of cores) students are
    graded at once, one process each (a student's submissions stay in one process, in order).
    Returns every selected submission's state in the order of ``layout.submissions``.
    """
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    settings = resolve_sandbox(settings or GradingSettings.from_environment(), notice)
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
    results: dict[tuple[str, str], GradingState] = {}
    store = StateStore(layout)
    todo = []
    for who, what in pairs:
        state = store.read(who, what)
        if needs_grading(state, submission_fingerprint(layout.submission_dir(who, what)), regrade):
            todo.append((who, what))
        else:
            results[(who, what)] = state
    broken = _environment_problems(layout, sorted({what for _, what in todo}), settings)
    for what, problem in broken.items():
        if notice is not None:
            notice(f"ERROR: {ENVIRONMENT_BROKEN}: {problem}\nThe submissions of {what} are recorded "
                   "as failed (no score, not the students' fault); fix the environment and run "
                   "autograde again.")
    if started is not None:
        started(len(todo), len(results))
    for who, what in [pair for pair in todo if pair[1] in broken]:
        clear_previous_results(layout, who, what)  # no earlier score may stand for it
        state = GradingState(who, what, FAILED, f"{ENVIRONMENT_BROKEN}: {broken[what]}",
                             submission_hash=submission_fingerprint(layout.submission_dir(who, what)),
                             sandboxed=bool(settings.sandbox))
        store.write(state)
        results[(who, what)] = state
        if progress is not None:
            progress(state)
    todo = [pair for pair in todo if pair[1] not in broken]
    if jobs == 1 or len({who for who, _ in todo}) < 2:
        for who, what in todo:
            state = grade_submission(layout, who, what, settings)
            results[(who, what)] = state
            if progress is not None:
                progress(state)
    else:
        results.update(grade_in_parallel(layout, todo, settings, progress, jobs))
    return [results[pair] for pair in pairs]


def _environment_problems(layout: CourseLayout, assignments: list[str],
                          settings: GradingSettings) -> dict[str, str]:
    """:func:`autograder.preflight.environment_problems`; a preflight that itself fails must not
    stop grading (each submission then finds a broken environment on its own)."""
    if not assignments:
        return {}
    try:
        return environment_problems(layout, assignments, settings)
    except Exception:  # noqa: BLE001
        return {}


def grade_submission(
    layout: CourseLayout,
    student: str,
    assignment: str,
    settings: GradingSettings | None = None,
) -> GradingState:
    """Grade one submission and record its state; never raises for a bad submission.

    ``settings.sandbox`` None (the default) means: in the sandbox if it works here (probed once
    per process). The assignment's derived time limits apply unless ``settings`` chose limits.
    """
    store = StateStore(layout)
    fingerprint = submission_fingerprint(layout.submission_dir(student, assignment))
    store.mark_started(student, assignment, fingerprint)
    start = time.perf_counter()
    sandboxed = None
    try:
        settings = resolve_sandbox(settings or GradingSettings(), notice=None)
        sandboxed = bool(settings.sandbox)
        settings = effective_settings(layout, assignment, settings)
        state = _grade(layout, student, assignment, settings)
        if state.status == FAILED:  # no partial score may linger in the gradebook
            gradebook.remove_submission(layout, student, assignment)
    except Exception as error:  # noqa: BLE001 - one submission must not stop the others
        state = GradingState(
            student, assignment, FAILED, f"internal grading error: {type(error).__name__}: {error}"
        )
    state.seconds = round(time.perf_counter() - start, 3)
    state.submission_hash = fingerprint
    state.sandboxed = sandboxed
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
    flags = integrity_findings(submitted, notebooks)
    if tampered:
        flags.append("locked cells changed (restored before grading): " + ", ".join(tampered))

    config = nbgrader_config(layout, settings)
    sandbox = (
        sandbox_kernel(config, layout.root, settings.memory_limit_mb, settings.process_limit,
                       layout.autograded_submission_dir(student, assignment))
        if settings.sandbox else nullcontext()
    )
    with sandbox:
        outcome = run_converter(Autograde, config, assignment_id=assignment, student_id=student)
        if not outcome.success and kernel_did_not_start(outcome.text):
            # the kernel died before running any cell, so nothing of the submission was judged: retry
            clear_previous_results(layout, student, assignment)
            outcome = run_converter(Autograde, config, assignment_id=assignment, student_id=student)
    if not outcome.success:
        return _failed(student, assignment, failure_reason(outcome.text, settings), flags)
    graded = _existing(layout.autograded_submission_dir(student, assignment), notebooks)
    broken = broken_setup_cells(graded)
    if broken:
        return GradingState(
            student, assignment, FAILED,
            f"{ENVIRONMENT_BROKEN}: {'; '.join(broken)} (a locked set-up cell, before any student "
            "code: fix the grading environment, then run autograde again)",
        )
    timeouts = timed_out_cells(graded)
    if timeouts:
        return _failed(
            student, assignment,
            f"timeout: {', '.join(timeouts)} ran longer than the per-cell limit of "
            f"{settings.cell_timeout} s (infinite loop?)",
            flags,
        )
    unscored = gradebook.ungraded_test_cells(layout, student, assignment)
    total = gradebook.submission_score(layout, student, assignment)
    if unscored or total is None:
        return _failed(student, assignment, f"tests without a score: {', '.join(unscored) or 'all'}", flags)
    status, notes = GRADED, []
    if flags:
        status = FLAGGED
        notes += [*flags, REVIEW_HINT.format(student=student, assignment=assignment)]
    manual = gradebook.manual_grading_pending(layout, student, assignment)
    if manual:
        notes.append("awaiting manual grading: " + ", ".join(manual))
    return GradingState(student, assignment, status, "; ".join(notes), total.score, total.max_score,
                        flags=flags)


def _failed(student: str, assignment: str, reason: str, flags: list[str]) -> GradingState:
    """A failed state; integrity findings are kept in the reason and in ``flags``."""
    if flags:
        reason = f"{reason}; also: {'; '.join(flags)}"
    return GradingState(student, assignment, FAILED, reason, flags=flags)


def _existing(folder: Path, notebooks: list[str]) -> list[Path]:
    return [folder / f"{name}.ipynb" for name in notebooks if (folder / f"{name}.ipynb").exists()]

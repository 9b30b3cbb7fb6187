"""Grading several students at once: one process per student (at most ``jobs`` at a time).

nbgrader cannot autograde one student in two processes at once, so a student's submissions stay
together, in order, in one worker. Workers are spawned (not forked) and die with the grading run
(``PR_SET_PDEATHSIG``): after ``kill -9`` of the run no grader is left behind to race the rerun.
A worker that crashes fails its own students' submissions, never the others'.
"""

from __future__ import annotations

import ctypes
import os
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context

from autograder import gradebook
from autograder.config import GradingSettings
from autograder.layout import CourseLayout
from autograder.states import FAILED, GradingState, StateStore

ProgressCallback = Callable[[GradingState], None]


def _die_with_parent() -> None:
    """Worker initializer: the kernel kills this worker when the grading run is killed, so a
    rerun never races a grader left behind (Linux prctl PR_SET_PDEATHSIG)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)
    from autograder.sandbox import BLAS_THREAD_VARIABLES

    for name in BLAS_THREAD_VARIABLES:  # one kernel per core: one BLAS thread per kernel
        os.environ.setdefault(name, "1")


def _grade_student(
    layout: CourseLayout, pairs: list[tuple[str, str]], settings: GradingSettings
) -> list[GradingState]:
    """Worker process: one student's submissions, in order."""
    from autograder.autograde import grade_submission

    return [grade_submission(layout, who, what, settings) for who, what in pairs]


def grade_in_parallel(
    layout: CourseLayout,
    pairs: list[tuple[str, str]],
    settings: GradingSettings,
    progress: ProgressCallback | None,
    jobs: int,
) -> dict[tuple[str, str], GradingState]:
    """Grade ``pairs`` (student, assignment) in up to ``jobs`` worker processes; ``progress`` is
    called in this process as each student's submissions finish."""
    # register assignments once, before workers could race to do it; a failure here is recorded
    # by each of the assignment's submissions (their worker tries again), it never stops the run
    for what in sorted({what for _, what in pairs}):
        try:
            if what in layout.assignments() and not gradebook.assignment_is_registered(layout, what):
                gradebook.register_assignment(layout, what, settings)
        except Exception:  # noqa: BLE001, S112
            continue
    by_student: dict[str, list[tuple[str, str]]] = {}
    for who, what in pairs:
        by_student.setdefault(who, []).append((who, what))
    results: dict[tuple[str, str], GradingState] = {}
    workers = min(jobs, len(by_student))
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                             initializer=_die_with_parent) as pool:
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
    return results

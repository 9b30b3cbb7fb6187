"""Who records the cluster's results: the coordinator itself, or a few recorder processes.

Recording (:func:`autograder.cluster_record.record_result`) costs about 0.1-0.2 s of CPU per
submission. nbgrader opens the gradebook several times per submission; a :class:`Recorder` lets
those share one SQLAlchemy engine per process (:mod:`autograder.gradebook_engines`: the queries
are compiled once, not per result). For thousands of submissions it can spread the work over a
few processes of the coordinator (PostgreSQL takes concurrent writers; each submission is still
recorded once, by one process).
"""

from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_for
from contextlib import ExitStack
from multiprocessing import get_context

from autograder.bundle import GradedSubmission
from autograder.cluster_record import record_failure, record_result
from autograder.config import GradingSettings
from autograder.gradebook_engines import enable_for_process, shared_engines
from autograder.layout import CourseLayout
from autograder.states import GradingState


class Recorder:
    """Records results in this process (``processes=1``) or in a pool of that many processes;
    :meth:`collect` returns the states recorded since its last call. Each recording process
    reuses its gradebook engines (:func:`~autograder.gradebook_engines.shared_engines`) until
    :meth:`close`."""

    def __init__(self, layout: CourseLayout, settings: GradingSettings, processes: int = 1) -> None:
        self.layout, self.settings = layout, settings
        self.pool = (ProcessPoolExecutor(processes, mp_context=get_context("spawn"),
                                         initializer=enable_for_process)
                     if processes > 1 else None)
        self._resources = ExitStack()  # this process's shared engines, when it records itself
        if self.pool is None:
            self._resources.enter_context(shared_engines())
        self.pending: dict[Future, GradingState] = {}
        self.done: list[GradingState] = []

    def record(self, result: GradedSubmission) -> None:
        """Record a worker's result (see :func:`record_result`)."""
        if self.pool is None:
            self.done.append(record_result(self.layout, result, self.settings))
        else:
            self.pending[self.pool.submit(record_result, self.layout, result, self.settings)] = result.state

    def fail(self, student: str, assignment: str, reason: str, submission_hash: str) -> None:
        """Record a submission the cluster could not grade (see :func:`record_failure`)."""
        self.done.append(record_failure(self.layout, student, assignment, reason, submission_hash))

    def collect(self, wait: bool = False) -> list[GradingState]:
        """States recorded since the last call (``wait``: after every pending one finished)."""
        if wait and self.pending:
            wait_for(list(self.pending))
        for future in [f for f in self.pending if f.done()]:
            worker_state = self.pending.pop(future)
            try:
                self.done.append(future.result())
            except Exception as error:  # noqa: BLE001 - a recorder process died
                self.fail(worker_state.student, worker_state.assignment,
                          f"grading worker crashed while recording: {type(error).__name__}: {error}",
                          worker_state.submission_hash)
        states, self.done = self.done, []
        return states

    def close(self) -> None:
        """Wait for the recorder processes, or release this process's shared engines."""
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        self._resources.close()


def default_recorders(layout: CourseLayout, cores: int) -> int:
    """One recorder for a sqlite gradebook (one writer at a time), up to 4 for PostgreSQL."""
    return 1 if layout.db_url.startswith("sqlite") else max(1, min(4, cores))

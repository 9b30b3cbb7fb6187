"""``autograde --cluster``: grade on the workers of a Dask cluster, record here.

The coordinator (this process) reads each submission into a
:class:`~autograder.bundle.SubmissionBundle` and submits one Dask task per submission
(:func:`autograder.cluster_worker.grade_bundle`); an assignment's notebooks travel to each worker
once (:mod:`autograder.cluster_tasks`). Workers only execute, in private temporary
courses; they need no shared file system and no access to the course. As each result arrives,
the coordinator alone writes the course: autograded notebooks, gradebook grades (sqlite or
PostgreSQL, see :mod:`autograder.cluster_record`) and the state.

``address`` is ``tcp://HOST:PORT`` (a running ``dask scheduler``) or ``local:N`` (a
``LocalCluster`` of N single-threaded worker processes on 127.0.0.1, closed afterwards).

Faults:

- a worker dies mid-submission: the scheduler reruns the task on another worker (the task is
  idempotent, and the coordinator records each submission once); a submission whose task kills
  :data:`ALLOWED_FAILURES` workers is recorded as failed with that reason;
- the scheduler goes away: :class:`ClusterLostError` says what is done and how to go on.
  Submissions not recorded yet keep the state "grading did not finish"; rerunning the command
  grades only those (the resume rule of :func:`autograder.states.needs_grading`).
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from autograder import gradebook
from autograder.cluster_tasks import (
    ALLOWED_FAILURES,
    ClusterError,
    ClusterLostError,
    ProgressCallback,
    grade_all,
)
from autograder.config import GradingSettings
from autograder.layout import CourseLayout, check_id
from autograder.limits import effective_settings
from autograder.states import GradingState, StateStore, needs_grading
from autograder.submission_checks import submission_fingerprint

__all__ = ["ClusterError", "ClusterLostError", "autograde_on_cluster", "cluster_client",
           "parse_cluster_address"]


@dataclass
class ClusterConnection:
    """A connected Dask client and what to tell the user about it."""

    client: object  # distributed.Client
    description: str
    dashboard: str | None  # URL, or None when the scheduler serves none


def parse_cluster_address(address: str) -> tuple[str, int | str]:
    """``("local", N)`` for ``local:N``, ``("remote", address)`` for ``tcp://HOST:PORT``."""
    if address.startswith("local:"):
        count = address.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f"--cluster local:N needs a positive worker count, got {address!r}")
        return "local", int(count)
    if address.startswith(("tcp://", "tls://")) and ":" in address.split("://", 1)[1]:
        return "remote", address
    raise ValueError(
        f"--cluster expects tcp://HOST:PORT (a running `dask scheduler`) or local:N "
        f"(N local worker processes), got {address!r}"
    )


@contextmanager
def cluster_client(address: str, connect_timeout: float = 30) -> Iterator[ClusterConnection]:
    """Connect to the cluster named by ``address`` (see :func:`parse_cluster_address`)."""
    import dask
    from distributed import Client, LocalCluster

    kind, where = parse_cluster_address(address)
    with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES - 1}):
        if kind == "local":
            cluster = LocalCluster(
                n_workers=where, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address="127.0.0.1:0",  # loopback, a free port
                silence_logs=logging.ERROR,  # no shutdown chatter between the progress lines
            )
            try:
                with Client(cluster) as client:
                    yield ClusterConnection(
                        client, f"local cluster of {where} worker process(es)", _dashboard(client)
                    )
            finally:
                cluster.close()
            return
        try:
            client = Client(where, timeout=connect_timeout)
        except (OSError, TimeoutError) as error:
            raise ClusterError(
                f"cannot reach the Dask scheduler at {where}: {error}; start one with "
                f"`dask scheduler` and workers with `dask worker {where} --nthreads 1`"
            ) from error
        try:
            yield ClusterConnection(client, f"Dask scheduler {where}", _dashboard(client))
        finally:
            client.close()


def _dashboard(client) -> str | None:
    """The dashboard's URL, or None: the scheduler's web server has the dashboard's pages only
    where bokeh is installed (it then still answers /health and /metrics)."""
    if "dashboard" not in client.scheduler_info().get("services", {}):
        return None
    return client.dashboard_link if client.run_on_scheduler(_has_bokeh) else None


def _has_bokeh() -> bool:
    return importlib.util.find_spec("bokeh") is not None


def autograde_on_cluster(
    layout: CourseLayout,
    address: str,
    assignment: str | None = None,
    student: str | None = None,
    settings: GradingSettings | None = None,
    progress: ProgressCallback | None = None,
    regrade: bool = False,
    notice: Callable[[str], None] | None = None,
    started: Callable[[int, int], None] | None = None,
    connect_timeout: float = 30,
) -> list[GradingState]:
    """Grade the selected submissions on the cluster at ``address``; return every selected
    submission's state in the order of :meth:`CourseLayout.submissions`, like
    :func:`autograder.autograde.autograde` (same resume rule, same callbacks).

    Raises :class:`ClusterLostError` when the scheduler goes away; what was recorded stays.
    """
    from autograder.autograde import resolve_sandbox

    say = notice or (lambda text: None)
    settings = settings or GradingSettings.from_environment()
    if parse_cluster_address(address)[0] == "local":  # the workers run here: probe here
        settings = resolve_sandbox(settings, say)
    pairs = select_submissions(layout, assignment, student)
    with cluster_client(address, connect_timeout) as connection:
        _warm_up(connection.client)  # the workers import the grader while we prepare
        results, todo = _prepare(layout, pairs, settings, regrade)
        say(f"grading {len(todo)} submission(s) on the {connection.description}")
        say(f"Dask dashboard: {connection.dashboard}" if connection.dashboard else
            "Dask dashboard: unavailable (bokeh is not installed where the scheduler runs; "
            "`pip install bokeh` there to get one)")
        threaded = [w for w, info in connection.client.scheduler_info().get("workers", {}).items()
                    if info.get("nthreads", 1) > 1]
        if threaded:
            say(f"warning: {len(threaded)} worker(s) run several threads; grading sets per-process "
                "state (the sandbox's kernelspec), so start workers with --nthreads 1")
        if started is not None:
            started(len(todo), len(results))
        settings_for = lambda what: assignment_settings(layout, what, settings)  # noqa: E731
        for state in grade_all(layout, connection.client, todo, settings, settings_for, progress):
            results[(state.student, state.assignment)] = state
    return [results[pair] for pair in pairs]


def _warm_up(client) -> None:
    """Let every worker import the grading code now, while the coordinator prepares, rather
    than with its first submission: one small task per worker, not waited for."""
    from distributed import fire_and_forget

    from autograder.cluster_worker import warm_up

    for worker in client.scheduler_info().get("workers", {}):
        fire_and_forget(client.submit(warm_up, workers=[worker], allow_other_workers=True,
                                      pure=False))


def _prepare(layout: CourseLayout, pairs: list[tuple[str, str]], settings: GradingSettings,
             regrade: bool) -> tuple[dict[tuple[str, str], GradingState], list[tuple[str, str, str]]]:
    """States of the submissions to keep, and (student, assignment, fingerprint) of those to
    grade; registers their assignments in the gradebook once, before any result arrives."""
    store = StateStore(layout)
    results: dict[tuple[str, str], GradingState] = {}
    todo: list[tuple[str, str, str]] = []
    for who, what in pairs:
        state = store.read(who, what)
        fingerprint = submission_fingerprint(layout.submission_dir(who, what))
        if needs_grading(state, fingerprint, regrade):
            todo.append((who, what, fingerprint))
        else:
            results[(who, what)] = state
    for what in sorted({what for _, what, _ in todo} & set(layout.assignments())):
        if not gradebook.assignment_is_registered(layout, what):
            gradebook.register_assignment(layout, what, settings)
    return results, todo


def assignment_settings(layout: CourseLayout, assignment: str, settings: GradingSettings) -> GradingSettings:
    """The settings a worker grades ``assignment`` with: the course's derived time limits
    (``autograder/limits/``, which a worker cannot read) resolved here, once."""
    return replace(effective_settings(layout, assignment, settings), derive_limits=False)


def select_submissions(
    layout: CourseLayout, assignment: str | None, student: str | None
) -> list[tuple[str, str]]:
    """The (student, assignment) pairs to grade, with the same checks as a local run."""
    if assignment is not None:
        layout.require_assignment(assignment)
    if student is not None:
        check_id("student", student)
    pairs = [pair for pair in layout.submissions(assignment) if student in (None, pair[0])]
    if student is not None and not pairs:
        raise LookupError(
            f"no submission from {student!r}" + (f" for {assignment}" if assignment else "")
            + f" under {layout.submitted_dir}; run collect first"
        )
    return pairs

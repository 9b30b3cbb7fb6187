"""The coordinator's loop of ``autograde --cluster``: submit the tasks, record the results.

Per assignment one small task (:func:`autograder.cluster_worker.pass_files`) holds its source and
release notebooks; each worker receives them once, from a peer, with its first submission of the
assignment, and keeps them. Per submission one task (:func:`autograder.cluster_worker.grade_bundle`)
carries only the submitted bytes and depends on its assignment's task. The largest submissions
are submitted first (Dask runs tasks in submission order), so a long one does not end the run
alone. Results are recorded as they arrive, each submission exactly once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from autograder.bundle import AssignmentFiles, SubmissionBundle, assignment_files, bundle_submission
from autograder.cluster_recorder import Recorder, default_recorders
from autograder.config import GradingSettings
from autograder.layout import CourseLayout
from autograder.states import GradingState, StateStore

ProgressCallback = Callable[[GradingState], None]
SettingsFor = Callable[[str], GradingSettings]  # assignment -> the settings a worker grades with
ALLOWED_FAILURES = 3  # workers a single submission may kill before it counts as failed


class ClusterError(RuntimeError):
    """The cluster could not be reached or used."""


class ClusterLostError(ClusterError):
    """The scheduler went away during a run; what was recorded stays recorded."""


def grade_all(
    layout: CourseLayout, client, todo: list[tuple[str, str, str]], settings: GradingSettings,
    settings_for: SettingsFor, progress: ProgressCallback | None,
) -> Iterator[GradingState]:
    """Submit ``todo`` (student, assignment, fingerprint); record and yield each state as its
    result arrives. Raises :class:`ClusterLostError` when the scheduler goes away."""
    from distributed import as_completed
    from distributed.client import FutureCancelledError

    # the assignment files' futures (``shared``) are held until the generator ends, so Dask
    # keeps their results on the workers while any grading task may still need them
    futures, shared = _submit(layout, client, todo, settings_for)
    recorder = Recorder(layout, settings, default_recorders(layout, os.cpu_count() or 1))
    received: set[tuple[str, str]] = set()
    lost, recorded = False, 0
    try:
        for future in as_completed(futures):
            who, what, fingerprint = futures[future]
            if (who, what) in received:  # never twice, whatever the scheduler reports
                continue
            try:
                if future.status == "cancelled":
                    raise FutureCancelledError(future.key, "cancelled")
                result = future.result()
            except FutureCancelledError:
                lost = True  # the client cancels every future when the scheduler goes away
                break
            except Exception as error:  # noqa: BLE001 - KilledWorker or a worker-side error
                recorder.fail(who, what, _task_failure(error), fingerprint)
            else:
                result.state.submission_hash = fingerprint
                recorder.record(result)
            received.add((who, what))
            for state in recorder.collect():
                recorded += 1
                _show(progress, state)
                yield state
        for state in recorder.collect(wait=True):
            recorded += 1
            _show(progress, state)
            yield state
    finally:
        recorder.close()
        shared.clear()
    if lost:
        raise ClusterLostError(_lost_message(recorded, len(todo)))


def _submit(layout: CourseLayout, client, todo, settings_for: SettingsFor) -> tuple[dict, dict]:
    """Mark each submission started, pack it, and submit the tasks, largest first; return the
    grading futures (-> their todo entry) and the assignment files' futures."""
    from autograder.cluster_worker import grade_bundle, pass_files

    store = StateStore(layout)
    settings: dict[str, GradingSettings] = {}  # per assignment, resolved once (limits, load)
    files: dict[str, AssignmentFiles] = {}
    packed: list[tuple[SubmissionBundle, tuple[str, str, str]]] = []
    for who, what, fingerprint in todo:
        store.mark_started(who, what, fingerprint)
        if what not in files:
            settings[what] = settings_for(what)
            files[what] = assignment_files(layout, what, settings[what])
        packed.append((bundle_submission(layout, who, files[what], settings[what]),
                       (who, what, fingerprint)))
    shared = {what: client.submit(pass_files, one, key=f"assignment-{what}-{one.digest}", pure=False)
              for what, one in files.items()}
    packed.sort(key=lambda item: -sum(len(content) for content in item[0].submitted.values()))
    futures = {
        client.submit(grade_bundle, bundle, shared[bundle.assignment], key=bundle.key,
                      retries=1, pure=False): task
        for bundle, task in packed
    }
    return futures, shared


def _show(progress: ProgressCallback | None, state: GradingState) -> None:
    if progress is not None:
        progress(state)


def _task_failure(error: Exception) -> str:
    if type(error).__name__ == "KilledWorker":
        return (
            f"grading worker crashed {ALLOWED_FAILURES} times on this submission (the grader "
            "itself died, e.g. out of memory; a rerun tries again): look at it by hand"
        )
    return f"cluster task failed: {type(error).__name__}: {error}"


def _lost_message(done: int, total: int) -> str:
    return (
        f"lost the connection to the Dask scheduler after recording {done} of {total} "
        "submission(s); their grades are kept. Start the scheduler again and rerun the same "
        "command: it grades only the rest."
    )

"""The task a Dask worker runs: grade one submission in a private, throw-away course.

:func:`grade_bundle` needs no access to the real course and writes nothing there. From the
bytes of a :class:`~autograder.bundle.SubmissionBundle` and of its assignment's
:class:`~autograder.bundle.AssignmentFiles` it builds a temporary course (source, release, the
one submission) with its own sqlite gradebook, runs the same
:func:`autograder.autograde.grade_submission` as a local run (sandboxed and limited as the
settings say), and returns the state and the autograded files. The temporary course is then
deleted, so running the task twice (Dask reruns the tasks of a worker that died) gives the same
answer and leaves no trace: the task is idempotent.

Registering an assignment in a fresh gradebook costs about a second, so each worker process
keeps one registered gradebook per assignment version (:attr:`AssignmentFiles.digest`) and
copies it into every private course.
"""

from __future__ import annotations

import atexit
import os
import resource
import shutil
import socket
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.bundle import (
    AssignmentFiles,
    GradedSubmission,
    SubmissionBundle,
    read_files,
    write_files,
)
from autograder.config import GradingSettings
from autograder.layout import CourseLayout

_TEMPLATE_LOCK = threading.Lock()
_TEMPLATES: dict[str, Path] = {}  # assignment digest -> a registered private course (this process)


@dataclass(frozen=True)
class PrivateCourseLayout(CourseLayout):
    """A course whose gradebook is always its own sqlite file, whatever
    ``NNBASICS_GRADEBOOK_URL`` says (a worker must never write the real gradebook)."""

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.gradebook_path}"


def grade_bundle(bundle: SubmissionBundle, files: AssignmentFiles) -> GradedSubmission:
    """Grade ``bundle`` with its assignment's ``files`` in a private temporary course and
    return what the coordinator records."""
    from autograder.autograde import grade_submission

    if files.digest != bundle.assignment_digest or files.assignment != bundle.assignment:
        raise ValueError(
            f"{bundle.key} was packed for assignment files {bundle.assignment_digest}, "
            f"got {files.assignment} {files.digest}: pack the bundle with these files"
        )
    started, cpu_start = time.time(), _cpu_seconds()
    template = _registered_template(files, bundle.settings)
    with tempfile.TemporaryDirectory(prefix="nnbasics-worker-") as tmp:
        layout = PrivateCourseLayout(Path(tmp) / "course")
        shutil.copytree(template, layout.root)
        write_files(layout.submission_dir(bundle.student, bundle.assignment), bundle.submitted)
        state = grade_submission(layout, bundle.student, bundle.assignment, bundle.settings)
        autograded = read_files(layout.autograded_submission_dir(bundle.student, bundle.assignment))
    return GradedSubmission(
        state=state,
        autograded=autograded,
        worker=_worker_name(),
        started=started,
        finished=time.time(),
        cpu_seconds=round(_cpu_seconds() - cpu_start, 3),
    )


def _registered_template(files: AssignmentFiles, settings: GradingSettings) -> Path:
    """A private course holding ``files``'s assignment, registered in its own gradebook."""
    from autograder import gradebook

    digest = files.digest
    with _TEMPLATE_LOCK:
        known = _TEMPLATES.get(digest)
        if known is not None and known.is_dir():
            return known
        root = Path(tempfile.mkdtemp(prefix=f"nnbasics-template-{digest}-")) / "course"
        layout = PrivateCourseLayout(root)
        write_files(layout.solutions_dir / files.assignment, files.source)
        write_files(layout.release_dir / files.assignment, files.release)
        gradebook.register_assignment(layout, files.assignment, settings)
        _TEMPLATES[digest] = root
        return root


def warm_up() -> None:
    """Import the grading code (nbgrader, nbclient, ...) in this worker process ahead of its
    first task (the coordinator runs it on every worker when it connects)."""
    import autograder.autograde  # noqa: F401


def pass_files(files: AssignmentFiles) -> AssignmentFiles:
    """The Dask task whose result is an assignment's files: computed once, then copied to each
    worker that grades the assignment (and recomputed from the scheduler's copy if lost)."""
    return files


def forget_templates() -> None:
    """Delete this process's registered templates (tests, and a worker's teardown)."""
    with _TEMPLATE_LOCK:
        for root in _TEMPLATES.values():
            shutil.rmtree(root.parent, ignore_errors=True)
        _TEMPLATES.clear()


atexit.register(forget_templates)


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):  # not inside a Dask worker
        return f"{socket.gethostname()}:{os.getpid()}"


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the notebook kernels)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

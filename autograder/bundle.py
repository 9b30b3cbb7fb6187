"""What travels between the grading coordinator and a cluster worker: bytes, never paths.

A worker of a Dask cluster may run on another machine with no access to the course folder.
The coordinator therefore sends bytes: an assignment's source (instructor) and release
(student) notebooks once per worker (:class:`AssignmentFiles`), and per submission a
:class:`SubmissionBundle` with the submitted files and the grading settings. The worker answers
with a :class:`GradedSubmission`: the grading state, the autograded files (executed notebooks)
and where and when it ran. All are plain dataclasses of bytes and strings, so Dask pickles them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from autograder.config import GradingSettings
from autograder.layout import CourseLayout
from autograder.states import GradingState

Files = dict[str, bytes]  # relative POSIX path -> content


_ARRIVALS: dict[str, int] = {}  # assignment digest -> AssignmentFiles unpickled in this process


@dataclass(frozen=True)
class AssignmentFiles:
    """An assignment's source (instructor) and release (student) notebooks.

    The coordinator sends them to each worker once, as the result of one small Dask task that
    every grading task of the assignment depends on (the worker keeps it in memory); a grading
    task itself carries only the submission's bytes.
    """

    assignment: str
    course_id: str
    source: Files
    release: Files

    @cached_property
    def digest(self) -> str:
        """Hash of the files and the course id (which shapes the gradebook): workers reuse one
        registered gradebook per digest."""
        digest = hashlib.sha256(repr(self.course_id).encode())
        for label, files in (("source", self.source), ("release", self.release)):
            for name in sorted(files):
                digest.update(f"{label}/{name}\0".encode())
                digest.update(files[name])
        return digest.hexdigest()[:16]

    def __setstate__(self, state: dict) -> None:
        """Unpickling: count the arrival (how often this process received these files)."""
        self.__dict__.update(state)
        _ARRIVALS[self.digest] = _ARRIVALS.get(self.digest, 0) + 1


def assignment_arrivals() -> dict[str, int]:
    """digest -> how many times this process unpickled that assignment's files (tests run it
    on each worker: once per worker, however many submissions it graded)."""
    return dict(_ARRIVALS)


@dataclass(frozen=True)
class SubmissionBundle:
    """One submission: what a grading task carries besides its assignment's files."""

    student: str
    assignment: str
    settings: GradingSettings
    submitted: Files
    assignment_digest: str  # AssignmentFiles.digest of the files to grade it with

    @property
    def key(self) -> str:
        """A Dask task key unique to this submission's content: the same bytes give the same
        key (a resubmitted task is recognised), a changed submission a new one."""
        digest = hashlib.sha256(self.assignment_digest.encode())
        for name in sorted(self.submitted):
            digest.update(f"{name}\0".encode())
            digest.update(self.submitted[name])
        return f"grade-{self.student}-{self.assignment}-{digest.hexdigest()[:12]}"


@dataclass
class GradedSubmission:
    """A worker's answer: the state it computed and the autograded folder's files."""

    state: GradingState
    autograded: Files
    worker: str = ""
    started: float = 0.0  # time.time() on the worker
    finished: float = 0.0
    cpu_seconds: float = 0.0  # worker process + its kernels
    notes: list[str] = field(default_factory=list)


def read_files(folder: Path) -> Files:
    """Every file below ``folder`` (recursively) by relative POSIX path; empty if absent."""
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def write_files(folder: Path, files: Files) -> list[Path]:
    """Write ``files`` below ``folder`` (created); refuse paths that would leave it."""
    folder = folder.resolve()
    written = []
    for name, content in files.items():
        path = (folder / name).resolve()
        if folder not in path.parents:
            raise ValueError(f"refusing to write {name!r}: it points outside {folder}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written


def assignment_files(layout: CourseLayout, assignment: str, settings: GradingSettings) -> AssignmentFiles:
    """Read ``assignment``'s source and release notebooks from the course."""
    return AssignmentFiles(
        assignment=assignment,
        course_id=settings.course_id,
        source=read_files(layout.solutions_dir / assignment),
        release=read_files(layout.release_dir / assignment),
    )


def bundle_submission(
    layout: CourseLayout, student: str, files: AssignmentFiles, settings: GradingSettings
) -> SubmissionBundle:
    """Pack the submission of ``student`` for ``files.assignment`` (graded with ``files``)."""
    return SubmissionBundle(
        student=student,
        assignment=files.assignment,
        settings=settings,
        submitted=read_files(layout.submission_dir(student, files.assignment)),
        assignment_digest=files.digest,
    )

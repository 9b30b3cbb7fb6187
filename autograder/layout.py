"""Where the course's nbgrader directories live, relative to one root (the repository).

nbgrader's ``CourseDirectory`` builds every path as ``<root>/<step>/<student>/<assignment>``;
this repository maps the steps to its own folders:

=============  ===========================================================
source         ``solutions/<assignment>/<notebook>.ipynb`` (instructor versions)
release        ``course/exercises/<assignment>/<notebook>.ipynb`` (student versions)
submitted      ``autograder/submitted/<student>/<assignment>/<notebook>.ipynb``
autograded     ``autograder/autograded/<student>/<assignment>/...``
feedback       ``autograder/feedback/<student>/<assignment>/<notebook>.html``
gradebook      ``autograder/gradebook.db``, or the URL in ``NNBASICS_GRADEBOOK_URL`` (e.g. PostgreSQL)
states         ``autograder/states/<student>/<assignment>.json`` (see :mod:`autograder.states`)
reports        ``autograder/reports/`` (CSV and histogram)
exchange       ``autograder/exchange/``, or ``NNBASICS_EXCHANGE`` (nbgrader's file exchange; a class on
               JupyterHub shares one such as ``/srv/nbgrader/exchange``)
=============  ===========================================================

Tests build the same layout under a temporary root.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

SOURCE_DIR = "solutions"
RELEASE_DIR = "course/exercises"
AUTOGRADER_DIR = "autograder"

_ID_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@-]*$")


class LayoutError(ValueError):
    """A path or name of the course layout is missing or malformed."""


def check_id(kind: str, value: str) -> str:
    """Return ``value`` if it is a safe student/assignment/notebook name, else raise LayoutError.

    Names become directory names and nbgrader exchange keys: letters, digits, ``_ . @ -``,
    not starting with a dot (so no ``..``, no ``/``, no nbgrader's ``+`` separator).
    """
    if not isinstance(value, str) or not _ID_PATTERN.match(value):
        raise LayoutError(
            f"invalid {kind} name {value!r}: use letters, digits and _ . @ - "
            "(no spaces, slashes or '+', not starting with a dot)"
        )
    return value


@dataclass(frozen=True)
class CourseLayout:
    """Every directory the pipeline reads or writes, derived from the course ``root``."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root).resolve())

    # nbgrader steps, relative to root (what CourseDirectory wants) -------------------------
    source_step: str = SOURCE_DIR
    release_step: str = RELEASE_DIR
    submitted_step: str = f"{AUTOGRADER_DIR}/submitted"
    autograded_step: str = f"{AUTOGRADER_DIR}/autograded"
    feedback_step: str = f"{AUTOGRADER_DIR}/feedback"

    # absolute paths ------------------------------------------------------------------------
    @property
    def solutions_dir(self) -> Path:
        return self.root / self.source_step

    @property
    def release_dir(self) -> Path:
        return self.root / self.release_step

    @property
    def work_dir(self) -> Path:
        """``autograder/``: the instructor's working area (gitignored outputs)."""
        return self.root / AUTOGRADER_DIR

    @property
    def submitted_dir(self) -> Path:
        return self.root / self.submitted_step

    @property
    def autograded_dir(self) -> Path:
        return self.root / self.autograded_step

    @property
    def feedback_dir(self) -> Path:
        return self.root / self.feedback_step

    @property
    def states_dir(self) -> Path:
        return self.work_dir / "states"

    @property
    def reports_dir(self) -> Path:
        return self.work_dir / "reports"

    @property
    def exchange_dir(self) -> Path:
        """nbgrader's exchange: ``NNBASICS_EXCHANGE`` if set, else ``autograder/exchange``."""
        configured = os.environ.get("NNBASICS_EXCHANGE", "").strip()
        return Path(configured) if configured else self.work_dir / "exchange"

    @property
    def gradebook_path(self) -> Path:
        return self.work_dir / "gradebook.db"

    @property
    def db_url(self) -> str:
        """SQLAlchemy URL of the gradebook: ``NNBASICS_GRADEBOOK_URL`` if set (e.g.
        ``postgresql+psycopg://user:pw@host:5432/gradebook``), else sqlite at :attr:`gradebook_path`."""
        configured = os.environ.get("NNBASICS_GRADEBOOK_URL", "").strip()
        return configured or f"sqlite:///{self.gradebook_path}"

    # per-submission paths ------------------------------------------------------------------
    def submission_dir(self, student: str, assignment: str) -> Path:
        return self.submitted_dir / check_id("student", student) / check_id("assignment", assignment)

    def autograded_submission_dir(self, student: str, assignment: str) -> Path:
        return self.autograded_dir / student / assignment

    def feedback_submission_dir(self, student: str, assignment: str) -> Path:
        return self.feedback_dir / student / assignment

    # discovery -----------------------------------------------------------------------------
    def assignments(self) -> list[str]:
        """Assignments that have a source folder with at least one notebook, sorted."""
        if not self.solutions_dir.is_dir():
            return []
        return sorted(
            path.name
            for path in self.solutions_dir.iterdir()
            if path.is_dir() and any(path.glob("*.ipynb")) and not path.name.startswith(".")
        )

    def require_assignment(self, assignment: str) -> str:
        """Return ``assignment`` if its source exists, else raise LayoutError naming the known ones."""
        check_id("assignment", assignment)
        if assignment not in self.assignments():
            known = ", ".join(self.assignments()) or "none"
            raise LayoutError(
                f"unknown assignment {assignment!r}: no notebooks in "
                f"{self.solutions_dir / assignment} (known assignments: {known})"
            )
        return assignment

    def notebooks(self, assignment: str) -> list[str]:
        """Notebook names (without ``.ipynb``) of an assignment's source, sorted."""
        folder = self.solutions_dir / assignment
        return sorted(path.stem for path in folder.glob("*.ipynb"))

    def students(self, assignment: str | None = None) -> list[str]:
        """Students with a collected submission (of ``assignment`` if given), sorted."""
        if not self.submitted_dir.is_dir():
            return []
        students = []
        for path in sorted(self.submitted_dir.iterdir()):
            if not path.is_dir() or path.name.startswith("."):
                continue
            if assignment is None or (path / assignment).is_dir():
                students.append(path.name)
        return students

    def submissions(self, assignment: str | None = None) -> list[tuple[str, str]]:
        """(student, assignment) pairs of every collected submission, sorted."""
        pairs = []
        for student in self.students():
            for folder in sorted((self.submitted_dir / student).iterdir()):
                if folder.is_dir() and (assignment is None or folder.name == assignment):
                    pairs.append((student, folder.name))
        return pairs


def find_course_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: cwd) holding ``solutions/`` or
    ``course/exercises/``; falls back to the repository this package lives in."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SOURCE_DIR).is_dir() or (folder / RELEASE_DIR).is_dir():
            return folder
    return Path(__file__).resolve().parent.parent

"""The recorded outcome of each submission: ``autograder/states/<student>/<assignment>.json``.

nbgrader's gradebook has scores but no notion of a submission that *could not* be graded (it
shows 0). Each grading run therefore records a :class:`GradingState`:

- ``graded``: every test ran; ``score`` / ``max_score`` come from the gradebook;
- ``failed``: the notebook could not be graded (invalid or missing notebook, dead kernel,
  timeout, nbgrader error); ``reason`` says why and there is no score;
- ``flagged``: graded, but locked cells (tests) had been modified; nbgrader restored them
  before running, and ``reason`` lists them for a human to look at.

Before a (re)grade starts, the state is set to ``failed`` with "grading did not finish", so an
interrupted run never leaves an earlier score behind. One file per submission keeps parallel
graders (one process per student) from sharing a file; writes are atomic (``os.replace``).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.layout import CourseLayout

GRADED = "graded"
FAILED = "failed"
FLAGGED = "flagged"
STATUSES = (GRADED, FAILED, FLAGGED)
UNFINISHED_REASON = "grading did not finish (interrupted, or still running)"


@dataclass
class GradingState:
    """One submission's grading outcome."""

    student: str
    assignment: str
    status: str
    reason: str = ""
    score: float | None = None
    max_score: float | None = None
    seconds: float | None = None
    recorded_at: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S%z"))

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown grading status {self.status!r}; expected one of {STATUSES}")
        if self.status == FAILED and not self.reason:
            raise ValueError("a failed grading state needs a reason")
        if self.status == FAILED and self.score is not None:
            raise ValueError("a failed grading state has no score (never a silent 0)")


class StateStore:
    """Reads and writes the grading states of a course."""

    def __init__(self, layout: CourseLayout) -> None:
        self.layout = layout

    def path(self, student: str, assignment: str) -> Path:
        return self.layout.states_dir / student / f"{assignment}.json"

    def write(self, state: GradingState) -> Path:
        """Store ``state`` atomically, replacing the previous one."""
        path = self.path(state.student, state.assignment)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".state-", suffix=".json")
        with os.fdopen(handle, "w") as stream:
            json.dump(asdict(state), stream, indent=2)
        os.replace(tmp_name, path)
        return path

    def write_all(self, states: list[GradingState]) -> None:
        """Store several states (see :meth:`write`)."""
        for state in states:
            self.write(state)

    def mark_started(self, student: str, assignment: str) -> None:
        """Record that grading started: until it ends, the submission counts as failed."""
        self.write(GradingState(student, assignment, FAILED, UNFINISHED_REASON))

    def forget(self, student: str, assignment: str) -> None:
        """Drop the state (a new submission arrived: the old grade no longer applies)."""
        self.path(student, assignment).unlink(missing_ok=True)

    def read(self, student: str, assignment: str) -> GradingState | None:
        """The stored state, or None if the submission was never graded.

        A corrupt state file reads as ``failed`` (with the reason), never as a score.
        """
        path = self.path(student, assignment)
        if not path.exists():
            return None
        try:
            return GradingState(**json.loads(path.read_text()))
        except (ValueError, TypeError) as error:
            return GradingState(student, assignment, FAILED, f"unreadable grading state: {error}")

    def all(self) -> list[GradingState]:
        """Every stored state, sorted by student then assignment."""
        states = []
        if not self.layout.states_dir.is_dir():
            return states
        for path in sorted(self.layout.states_dir.glob("*/*.json")):
            state = self.read(path.parent.name, path.stem)
            if state is not None:
                states.append(state)
        return states

"""The recorded outcome of each submission: ``autograder/states/<student>/<assignment>.json``.

nbgrader's gradebook has scores but no notion of a submission that *could not* be graded (it
shows 0). Each grading run therefore records a :class:`GradingState`:

- ``graded``: every test ran; ``score`` / ``max_score`` come from the gradebook;
- ``failed``: the notebook could not be graded (invalid or missing notebook, dead kernel,
  timeout, nbgrader error); ``reason`` says why and there is no score;
- ``flagged``: graded, but the submission looks like cheating (it rebinds numpy / builtins /
  the test helpers, edits ``sys.modules``; see :mod:`autograder.integrity`) or locked cells
  (tests) had been modified (nbgrader restored them before running). ``reason`` says what; the
  score is kept here but withheld from the report until an instructor reviews it
  (:mod:`autograder.review`): ``--clear`` makes it ``graded``, ``--confirm`` makes it ``cheating``;
- ``cheating``: an instructor confirmed a flag; the recorded score is 0.

``submission_hash`` (of the submitted files) and :func:`needs_grading` make a rerun resume: a
final state of unchanged files is kept, an unfinished or retryable one is graded again.
``sandboxed`` records whether the kernel ran in the sandbox (False: the report says
``unsandboxed``).

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
CHEATING = "cheating"
STATUSES = (GRADED, FAILED, FLAGGED, CHEATING)
UNFINISHED_REASON = "grading did not finish (interrupted, or still running)"
ENVIRONMENT_BROKEN = "grading environment broken"
# failures that say nothing about the submission: a rerun grades them again
RETRYABLE_REASONS = (
    UNFINISHED_REASON,
    ENVIRONMENT_BROKEN,
    "kernel did not start",
    "internal grading error",
    "grading worker crashed",
)


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
    submission_hash: str = ""
    sandboxed: bool | None = None
    flags: list[str] = field(default_factory=list)
    review: str = ""

    @property
    def is_final(self) -> bool:
        """Whether a rerun may keep this state (False: unfinished or a retryable failure)."""
        return self.status != FAILED or not self.reason.startswith(RETRYABLE_REASONS)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown grading status {self.status!r}; expected one of {STATUSES}")
        if self.status == FAILED and not self.reason:
            raise ValueError("a failed grading state needs a reason")
        if self.status == FAILED and self.score is not None:
            raise ValueError("a failed grading state has no score (never a silent 0)")
        if self.status == CHEATING and self.score != 0:
            raise ValueError("a confirmed cheating state records a score of 0")


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

    def mark_started(self, student: str, assignment: str, submission_hash: str = "") -> None:
        """Record that grading started: until it ends, the submission counts as failed."""
        self.write(GradingState(student, assignment, FAILED, UNFINISHED_REASON,
                                submission_hash=submission_hash))

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
        except (ValueError, TypeError, OSError) as error:
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


def needs_grading(state: GradingState | None, submission_hash: str, regrade: bool = False) -> bool:
    """The resume rule: grade unless a final state exists for exactly these submitted files."""
    if regrade or state is None or not state.is_final:
        return True
    return not state.submission_hash or state.submission_hash != submission_hash

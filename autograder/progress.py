"""What ``autograde`` shows while it runs: one line per submission and a tqdm progress bar.

The lines go to stdout (one per graded submission, as before: student, assignment, status,
score, seconds, reason); the bar (done/total, elapsed, ETA) goes to stderr, so redirecting stdout
keeps a clean log. Submissions kept from an earlier run are counted once at the start.
"""

from __future__ import annotations

import sys
from types import TracebackType

from tqdm import tqdm

from autograder.states import ENVIRONMENT_BROKEN, FAILED, GradingState


def state_line(state: GradingState) -> str:
    """``student assignment status score seconds reason`` as one aligned line."""
    score = "" if state.score is None else f"{state.score:g}/{state.max_score:g}"
    seconds = "" if state.seconds is None else f"{state.seconds:6.1f}s"
    sandbox = "" if state.sandboxed is not False else " [unsandboxed]"
    return (f"{state.student:<20} {state.assignment:<18} {state.status:<8} {score:<9} "
            f"{seconds:>7}{sandbox}  {state.reason}")


class GradingProgress:
    """Context manager: ``progress(state)`` after each graded submission updates bar and log."""

    def __init__(self) -> None:
        self.bar: tqdm | None = None
        self.environment_reported = False
        self.environment_announced = False  # autograde's preflight already said it

    def notice(self, text: str) -> None:
        """autograde's start-of-run messages (sandbox warning, broken environment): stderr."""
        self.environment_announced |= ENVIRONMENT_BROKEN in text
        tqdm.write(text, file=sys.stderr)

    def start(self, total: int, kept: int = 0) -> None:
        """Called by autograde once it knows how many submissions it grades and keeps."""
        self.bar = tqdm(total=total, desc="autograde", unit="submission", file=sys.stderr,
                        dynamic_ncols=True, mininterval=0.5, disable=total == 0)
        if kept:
            self.write(f"{kept} submission(s) kept from an earlier run (unchanged files; "
                       "--regrade grades them again)")

    def write(self, line: str) -> None:
        tqdm.write(line, file=sys.stdout)
        sys.stdout.flush()

    def __call__(self, state: GradingState) -> None:
        if state.status == FAILED and state.reason.startswith(ENVIRONMENT_BROKEN) \
                and not self.environment_reported and not self.environment_announced:
            self.environment_reported = True
            tqdm.write(f"ERROR: {state.reason}\nThis is not the students' fault: their "
                       "submissions are recorded as failed (no score) and a rerun grades them "
                       "again.", file=sys.stderr)
        self.write(state_line(state))
        if self.bar is not None:
            self.bar.update(1)

    def __enter__(self) -> GradingProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.bar is not None:
            self.bar.close()

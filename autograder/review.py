"""``review``: an instructor's decision on a flagged submission.

A ``flagged`` submission (see :mod:`autograder.integrity`, :mod:`autograder.tamper`) keeps its
score in its state, but the report withholds it until someone decides:

- ``--clear``: the finding was harmless; the state becomes ``graded`` and the score is released;
- ``--confirm``: it was cheating; the state becomes ``cheating`` with a score of 0.

Either decision is recorded in the state (``review`` and the reason) and survives reruns of
autograde as long as the submitted files do not change (``--regrade`` or a new submission grade
it afresh, and a new flag needs a new review).
"""

from __future__ import annotations

import time

from autograder.layout import CourseLayout, check_id
from autograder.states import CHEATING, FLAGGED, GRADED, GradingState, StateStore

CLEAR = "clear"
CONFIRM = "confirm"


def review_submission(layout: CourseLayout, student: str, assignment: str, decision: str,
                      note: str = "") -> GradingState:
    """Apply ``decision`` (``"clear"`` or ``"confirm"``) to a flagged submission; return the new
    state. Raises LookupError when there is no such state and ValueError when it was not
    flagged (or already decided the same way)."""
    check_id("student", student)
    check_id("assignment", assignment)
    if decision not in (CLEAR, CONFIRM):
        raise ValueError(f"decision must be {CLEAR!r} or {CONFIRM!r}, got {decision!r}")
    store = StateStore(layout)
    state = store.read(student, assignment)
    if state is None:
        raise LookupError(f"{student}/{assignment} has not been graded: run autograde first")
    reviewable = state.status == FLAGGED or (state.review and state.status in (GRADED, CHEATING))
    if not reviewable:
        raise ValueError(f"{student}/{assignment} is {state.status!r}, not flagged: nothing to review"
                         + (f" ({state.reason})" if state.reason else ""))
    findings = "; ".join(state.flags) or state.reason
    when = time.strftime("%Y-%m-%d")
    suffix = f" ({note})" if note else ""
    if decision == CLEAR and state.status == CHEATING:
        raise ValueError(f"{student}/{assignment} was confirmed as cheating (its score is now 0); "
                         f"to undo, grade it again: autograde {assignment} --student {student} "
                         "--regrade, then review it again")
    if decision == CLEAR:
        if state.score is None:
            raise ValueError(f"{student}/{assignment} has no score to release; grade it again")
        state.status, state.review = GRADED, "cleared"
        state.reason = f"flag cleared by instructor {when}{suffix}: {findings}"
    else:
        state.status, state.review, state.score = CHEATING, "confirmed", 0.0
        state.reason = f"cheating confirmed by instructor {when}{suffix}: {findings}"
    store.write(GradingState(**{**state.__dict__}))  # re-validates the new status
    return state

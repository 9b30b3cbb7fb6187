"""What the report and the LMS exports need from the gradebook beyond the score, in one pass.

:func:`submission_facts` reads, for every submission in the gradebook, how late it was (nbgrader's
``total_seconds_late``: the submission's timestamp minus the assignment's due date, extensions
included) and whether a grade still waits for a human. :func:`apply_gradebook_facts` updates report
rows with them: :func:`add_late_penalties` fills ``late_days`` / ``penalty`` under the late policy
and says why in ``reason``, and a manual grade entered in formgrader clears "awaiting manual grading".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Assignment, SubmittedAssignment

from autograder.gradebook import open_gradebook
from autograder.late_policy import LatePolicy, late_penalty, policy_from_environment
from autograder.layout import CourseLayout


@dataclass(frozen=True)
class SubmissionFacts:
    """One gradebook submission: seconds past the due date (0 when on time or no due date) and
    whether some grade still needs manual grading."""

    seconds_late: float
    needs_manual_grade: bool


def submission_facts(layout: CourseLayout) -> dict[tuple[str, str], SubmissionFacts]:
    """(student, assignment) -> :class:`SubmissionFacts` for every submission in the gradebook."""
    facts: dict[tuple[str, str], SubmissionFacts] = {}
    if not has_gradebook(layout):
        return facts
    with open_gradebook(layout) as gradebook:
        for submission in gradebook.db.query(SubmittedAssignment).all():
            key = (submission.student.id, submission.assignment.name)
            facts[key] = SubmissionFacts(
                float(submission.total_seconds_late), bool(submission.needs_manual_grade)
            )
    return facts


def has_gradebook(layout: CourseLayout) -> bool:
    """False only for a course whose (default, SQLite) gradebook was never created: nothing to
    read, and creating one just to find that out costs seconds."""
    url = layout.db_url
    return not url.startswith("sqlite:///") or Path(url.removeprefix("sqlite:///")).exists()


def assignment_max_scores(layout: CourseLayout) -> dict[str, float]:
    """assignment -> maximum score, for the assignments registered in the gradebook."""
    if not has_gradebook(layout):
        return {}
    with open_gradebook(layout) as gradebook:
        return {a.name: float(a.max_score) for a in gradebook.db.query(Assignment).all() if a.notebooks}


MANUAL_PENDING_NOTE = "awaiting manual grading"  # how autograde's state reason says it


def apply_gradebook_facts(layout: CourseLayout, rows: list, policy: LatePolicy | None = None) -> None:
    """Bring report rows up to date with the gradebook: drop a stale "awaiting manual grading"
    note once formgrader has the manual grades, then :func:`add_late_penalties`."""
    if not rows:
        return
    facts = submission_facts(layout)
    for row in rows:
        fact = facts.get((row.student, row.assignment))
        if fact is not None and not fact.needs_manual_grade and MANUAL_PENDING_NOTE in row.reason:
            row.reason = "; ".join(
                part for part in row.reason.split("; ") if not part.startswith(MANUAL_PENDING_NOTE))
    add_late_penalties(layout, rows, policy, facts)


def add_late_penalties(
    layout: CourseLayout,
    rows: list,
    policy: LatePolicy | None = None,
    facts: dict[tuple[str, str], SubmissionFacts] | None = None,
) -> None:
    """Set ``late_days`` and ``penalty`` (points) of each report row and append the lateness to
    its ``reason`` (e.g. "late 2 days: -20% (per-day:10)").

    ``rows`` are :class:`autograder.report.ReportRow`: ``student``, ``assignment``, ``score``,
    ``max_score``, ``reason``. Rows without a score get ``late_days`` only (nothing to penalise);
    rows the gradebook does not know stay empty.
    """
    policy = policy or policy_from_environment()
    facts = submission_facts(layout) if facts is None else facts
    for row in rows:
        fact = facts.get((row.student, row.assignment))
        if fact is None:
            continue
        if row.score is None or row.max_score is None:
            row.late_days = late_penalty(policy, 0.0, 0.0, fact.seconds_late).days_late
            continue
        late = late_penalty(policy, row.score, row.max_score, fact.seconds_late)
        row.late_days, row.penalty = late.days_late, late.penalty
        if late.reason:
            row.reason = "; ".join(filter(None, [row.reason, late.reason]))

"""``release-feedback``: hand the feedback HTML to students through the nbgrader exchange.

For each submission that may get feedback, nbgrader's own ``ExchangeReleaseFeedback`` copies
``autograder/feedback/<student>/<assignment>/<notebook>.html`` to
``<exchange>/nnbasics/feedback/<hash>.html``, the hash being nbgrader's
``notebook_hash(submission_secret, notebook)``: only the student who submitted that very
submission (whose nbgrader cache holds the secret) finds it with ``nbgrader fetch_feedback`` or
the JupyterLab Assignments panel.

A submission is skipped, with the reason, when it

- was not graded, or grading failed, or it is flagged (locked cells changed: a human decides);
- waits for manual grading (e.g. a written answer not yet scored in formgrader);
- has no feedback yet, feedback made for an earlier submission, or feedback whose score is no
  longer the gradebook's (a manual grade entered since; run ``make feedback``);
- was not submitted through the exchange (no ``submission_secret.txt``: nothing to key it to).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.auth import Authenticator
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.utils import notebook_hash

from autograder import gradebook
from autograder.config import GradingSettings, nbgrader_config
from autograder.layout import CourseLayout
from autograder.nbgrader_run import course_directory, start_and_capture
from autograder.states import FAILED, FLAGGED, GRADED, StateStore

SECRET = "submission_secret.txt"
_SCORE_HEADER = re.compile(r"\(Score: ([0-9.]+) / [0-9.]+\)</h4>")  # nbgrader's feedback template
TIMESTAMP = "timestamp.txt"


@dataclass
class FeedbackRelease:
    """One submission: the exchange files its feedback went to, or why it was skipped."""

    student: str
    assignment: str
    released: list[Path] = field(default_factory=list)
    skipped: str = ""


def release_feedback(
    layout: CourseLayout,
    assignment: str | None = None,
    student: str | None = None,
    settings: GradingSettings | None = None,
) -> list[FeedbackRelease]:
    """Release the feedback of every eligible collected submission (of ``assignment`` /
    ``student`` when given) into ``layout.exchange_dir``; one result per submission."""
    if assignment is not None:
        layout.require_assignment(assignment)
    config = nbgrader_config(layout, settings)
    results = []
    for who, what in layout.submissions(assignment):
        if student is not None and who != student:
            continue
        reason = skip_reason(layout, who, what)
        if reason:
            results.append(FeedbackRelease(who, what, skipped=reason))
            continue
        results.append(_release_one(layout, config, who, what))
    if student is not None and not results:
        raise LookupError(f"no collected submission of student {student!r}"
                          + (f" for {assignment}" if assignment else ""))
    return results


def skip_reason(layout: CourseLayout, student: str, assignment: str) -> str:
    """Why the submission's feedback must not be released now ("" when it may)."""
    state = StateStore(layout).read(student, assignment)
    if state is None:
        return "not graded yet: run make autograde, then make feedback"
    if state.status == FAILED:
        return f"grading failed: {state.reason}"
    if state.status == FLAGGED:
        return f"flagged for review: {state.reason}"
    if state.status != GRADED:
        return f"{state.status}: {state.reason}"
    pending = gradebook.manual_grading_pending(layout, student, assignment)
    if pending:
        return "awaiting manual grading in formgrader: " + ", ".join(pending)
    feedback = layout.feedback_submission_dir(student, assignment)
    if not any(feedback.glob("*.html")):
        return "no feedback yet: run make feedback"
    submitted = layout.submission_dir(student, assignment)
    if not (submitted / SECRET).exists():
        return (f"not submitted through the exchange (no {SECRET}): students can only fetch "
                "feedback of an nbgrader submission; hand out the HTML directly")
    if _read(feedback / SECRET) != _read(submitted / SECRET) or _read(feedback / TIMESTAMP) != _read(
        submitted / TIMESTAMP
    ):
        return "feedback is for an earlier submission: run make autograde and make feedback"
    stale = outdated_scores(layout, student, assignment)
    if stale:
        return f"feedback is older than the grades ({'; '.join(stale)}): run make feedback"
    return ""


def outdated_scores(layout: CourseLayout, student: str, assignment: str) -> list[str]:
    """``notebook: page says X, gradebook Y`` for feedback pages whose score (nbgrader's header
    "<notebook> (Score: X / Y)") differs from the gradebook's, e.g. after a manual grade."""
    from nbgrader.api import MissingEntry

    stale = []
    with gradebook.open_gradebook(layout) as book:
        for page in sorted(layout.feedback_submission_dir(student, assignment).glob("*.html")):
            shown = _SCORE_HEADER.search(page.read_text(encoding="utf-8"))
            if shown is None:
                continue
            try:
                current = book.find_submission_notebook(page.stem, assignment, student).score
            except MissingEntry:
                continue
            if abs(float(shown.group(1)) - round(float(current), 2)) > 1e-6:
                stale.append(f"{page.stem}: page says {float(shown.group(1)):g}, gradebook {current:g}")
    return stale


def _release_one(layout: CourseLayout, config, student: str, assignment: str) -> FeedbackRelease:
    coursedir = course_directory(config, assignment_id=assignment, student_id=student)
    step = ExchangeReleaseFeedback(
        coursedir=coursedir, authenticator=Authenticator(config=config), config=config
    )
    outcome = start_and_capture(step)
    if not outcome.success:
        lines = [line for line in outcome.text.strip().splitlines() if line.strip()]
        return FeedbackRelease(student, assignment,
                               skipped=f"nbgrader release_feedback failed: {lines[-1] if lines else ''}")
    secret = _read(layout.feedback_submission_dir(student, assignment) / SECRET)
    outbound = layout.exchange_dir / config.CourseDirectory.course_id / "feedback"
    released = [
        outbound / f"{notebook_hash(secret=secret, notebook_id=page.stem)}.html"
        for page in sorted(layout.feedback_submission_dir(student, assignment).glob("*.html"))
    ]
    missing = [path.name for path in released if not path.exists()]
    if missing:
        return FeedbackRelease(student, assignment, skipped=f"not found in the exchange after release: {missing}")
    return FeedbackRelease(student, assignment, released)


def _read(path: Path) -> str | None:
    return path.read_text().strip() if path.exists() else None

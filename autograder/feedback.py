"""``feedback``: one HTML page per graded submission, with no trace of the hidden tests.

nbgrader's ``GenerateFeedback`` runs with the preprocessors set in :mod:`autograder.config`
(GetGrades, ClearHiddenTests, :class:`~autograder.scrub.ScrubGradeCellTracebacks`,
CSSHTMLHeaderPreprocessor). The scrub rebuilds every test cell's outputs from the per-check table
(descriptions, pass/fail, hints), the score and the errors of visible test code, so nothing a
hidden test printed, displayed or raised is kept. Each page is then checked against the hidden
tests' source lines; a page that still contains one is deleted and reported, never handed out.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from nbgrader.converters import GenerateFeedback

from autograder.config import GradingSettings, nbgrader_config
from autograder.hidden_tests import hidden_test_lines, leaked_lines
from autograder.layout import CourseLayout
from autograder.nbgrader_run import run_converter
from autograder.states import FAILED, StateStore


@dataclass
class FeedbackResult:
    """Feedback of one submission: the HTML pages written, or why there are none."""

    student: str
    assignment: str
    pages: list[Path]
    problem: str = ""


def generate_feedback(
    layout: CourseLayout,
    assignment: str | None = None,
    student: str | None = None,
    settings: GradingSettings | None = None,
) -> list[FeedbackResult]:
    """Write ``autograder/feedback/<student>/<assignment>/<notebook>.html`` for graded submissions.

    Failed submissions get no page (their reason is in the report); one failure never stops
    the others.
    """
    config = nbgrader_config(layout, settings)
    store = StateStore(layout)
    results = []
    for who, what in layout.submissions(assignment):
        if student is not None and who != student:
            continue
        state = store.read(who, what)
        if state is None or state.status == FAILED:
            reason = "not graded yet" if state is None else f"grading failed: {state.reason}"
            results.append(FeedbackResult(who, what, [], reason))
            continue
        results.append(_feedback_for(layout, config, who, what))
    _typeset_offline([page for result in results for page in result.pages], layout)  # one node run
    return results


def _feedback_for(layout: CourseLayout, config, student: str, assignment: str) -> FeedbackResult:
    outcome = run_converter(GenerateFeedback, config, assignment_id=assignment, student_id=student)
    folder = layout.feedback_submission_dir(student, assignment)
    if not outcome.success:
        lines = [line for line in outcome.text.strip().splitlines() if line.strip()]
        return FeedbackResult(student, assignment, [], f"nbgrader failed: {lines[-1] if lines else ''}")
    pages = sorted(folder.glob("*.html"))
    for page in pages:
        source = layout.solutions_dir / assignment / f"{page.stem}.ipynb"
        released = layout.release_dir / assignment / f"{page.stem}.ipynb"
        leaks = leaked_lines(page.read_text(encoding="utf-8"), hidden_test_lines(source, released))
        if leaks:
            for written in pages:
                written.unlink(missing_ok=True)
            return FeedbackResult(
                student, assignment, [], f"{page.name} contained hidden test lines; deleted"
            )
    return FeedbackResult(student, assignment, pages)


def _typeset_offline(pages: list[Path], layout: CourseLayout) -> None:
    """Make the pages' formulas render offline: pre-rendered to SVG (a lone page, as the exchange
    hands it out, shows them), else MathJax copied beside them, else MathJax from the CDN.

    Optional: where ``coursesite``, node or the course's JavaScript (``site/node_modules``) is
    missing, the pages fall back as said, with the reason on stderr. Never fails the feedback.
    """
    try:
        from coursesite.offline_math import offline_formulas
    except ImportError:
        return
    reason = offline_formulas(pages, layout.feedback_dir)
    if reason:
        print(f"feedback formulas not pre-rendered: {reason}", file=sys.stderr)

"""Release assignments into nbgrader's exchange, so students fetch them in the Assignments panel.

The student versions are the committed ``course/exercises/<assignment>/`` (``make release`` makes
them from ``solutions/``). This runs nbgrader's own ``ExchangeReleaseAssignment`` with the
pipeline's configuration; run it as the instructor who will later collect (nbgrader makes the
course's ``inbound`` folder readable by its creator only).
"""

from __future__ import annotations

from nbgrader.auth import Authenticator
from nbgrader.exchange.default.release_assignment import ExchangeReleaseAssignment

from autograder.config import nbgrader_config
from autograder.layout import CourseLayout
from autograder.nbgrader_run import course_directory, start_and_capture


class ExchangeReleaseError(RuntimeError):
    """nbgrader refused to release; the message carries its log."""


def release_to_exchange(layout: CourseLayout, assignment: str) -> str:
    """Copy ``course/exercises/<assignment>`` to ``<exchange>/nnbasics/outbound/<assignment>``.

    Re-releasing replaces the outbound copy (students who fetched keep theirs). Returns nbgrader's log.
    """
    layout.require_assignment(assignment)
    if not (layout.release_dir / assignment).is_dir():
        raise ExchangeReleaseError(
            f"{layout.release_dir / assignment} does not exist: run `make release ASSIGNMENT={assignment}` first"
        )
    layout.exchange_dir.mkdir(parents=True, exist_ok=True)
    config = nbgrader_config(layout)
    step = ExchangeReleaseAssignment(
        coursedir=course_directory(config, assignment_id=assignment),
        authenticator=Authenticator(config=config), config=config,
    )
    step.force = True
    outcome = start_and_capture(step)
    if not outcome.success:
        raise ExchangeReleaseError(f"releasing {assignment} to {layout.exchange_dir} failed:\n{outcome.text.strip()}")
    return outcome.log

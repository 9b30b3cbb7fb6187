"""The few gradebook operations the pipeline needs, on nbgrader's ``Gradebook`` API."""

from __future__ import annotations

import tempfile
import warnings
from dataclasses import dataclass

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import GenerateAssignment
from sqlalchemy.exc import SAWarning

from autograder.config import COURSE_ID, GradingSettings, nbgrader_config
from autograder.environment import use_alembic_api_for_new_gradebooks
from autograder.layout import CourseLayout
from autograder.nbgrader_run import run_converter

use_alembic_api_for_new_gradebooks()  # a first gradebook must not need `alembic` on PATH


@dataclass
class SubmissionScore:
    """A submission's total in the gradebook."""

    score: float
    max_score: float


def open_gradebook(layout: CourseLayout, course_id: str = COURSE_ID) -> Gradebook:
    """The course's gradebook (created if absent); use it as a context manager."""
    use_alembic_api_for_new_gradebooks()
    layout.work_dir.mkdir(parents=True, exist_ok=True)
    return Gradebook(layout.db_url, course_id)


def assignment_is_registered(layout: CourseLayout, assignment: str) -> bool:
    """Whether the gradebook knows ``assignment`` and every notebook of its source."""
    with open_gradebook(layout) as gradebook:
        try:
            known = {notebook.name for notebook in gradebook.find_assignment(assignment).notebooks}
        except MissingEntry:
            return False
    return set(layout.notebooks(assignment)) <= known


def register_assignment(
    layout: CourseLayout, assignment: str, settings: GradingSettings | None = None
) -> None:
    """Record ``assignment``'s source cells in the gradebook without touching the release.

    Runs GenerateAssignment with its output sent to a temporary folder, so a learner's or the
    committed ``course/exercises/`` is never overwritten. Raises RuntimeError on failure.
    """
    config = nbgrader_config(layout, settings)
    with tempfile.TemporaryDirectory(prefix="nnbasics-register-") as tmp:
        config.CourseDirectory.release_directory = tmp
        outcome = run_converter(GenerateAssignment, config, assignment_id=assignment, student_id=".")
    if not outcome.success:
        raise RuntimeError(f"could not register {assignment} in the gradebook:\n{outcome.text}")


def remove_submission(layout: CourseLayout, student: str, assignment: str) -> bool:
    """Delete a submission's grades from the gradebook; return whether there were any."""
    with open_gradebook(layout) as gradebook, warnings.catch_warnings():
        # nbgrader's cascade delete makes SQLAlchemy warn about autoflush; harmless
        warnings.simplefilter("ignore", SAWarning)
        try:
            gradebook.remove_submission(assignment, student)
        except MissingEntry:
            return False
    return True


def submission_score(layout: CourseLayout, student: str, assignment: str) -> SubmissionScore | None:
    """The submission's score and maximum, or None when the gradebook has no submission."""
    with open_gradebook(layout) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return None
        return SubmissionScore(float(submission.score), float(submission.max_score))


def _submission_grades(layout: CourseLayout, student: str, assignment: str):
    """Yield ``(notebook name, grade, answer cell names)`` for every grade of the submission
    (nothing when the gradebook has none), while the gradebook session is open."""
    with open_gradebook(layout) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return
        for notebook in submission.notebooks:
            answers = {cell.name for cell in notebook.notebook.solution_cells}
            for grade in notebook.grades:
                yield notebook.name, grade, answers


def manual_grading_pending(layout: CourseLayout, student: str, assignment: str) -> list[str]:
    """``notebook:cell (N points)`` of the answer cells that wait for a human (written answers,
    manually graded code)."""
    return [
        f"{notebook}:{grade.name} ({grade.max_score:g} points)"
        for notebook, grade, answers in _submission_grades(layout, student, assignment)
        if grade.needs_manual_grade and grade.name in answers
    ]


def ungraded_test_cells(layout: CourseLayout, student: str, assignment: str) -> list[str]:
    """Test cells (code grade cells that are not answers) without an automatic score: the
    notebook did not run to the end."""
    return [
        f"{notebook}:{grade.name}"
        for notebook, grade, answers in _submission_grades(layout, student, assignment)
        if grade.cell.cell_type == "code" and grade.name not in answers and grade.auto_score is None
    ]


def record_roster(layout: CourseLayout) -> int:
    """Give the gradebook the roster's students (name, e-mail, SIS id as ``lms_user_id``), so
    formgrader lists every student by name, also those who have not submitted. Returns how many
    students were written; 0 without a roster. Raises :class:`autograder.roster.RosterError`."""
    from autograder.roster import read_roster

    people = read_roster(layout) or {}
    students = [person for person in people.values() if not person.is_instructor]
    if not students:
        return 0
    with open_gradebook(layout) as book:
        for person in students:
            first, last = person.first_and_last_name if person.name.strip() else ("", "")
            book.update_or_create_student(person.username, first_name=first or None, last_name=last or None,
                                          email=person.email or None, lms_user_id=person.sis_id or None)
    return len(students)

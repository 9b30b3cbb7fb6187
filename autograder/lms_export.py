"""Grades in the import layouts of two learning-management systems: ``canvas.csv`` and ``moodle.csv``.

One line per student (the roster's students, see :mod:`autograder.roster`, plus anyone who
submitted without being on it), one column per assignment, the final score (score minus the late
penalty; a confirmed ``cheating`` state exports its 0). A submission that failed, is flagged,
waits for manual grading, or was not graded is never exported as 0: its cell is left as the
LMS's "no grade" and it is listed in :attr:`LmsExport.withheld` (the CLI prints that on stderr).

Canvas ("How do I import grades in the Gradebook?", Canvas Instructor Guide; the layout is the
Gradebook export's: https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades,
CSV rules as in https://developerdocs.instructure.com/services/canvas/sis/file.sis_csv): columns
``Student, ID, SIS User ID, SIS Login ID, Section`` then one per assignment, named
``<assignment> (<Canvas assignment id>)`` when the id is known (``NNBASICS_CANVAS_ASSIGNMENT_IDS=
"ex1_perceptron=123,ex2_xor=124"``; without an id Canvas creates a new assignment of that name);
the second row is ``Points Possible`` with each assignment's maximum. ``Student`` is "Last, First",
``ID`` (Canvas's internal user id) is left empty so Canvas matches on SIS User ID / SIS Login ID
(the roster's ``sis_id`` / the JupyterHub username). No grade: an empty cell (Canvas leaves the
grade unchanged).

Moodle (https://docs.moodle.org/311/en/Grade_import, CSV import; the importer
``grade/import/csv/classes/load_data.php`` maps users by ``userid``, ``useridnumber``,
``useremail`` or ``username`` and treats ``''`` or ``-`` as "no grade"): columns ``First name,
Last name, ID number, Email address, Username`` then one per assignment (its name); on import map
"Username" (or "Email address" / "ID number" when the roster has them) and each assignment column
to its grade item. No grade: ``-``, as in Moodle's own export.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

from autograder.lateness import SubmissionFacts, assignment_max_scores, submission_facts
from autograder.layout import CourseLayout
from autograder.roster import Person, read_roster

CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "    Points Possible"  # as in Canvas's own gradebook export
MOODLE_IDENTITY = ("First name", "Last name", "ID number", "Email address", "Username")
MOODLE_NO_GRADE = "-"
CANVAS_IDS_ENV = "NNBASICS_CANVAS_ASSIGNMENT_IDS"
EXPORTED_STATUSES = ("graded", "cheating")  # cheating: an instructor confirmed the flag, 0 on purpose


@dataclass
class LmsExport:
    """The files written and the submissions left without a grade (``student/assignment: why``)."""

    canvas_path: Path
    moodle_path: Path
    withheld: list[str] = field(default_factory=list)


def exported_grades(
    rows: list, facts: dict[tuple[str, str], SubmissionFacts]
) -> tuple[dict[tuple[str, str], float], list[str]]:
    """(student, assignment) -> final score of the rows that may be exported, and the reasons
    of those that may not. ``rows``: report rows (student, assignment, score, status, reason,
    optional ``penalty``)."""
    grades, withheld = {}, []
    for row in rows:
        fact = facts.get((row.student, row.assignment))
        why = ""
        if row.status not in EXPORTED_STATUSES or row.score is None:
            why = f"{row.status}: {row.reason}" if row.reason else row.status
        elif fact is not None and fact.needs_manual_grade:
            why = "awaiting manual grading in formgrader"
        if why:
            withheld.append(f"{row.student}/{row.assignment}: {why}")
            continue
        grades[(row.student, row.assignment)] = max(0.0, row.score - (getattr(row, "penalty", None) or 0.0))
    return grades, withheld


def write_lms_exports(
    layout: CourseLayout,
    rows: list,
    out_dir: Path | None = None,
    facts: dict[tuple[str, str], SubmissionFacts] | None = None,
) -> LmsExport:
    """Write ``canvas.csv`` and ``moodle.csv`` into ``out_dir`` (default ``autograder/reports``)."""
    out_dir = Path(out_dir or layout.reports_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    facts = submission_facts(layout) if facts is None else facts
    grades, withheld = exported_grades(rows, facts)
    roster = read_roster(layout)
    people = _students(roster, {row.student for row in rows})
    if roster is not None:
        withheld += [f"{p.username}: submitted but not on the roster (exported by username)"
                     for p in people if p.username not in roster]
    maxima = assignment_max_scores(layout)
    for row in rows:
        if row.max_score is not None:
            maxima.setdefault(row.assignment, row.max_score)
    assignments = sorted(set(layout.assignments()) | {row.assignment for row in rows})
    export = LmsExport(out_dir / "canvas.csv", out_dir / "moodle.csv", withheld)
    _write_canvas(export.canvas_path, people, assignments, grades, maxima)
    _write_moodle(export.moodle_path, people, assignments, grades)
    return export


def _students(roster: dict[str, Person] | None, submitters: set[str]) -> list[Person]:
    listed = [p for p in (roster or {}).values() if p.role == "student"]
    extra = [Person(name) for name in sorted(submitters - set(roster or {}))]
    return sorted(listed, key=lambda p: p.username) + extra


def _canvas_ids() -> dict[str, str]:
    text = os.environ.get(CANVAS_IDS_ENV, "").strip()
    ids = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, number = item.partition("=")
        if not sep or not number.strip().isdigit():
            raise ValueError(f"{CANVAS_IDS_ENV}: {item!r} is not assignment=number "
                             '(e.g. "ex1_perceptron=123,ex2_xor=124")')
        ids[name.strip()] = number.strip()
    return ids


def _write_canvas(path: Path, people, assignments, grades, maxima) -> None:
    ids = _canvas_ids()
    header = [*CANVAS_IDENTITY, *(f"{a} ({ids[a]})" if a in ids else a for a in assignments)]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerow([CANVAS_POINTS_ROW, "", "", "", "", *(_number(maxima.get(a)) for a in assignments)])
        for person in people:
            first, last = person.first_and_last_name
            student = f"{last}, {first}" if last else first
            writer.writerow([student, "", person.sis_id, person.username, person.section,
                             *(_number(grades.get((person.username, a))) for a in assignments)])


def _write_moodle(path: Path, people, assignments, grades) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow([*MOODLE_IDENTITY, *assignments])
        for person in people:
            first, last = person.first_and_last_name
            cells = [_number(grades.get((person.username, a))) or MOODLE_NO_GRADE for a in assignments]
            writer.writerow([first, last, person.sis_id, person.email, person.username, *cells])


def _number(value: float | None) -> str:
    return "" if value is None else f"{round(value, 2):g}"

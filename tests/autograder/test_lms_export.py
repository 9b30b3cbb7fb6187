"""canvas.csv / moodle.csv layouts and values, the roster, and a manual grade reaching the report."""

from __future__ import annotations

import csv
from dataclasses import replace

import nbformat
import pytest
from grading_pipeline_helpers import FAST_SETTINGS, TINY
from nbformat.v4 import new_markdown_cell
from nbgrader.api import Gradebook

from autograder.autograde import autograde
from autograder.cli import main
from autograder.gradebook import register_assignment
from autograder.lateness import SubmissionFacts
from autograder.lms_export import write_lms_exports
from autograder.report import ReportRow, report_rows
from autograder.roster import HUB_ROSTER_ENV, ROSTER_ENV, RosterError, read_roster

SETTINGS = replace(FAST_SETTINGS, sandbox=False)
ROSTER = """username,role,name,email,sis_id,section
ann,student,Ann Lee,ann@uni.example,S001,A
bob,student,"Smith, Bob",bob@uni.example,S002,B
zoe,student,Zoe Park,zoe@uni.example,S003,A
prof,instructor,Pat Prof,prof@uni.example,,
"""


def _read(path) -> list[list[str]]:
    with path.open(newline="") as stream:
        return list(csv.reader(stream))


def test_canvas_and_moodle_files_follow_the_import_layouts(tiny_course, tmp_path, monkeypatch):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    monkeypatch.setenv(ROSTER_ENV, str(roster))
    monkeypatch.setenv("NNBASICS_CANVAS_ASSIGNMENT_IDS", f"{TINY}=4711")
    rows = [
        ReportRow("ann", TINY, 3.0, 3.0, "graded", ""),
        ReportRow("bob", TINY, 2.0, 3.0, "graded", "late", late_days=1, penalty=0.5),
        ReportRow("zoe", TINY, None, None, "failed", "timeout: cell 3"),
        ReportRow("kim", TINY, 1.0, 3.0, "flagged", "locked cells changed"),
    ]
    facts = {(row.student, TINY): SubmissionFacts(0.0, False) for row in rows}
    export = write_lms_exports(tiny_course.layout, rows, tmp_path / "out", facts=facts)

    canvas = _read(export.canvas_path)
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{TINY} (4711)"]
    assert canvas[1] == ["    Points Possible", "", "", "", "", "3"]
    assert canvas[2:] == [
        ["Lee, Ann", "", "S001", "ann", "A", "3"],
        ["Smith, Bob", "", "S002", "bob", "B", "1.5"],  # score minus the late penalty
        ["Park, Zoe", "", "S003", "zoe", "A", ""],  # failed: no grade, never a silent 0
        ["kim", "", "", "kim", "", ""],  # not on the roster: by username; flagged: no grade
    ]
    moodle = _read(export.moodle_path)
    assert moodle[0] == ["First name", "Last name", "ID number", "Email address", "Username", TINY]
    assert moodle[1:] == [
        ["Ann", "Lee", "S001", "ann@uni.example", "ann", "3"],
        ["Bob", "Smith", "S002", "bob@uni.example", "bob", "1.5"],
        ["Zoe", "Park", "S003", "zoe@uni.example", "zoe", "-"],
        ["kim", "", "", "", "kim", "-"],
    ]
    assert any(line.startswith("zoe/tiny: failed: timeout") for line in export.withheld)
    assert any(line.startswith("kim/tiny: flagged") for line in export.withheld)
    assert any(line.startswith("kim: submitted but not on the roster") for line in export.withheld)


def test_roster_errors_are_clear(tiny_course, tmp_path, monkeypatch):
    monkeypatch.delenv(ROSTER_ENV, raising=False)
    monkeypatch.delenv(HUB_ROSTER_ENV, raising=False)
    assert read_roster(tiny_course.layout) is None
    bad = tmp_path / "roster.csv"
    monkeypatch.setenv(ROSTER_ENV, str(bad))
    with pytest.raises(RosterError, match="does not exist"):
        read_roster(tiny_course.layout)
    bad.write_text("user,role\nann,student\n")
    with pytest.raises(RosterError, match="no 'username' column"):
        read_roster(tiny_course.layout)
    bad.write_text("username,role\nann,teacher\n")
    with pytest.raises(RosterError, match=r"roster.csv:2: role 'teacher' of ann"):
        read_roster(tiny_course.layout)
    # the hub's roster: optional header, comments, only username and role
    bad.write_text("# class of 2026\nteacher,instructor\nalice,student\n\nbob,student\n")
    people = read_roster(tiny_course.layout)
    assert [(p.username, p.role) for p in people.values()] == [
        ("teacher", "instructor"), ("alice", "student"), ("bob", "student")]


def test_the_roster_names_students_in_the_gradebook_for_formgrader(tiny_course, tmp_path, monkeypatch, capsys):
    from autograder.gradebook import open_gradebook, record_roster

    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    monkeypatch.setenv(ROSTER_ENV, str(roster))
    assert record_roster(tiny_course.layout) == 3  # the instructor is not a student
    roster.write_text(ROSTER.replace("Ann Lee", "Ann Lee-Park"))
    assert record_roster(tiny_course.layout) == 3  # rerunning updates, never duplicates
    with open_gradebook(tiny_course.layout) as book:
        students = {s.id: (s.first_name, s.last_name, s.email, s.lms_user_id) for s in book.students}
    assert students == {"ann": ("Ann", "Lee-Park", "ann@uni.example", "S001"),
                        "bob": ("Bob", "Smith", "bob@uni.example", "S002"),
                        "zoe": ("Zoe", "Park", "zoe@uni.example", "S003")}
    roster.write_text("username,role\nann,teacher\n")
    (tmp_path / "no-submissions").mkdir()
    assert main(["--root", str(tiny_course.layout.root), "collect", str(tmp_path / "no-submissions")]) == 0
    assert "roster's names were not recorded" in capsys.readouterr().err  # a bad roster only warns


def _add_reflection(course) -> None:
    """Give the tiny assignment a written answer worth 2 points, graded by hand."""
    source = course.solution()
    meta = {"nbgrader": {"grade": True, "grade_id": "reflection", "locked": False, "points": 2,
                         "schema_version": 3, "solution": True, "task": False}}
    source.cells.append(new_markdown_cell("=== BEGIN MARK SCHEME ===\nany\n=== END MARK SCHEME ===",
                                          metadata=meta))
    nbformat.write(source, course.source_path)
    released = course.released()
    released.cells.append(new_markdown_cell("YOUR ANSWER HERE", metadata=meta))
    nbformat.write(released, course.released_path)
    register_assignment(course.layout, TINY)


def test_a_manual_grade_from_formgrader_reaches_the_report_and_the_lms_files(tiny_course, monkeypatch, capsys):
    monkeypatch.delenv(ROSTER_ENV, raising=False)
    monkeypatch.delenv(HUB_ROSTER_ENV, raising=False)
    layout = tiny_course.layout
    _add_reflection(tiny_course)
    tiny_course.submit_solution("ivy")
    [state] = autograde(layout, TINY, settings=SETTINGS)
    assert state.status == "graded" and "awaiting manual grading" in state.reason
    [row] = report_rows(layout)
    assert (row.score, row.max_score) == (3, 5)
    assert main(["--root", str(layout.root), "report"]) == 0
    assert "not exported (no grade in the LMS files): ivy/tiny: awaiting manual grading" in capsys.readouterr().err
    assert _read(layout.reports_dir / "canvas.csv")[2] == ["ivy", "", "", "ivy", "", ""]

    with Gradebook(layout.db_url, "nnbasics") as gradebook:  # what formgrader's grade form does
        grade = gradebook.find_grade("reflection", TINY, TINY, "ivy")
        grade.manual_score = 2
        grade.needs_manual_grade = False
        gradebook.db.commit()
    [row] = report_rows(layout)
    assert (row.score, row.max_score) == (5, 5)
    assert "awaiting manual grading" not in row.reason
    assert main(["--root", str(layout.root), "report"]) == 0
    assert "not exported" not in capsys.readouterr().err
    assert _read(layout.reports_dir / "canvas.csv")[1:] == [
        ["    Points Possible", "", "", "", "", "5"], ["ivy", "", "", "ivy", "", "5"]]
    assert _read(layout.reports_dir / "moodle.csv")[1] == ["ivy", "", "", "", "ivy", "5"]

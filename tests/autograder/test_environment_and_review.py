"""A broken grading environment is never a student's zero; flagged scores wait for a review;
autograde's exit status says what happened; a first gradebook needs no ``alembic`` on PATH."""

from __future__ import annotations

import csv

import pytest
from zoo_helpers import ZOO, ZooCourse

from autograder import gradebook
from autograder.cli import main
from autograder.layout import CourseLayout
from autograder.states import StateStore

pytestmark = pytest.mark.slow
CHEAT = "np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\ndef add(a, b):\n    return 0"


@pytest.fixture(scope="module")
def zoo_template(tmp_path_factory):
    root = tmp_path_factory.mktemp("zoo-template") / "course"
    ZooCourse(root)
    return root


def _grade(course: ZooCourse, *extra: str) -> int:
    return main(["--root", str(course.layout.root), "--cell-timeout", "20", "--notebook-timeout", "60",
                 "--no-sandbox", "autograde", "--jobs", "2", *extra])


def test_a_broken_grading_environment_fails_every_submission_once_said_and_is_regraded(
        tmp_path, zoo_template, monkeypatch, capsys):
    course = ZooCourse(tmp_path / "course", template=zoo_template)
    course.submit_solution("ann")
    course.submit_with("ben", add="def add(a, b):\n    return a - b")
    shadow = tmp_path / "shadow" / "nnbasics"  # an nnbasics that cannot be imported
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('simulated broken installation')\n")
    monkeypatch.setenv("PYTHONPATH", str(shadow.parent))

    assert _grade(course) == 1
    out, err = capsys.readouterr()
    assert err.count("ERROR: grading environment broken") == 1, err  # once, at the top
    assert err.index("ERROR: grading environment broken") < err.index("autograde:")  # before the bar
    assert "simulated broken installation" in err
    for student in ("ann", "ben"):
        state = StateStore(course.layout).read(student, ZOO)
        assert state.status == "failed" and state.score is None
        assert state.reason.startswith("grading environment broken: the set-up imports of zoo fail")
        assert "ImportError: simulated broken installation" in state.reason
        assert gradebook.submission_score(course.layout, student, ZOO) is None

    monkeypatch.delenv("PYTHONPATH")  # the instructor fixes the environment and runs it again
    assert _grade(course) == 0
    states = {s.student: s for s in StateStore(course.layout).all()}
    assert (states["ann"].status, states["ann"].score) == ("graded", 3.0)
    assert states["ben"].status == "graded" and 0 <= states["ben"].score < 3


def _report_rows(layout: CourseLayout, folder) -> dict[str, dict]:
    assert main(["--root", str(layout.root), "report", "--out", str(folder)]) == 0
    with (folder / "grades.csv").open() as stream:
        return {row["student"]: row for row in csv.DictReader(stream)}


def test_flagged_scores_are_withheld_until_cleared_or_confirmed(tmp_path, zoo_template, capsys):
    course = ZooCourse(tmp_path / "course", template=zoo_template)
    course.submit_solution("ann")
    course.submit_with("cleo", add=CHEAT)
    course.submit_with("dan", add="import numpy\nnumpy.allclose = numpy.allclose\n"
                       "def add(a, b):\n    return a + b")
    assert _grade(course) == 3  # none failed, some flagged
    rows = _report_rows(course.layout, tmp_path / "r1")
    assert (rows["cleo"]["status"], rows["cleo"]["score"]) == ("flagged", "")
    assert "rebinds np.allclose, np.isclose in cell 3 (add)" in rows["cleo"]["reason"]

    layout_root = str(course.layout.root)
    assert main(["--root", layout_root, "review", "dan", ZOO, "--clear", "--note", "harmless"]) == 0
    assert main(["--root", layout_root, "review", "cleo", ZOO, "--confirm"]) == 0
    assert main(["--root", layout_root, "review", "ann", ZOO, "--clear"]) == 2  # not flagged
    assert main(["--root", layout_root, "review", "cleo", ZOO, "--clear"]) == 2  # decided
    rows = _report_rows(course.layout, tmp_path / "r2")
    assert (rows["dan"]["status"], rows["dan"]["score"]) == ("graded", "3")
    assert "cleared" in rows["dan"]["reason"] and "harmless" in rows["dan"]["reason"]
    assert (rows["cleo"]["status"], rows["cleo"]["score"]) == ("cheating", "0")

    capsys.readouterr()
    assert _grade(course) == 0  # decisions survive a rerun: nothing changed, nothing regraded
    assert "3 submission(s) kept from an earlier run" in capsys.readouterr().out
    assert StateStore(course.layout).read("cleo", ZOO).status == "cheating"


def test_the_first_gradebook_is_created_without_alembic_on_path(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    layout = CourseLayout(tmp_path / "course")
    assert not layout.gradebook_path.exists()
    with gradebook.open_gradebook(layout) as book:
        assert book.assignments == []
    assert layout.gradebook_path.read_bytes().startswith(b"SQLite format 3")

"""The command line drives the whole pipeline: release, collect, autograde, feedback, report."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys

import pytest
from grading_pipeline_helpers import HIDDEN_SENTINEL, TINY

from autograder.cli import main


@pytest.mark.slow
def test_full_pipeline_through_the_cli(tiny_course, tmp_path, capsys):
    root = ["--root", str(tiny_course.layout.root), "--cell-timeout", "5"]
    assert main([*root, "release", TINY]) == 0
    assert f"released course/exercises/{TINY}/{TINY}.ipynb" in capsys.readouterr().out

    inbox = tmp_path / "inbox"
    tiny_course.submit_solution("staging")
    (inbox / "ann").mkdir(parents=True)
    (inbox / "ann" / f"{TINY}.ipynb").write_bytes(
        (tiny_course.layout.submission_dir("staging", TINY) / f"{TINY}.ipynb").read_bytes())
    (inbox / "bob").mkdir()
    (inbox / "bob" / f"{TINY}.ipynb").write_text("not json")
    shutil.rmtree(tiny_course.layout.submitted_dir / "staging")

    assert main([*root, "collect", str(inbox), "--assignment", TINY]) == 0
    assert "2 submission(s) collected" in capsys.readouterr().out

    assert main([*root, "autograde", TINY]) == 1  # exit status 1: some submission failed
    out = capsys.readouterr().out
    assert "2 submission(s): 1 graded, 1 failed, 0 flagged" in out

    assert main([*root, "feedback"]) == 0
    out = capsys.readouterr().out
    assert f"feedback autograder/feedback/ann/{TINY}/{TINY}.html" in out
    assert "no feedback for bob" in out

    assert main([*root, "report", "--out", str(tmp_path / "rep")]) == 0
    with (tmp_path / "rep" / "grades.csv").open() as stream:
        rows = {row["student"]: row for row in csv.DictReader(stream)}
    assert (rows["ann"]["score"], rows["ann"]["status"]) == ("3", "graded")
    assert (rows["bob"]["score"], rows["bob"]["status"]) == ("", "failed")
    html = (tiny_course.layout.feedback_submission_dir("ann", TINY) / f"{TINY}.html").read_text()
    assert HIDDEN_SENTINEL not in html


def test_release_check_fails_on_drift(tiny_course, capsys):
    tiny_course.released_path.write_text(tiny_course.released_path.read_text().replace(
        "Tiny exercise", "Edited by hand"))
    assert main(["--root", str(tiny_course.layout.root), "release", "--check"]) == 1
    assert f"{TINY}/{TINY}.ipynb: cell 0 source differs" in capsys.readouterr().out


def test_bad_input_exits_2_with_a_message(tiny_course, capsys):
    root = ["--root", str(tiny_course.layout.root)]
    assert main([*root, "collect"]) == 2
    assert "collect needs a folder or zip" in capsys.readouterr().err
    assert main([*root, "autograde", "--student", "../etc"]) == 2
    assert "invalid student name" in capsys.readouterr().err


def test_module_entry_point_prints_help():
    done = subprocess.run([sys.executable, "-m", "autograder", "--help"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    for command in ("release", "collect", "autograde", "feedback", "report", "validate", "check"):
        assert command in done.stdout

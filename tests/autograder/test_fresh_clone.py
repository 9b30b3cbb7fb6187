"""The README's instructor commands, in order, on a fresh clone, from a plain environment.

The clone is the repository's tracked and new (not ignored) files copied into a temporary folder:
no gradebook, no states, no virtual environment (the existing ``.venv`` is reused through
``make VENV=...``; ``-o`` keeps make from re-running set-up; the site's npm modules, which
``make feedback`` would install, are linked in the same spirit). Every command runs under
``env -i PATH=/usr/bin:/bin`` (no activated venv, no ``alembic`` on PATH): release, collect,
autograde (two jobs), feedback, report. The very first autograde must grade every submission.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.solution_submission import solved_release

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
VENV = Path(sys.prefix)
ASSIGNMENT, NOTEBOOK = "ex1_perceptron", "perceptron"


def _fresh_clone(target: Path) -> Path:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    modules = REPO / "site" / "node_modules"
    if (modules / ".package-lock.json").is_file():  # installed by make test (npm ci, ~20 s)
        (target / "site" / "node_modules").symlink_to(modules, target_is_directory=True)
    return target


def _make(clone: Path, *args: str) -> subprocess.CompletedProcess:
    stamp = VENV / ".setup-stamp"
    command = ["env", "-i", "PATH=/usr/bin:/bin", "make", "--no-print-directory", "-o", str(stamp),
               f"VENV={VENV}", *args]
    return subprocess.run(command, cwd=clone, capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(shutil.which("git") is None or not (REPO / ".git").exists(), reason="needs a git checkout")
@pytest.mark.skipif(not (VENV / ".setup-stamp").exists(), reason="needs a set-up .venv (make setup)")
def test_instructor_commands_work_on_a_fresh_clone_in_a_plain_environment(tmp_path):
    clone = _fresh_clone(tmp_path / "clone")
    assert not (clone / "autograder" / "gradebook.db").exists()
    done = _make(clone, "release", f"ASSIGNMENT={ASSIGNMENT}")
    assert done.returncode == 0, done.stdout + done.stderr
    inbox = tmp_path / "inbox"  # what the students hand in: the release, answered or not
    released = nbformat.read(clone / "course" / "exercises" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", 4)
    source = nbformat.read(clone / "solutions" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", 4)
    for student, notebook in (("amy", solved_release(released, source)), ("bob", released)):
        (inbox / student / ASSIGNMENT).mkdir(parents=True)
        nbformat.write(notebook, inbox / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb")

    steps = [
        ("collect", f"FROM={inbox}"),
        ("autograde", "JOBS=2"),
        ("feedback",),
        ("report",),
    ]
    outputs = {}
    for step in steps:
        done = _make(clone, *step)
        outputs[step[0]] = done.stdout + done.stderr
        assert done.returncode == 0, f"make {' '.join(step)} failed:\n{outputs[step[0]]}"
    assert "internal grading error" not in outputs["autograde"]
    assert (clone / "autograder" / "limits" / f"{ASSIGNMENT}.json").exists()

    with (clone / "autograder" / "reports" / "grades.csv").open() as stream:
        rows = {row["student"]: row for row in csv.DictReader(stream)}
    assert (rows["amy"]["status"], rows["amy"]["score"], rows["amy"]["max_score"]) == ("graded", "7", "7")
    assert rows["bob"]["status"] == "graded" and float(rows["bob"]["score"]) < 7
    sandbox = "sandboxed" if shutil.which("bwrap") else "unsandboxed"
    assert {row["sandbox"] for row in rows.values()} == {sandbox}
    assert (clone / "autograder" / "feedback" / "amy" / ASSIGNMENT / f"{NOTEBOOK}.html").exists()

"""Cheat detection by static analysis (no kernel), and per-assignment time limits derived from
the reference solution: units, plus the real ex2 with an endless loop ending in about a minute."""

from __future__ import annotations

import copy
import re
import shutil
import time
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

from autograder.autograde import grade_submission
from autograder.config import GradingSettings
from autograder.integrity import notebook_findings
from autograder.layout import CourseLayout
from autograder.limits import (
    MAX_BUSY_FACTOR,
    derive_limits,
    effective_settings,
    limits_path,
    load_limits,
    write_limits,
)
from autograder.release import release
from autograder.solution_submission import solved_release

REPO = CourseLayout(Path(__file__).resolve().parents[2])
EX2, EX2_NOTEBOOK = "ex2_xor", "xor_mlp"


def _released_ex2() -> nbformat.NotebookNode:
    return nbformat.read(REPO.release_dir / EX2 / f"{EX2_NOTEBOOK}.ipynb", as_version=4)


def _with_cell(notebook, grade_id: str, source: str):
    changed = copy.deepcopy(notebook)
    [cell] = [c for c in changed.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    cell.source = source
    return changed, changed.cells.index(cell) + 1


@pytest.mark.parametrize(("source", "finding"), [
    ("np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True", "rebinds np.allclose, np.isclose"),
    ("import numpy as xp\nxp.testing.assert_allclose = print", "rebinds xp.testing.assert_allclose"),
    ("import numpy\nsetattr(numpy, 'allclose', None)", "rebinds numpy.allclose"),
    ("from numpy import linalg\nlinalg.norm = abs", "rebinds linalg.norm"),
    ("import builtins\nbuiltins.abs = len", "rebinds builtins.abs"),
    ("__builtins__.max = min", "rebinds __builtins__.max"),
    ("grading.check_close = print", "rebinds grading.check_close"),
    ("from nnbasics.grading import checks\nchecks.check_close = print", "rebinds checks.check_close"),
    ("np = None", "rebinds np"),
    ("def grading():\n    pass", "rebinds grading"),
    ("import fake_numpy as np", "rebinds np"),
    ("import sys\nsys.modules['numpy'] = None", "edits sys.modules"),
    ("import sys\ndel sys.modules['nnbasics']", "edits sys.modules"),
    ("import sys\nsys.modules.update({})", "edits sys.modules (update)"),
    ("np.__dict__['mean'] = len", "rebinds np.__dict__['mean']"),
    ("globals()['np'] = None", "writes globals()['np']"),
    ("exec('np.mean = 1')", "rebinds np.mean"),
    ("exec(code_from_somewhere)", "runs code it builds at run time (exec)"),
    ("%time np.allclose = print", "rebinds np.allclose"),
])
def test_rebinding_what_the_tests_rely_on_is_found_with_the_cell(source, finding):
    notebook, number = _with_cell(_released_ex2(), "sigmoid", source + "\ndef sigmoid(z):\n    return z")
    findings = notebook_findings(notebook)
    assert findings == [f"{finding} in cell {number} (sigmoid)"] or \
        any(f.startswith(finding) and f.endswith(f"in cell {number} (sigmoid)") for f in findings), findings


@pytest.mark.parametrize("source", [
    "import numpy as np\nfrom nnbasics import grading\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))",
    "def sigmoid(z):\n    x = np.array(z, dtype=float)\n    x[x > 50] = 50\n    return 1 / (1 + np.exp(-x))",
    "import math\ndef sigmoid(z):\n    np.random.seed(0)\n    return 1 / (1 + np.exp(-z))",
    "this is not python",
])
def test_ordinary_answers_raise_no_flag(source):
    notebook, _ = _with_cell(_released_ex2(), "sigmoid", source)
    assert notebook_findings(notebook) == []


def test_the_released_exercises_and_their_solutions_raise_no_flag():
    for assignment in REPO.assignments():
        for name in REPO.notebooks(assignment):
            released = nbformat.read(REPO.release_dir / assignment / f"{name}.ipynb", as_version=4)
            source = nbformat.read(REPO.solutions_dir / assignment / f"{name}.ipynb", as_version=4)
            assert notebook_findings(solved_release(released, source)) == [], assignment


def test_limits_are_ten_times_the_reference_with_a_floor():
    quick = derive_limits("a", slowest_cell=0.4, total=2.0)
    assert (quick.cell_timeout, quick.notebook_timeout) == (30, 120)
    slower = derive_limits("b", slowest_cell=11.2, total=25.5)
    assert (slower.cell_timeout, slower.notebook_timeout) == (112, 255)
    with pytest.raises(ValueError, match="must not be negative"):
        derive_limits("c", -1, 2)


def test_committed_limits_exist_for_every_exercise_and_are_applied_unless_overridden(tmp_path, monkeypatch):
    for assignment in REPO.assignments():
        limits = load_limits(REPO, assignment)
        assert limits is not None, f"run `make limits ASSIGNMENT={assignment}` and commit the JSON"
        assert limits.cell_timeout >= 30 and limits.notebook_timeout >= limits.cell_timeout
    layout = CourseLayout(tmp_path)
    write_limits(layout, derive_limits("ex9", 1.0, 5.0))
    monkeypatch.setattr("autograder.limits.os.getloadavg", lambda: (0.5, 0.5, 0.5))
    derived = effective_settings(layout, "ex9", GradingSettings())
    assert (derived.cell_timeout, derived.notebook_timeout) == (30, 120)
    monkeypatch.setattr("autograder.limits.os.getloadavg", lambda: (1000.0, 0.5, 0.5))
    busy = effective_settings(layout, "ex9", GradingSettings())  # an overloaded machine: stretched
    assert (busy.cell_timeout, busy.notebook_timeout) == (30 * MAX_BUSY_FACTOR, 120 * MAX_BUSY_FACTOR)
    assert effective_settings(layout, "other", GradingSettings()).cell_timeout == 300  # not measured
    monkeypatch.setenv("NNBASICS_CELL_TIMEOUT", "7")
    chosen = GradingSettings.from_environment()
    assert effective_settings(layout, "ex9", chosen).cell_timeout == 7
    monkeypatch.delenv("NNBASICS_CELL_TIMEOUT")
    chosen = GradingSettings.from_environment(notebook_timeout=99)
    assert effective_settings(layout, "ex9", chosen).notebook_timeout == 99


@pytest.mark.slow
def test_an_endless_loop_in_ex2_ends_in_about_a_minute_with_timeout(tmp_path):
    layout = CourseLayout(tmp_path / "course")
    shutil.copytree(REPO.solutions_dir / EX2, layout.solutions_dir / EX2)
    release(layout, [EX2])
    limits_path(layout, EX2).parent.mkdir(parents=True)
    shutil.copy(limits_path(REPO, EX2), limits_path(layout, EX2))  # as committed
    released = nbformat.read(layout.release_dir / EX2 / f"{EX2_NOTEBOOK}.ipynb", as_version=4)
    source = nbformat.read(layout.solutions_dir / EX2 / f"{EX2_NOTEBOOK}.ipynb", as_version=4)
    looping, _ = _with_cell(solved_release(released, source), "sigmoid", "while True:\n    pass")
    folder = layout.submission_dir("loopy", EX2)
    folder.mkdir(parents=True)
    nbformat.write(looping, folder / f"{EX2_NOTEBOOK}.ipynb")

    start = time.monotonic()
    state = grade_submission(layout, "loopy", EX2, replace(GradingSettings(), sandbox=None))
    elapsed = time.monotonic() - start
    assert state.status == "failed" and state.reason.startswith("timeout"), state
    limit = load_limits(layout, EX2).cell_timeout
    used = int(re.search(r"limit of (\d+) s", state.reason).group(1))
    assert limit <= 60 and limit <= used <= limit * MAX_BUSY_FACTOR  # derived, not the 300 s default
    assert elapsed < used + 90, f"an endless loop held the grader for {elapsed:.0f} s"

"""Fast unit tests of the pipeline's pieces (no kernel is started)."""

from __future__ import annotations

import json
from dataclasses import replace

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder.config import GradingSettings, nbgrader_config
from autograder.execution import DeadlineExecute
from autograder.failures import failure_reason
from autograder.hidden_tests import hidden_test_lines, leaked_lines
from autograder.layout import CourseLayout, LayoutError, check_id
from autograder.scrub import ScrubGradeCellTracebacks
from autograder.states import FAILED, GradingState, StateStore
from autograder.submission_checks import notebook_problem, submission_problems

SETTINGS = GradingSettings(cell_timeout=7, notebook_timeout=70)


@pytest.mark.parametrize("name", ["", "../x", "a/b", "a+b", ".hidden", "with space", "*"])
def test_unsafe_names_are_refused(name):
    with pytest.raises(LayoutError, match="invalid student name"):
        check_id("student", name)


def test_layout_maps_nbgrader_steps_to_repository_folders(tmp_path):
    layout = CourseLayout(tmp_path)
    config = nbgrader_config(layout, SETTINGS)
    assert config.CourseDirectory.source_directory == "solutions"
    assert config.CourseDirectory.release_directory == "course/exercises"
    assert config.CourseDirectory.submitted_directory == "autograder/submitted"
    assert config.CourseDirectory.db_url == f"sqlite:///{tmp_path.resolve()}/autograder/gradebook.db"
    assert layout.submission_dir("ann", "ex1") == tmp_path.resolve() / "autograder/submitted/ann/ex1"


def test_config_sets_time_limits_and_the_safe_feedback_preprocessors(tmp_path):
    config = nbgrader_config(CourseLayout(tmp_path), SETTINGS)
    assert config.Execute.timeout == 7 and config.DeadlineExecute.notebook_timeout == 70
    assert DeadlineExecute in config.Autograde.autograde_preprocessors
    names = [cls.__name__ for cls in config.GenerateFeedback.preprocessors]
    assert names == ["GetGrades", "ClearHiddenTests", "ScrubGradeCellTracebacks",
                     "CSSHTMLHeaderPreprocessor"]


def test_settings_reject_nonpositive_timeouts():
    with pytest.raises(ValueError, match="timeouts must be positive"):
        GradingSettings(cell_timeout=0)


def test_settings_read_the_environment(monkeypatch):
    monkeypatch.setenv("NNBASICS_CELL_TIMEOUT", "11")
    assert GradingSettings.from_environment().cell_timeout == 11
    assert GradingSettings.from_environment(cell_timeout=5).cell_timeout == 5


def test_a_failed_state_needs_a_reason_and_has_no_score():
    with pytest.raises(ValueError, match="needs a reason"):
        GradingState("a", "ex", FAILED)
    with pytest.raises(ValueError, match="never a silent 0"):
        GradingState("a", "ex", FAILED, "boom", score=0.0)
    with pytest.raises(ValueError, match="unknown grading status"):
        GradingState("a", "ex", "great")


def test_state_store_round_trip_and_corrupt_file(tmp_path):
    store = StateStore(CourseLayout(tmp_path))
    store.write(GradingState("ann", "ex1", "graded", score=2.0, max_score=3.0))
    assert store.read("ann", "ex1").score == 2.0
    store.path("ann", "ex1").write_text("{not json")
    state = store.read("ann", "ex1")
    assert state.status == FAILED and "unreadable grading state" in state.reason


@pytest.mark.parametrize(
    ("log", "expected"),
    [
        ("nbclient.exceptions.DeadKernelError: Kernel died", "kernel died"),
        ("RuntimeError: Kernel died before replying to kernel_info", "kernel did not start"),
        ("RuntimeError: Kernel didn't respond in 60 seconds\nNbGraderException: see above", "kernel did not start"),
        ("autograder.execution.NotebookTimeoutError: ...", "limit of 70 s"),
        ("CellTimeoutError: Timeout waiting for IOPub output", "per-cell limit of 7 s"),
        ("[ERROR] boom\nValueError: something odd", "nbgrader error: ValueError: something odd"),
    ],
)
def test_failure_reasons_are_classified(log, expected):
    assert expected in failure_reason(log, SETTINGS)


def test_a_sandboxed_kernel_that_did_not_start_points_at_bubblewrap():
    log = "RuntimeError: Kernel died before replying to kernel_info"
    assert "bwrap" not in failure_reason(log, SETTINGS)
    assert "bwrap --ro-bind / / true" in failure_reason(log, replace(SETTINGS, sandbox=True))


def test_notebook_problems(tmp_path):
    assert notebook_problem(tmp_path / "gone.ipynb") == "missing notebook: gone.ipynb"
    empty = tmp_path / "empty.ipynb"
    empty.write_text("")
    assert "the file is empty" in notebook_problem(empty)
    not_nb = tmp_path / "list.ipynb"
    not_nb.write_text(json.dumps([1, 2]))
    assert "not in the Jupyter notebook format" in notebook_problem(not_nb)
    good = tmp_path / "good.ipynb"
    nbformat.write(new_notebook(), good)
    assert notebook_problem(good) is None
    assert submission_problems(tmp_path, ["good"]) == []
    assert submission_problems(tmp_path / "nope", ["good"])[0].startswith("missing submission folder")


def _grade_cell(source: str, traceback: list[str]) -> nbformat.NotebookNode:
    cell = new_code_cell(source, metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": "t", "points": 1,
        "schema_version": 3}})
    cell.outputs = [new_output("error", ename="AssertionError", evalue="Hint [x]: do y",
                               traceback=traceback)]
    return cell


def test_scrub_keeps_the_hint_and_drops_the_traceback_of_grade_cells():
    secret = "assert secret_value == 42"
    grade = _grade_cell("visible()", ["\x1b[31mTraceback", "\x1b[36mCell In[3], line 1\x1b[0m\n----> 1 visible()",
                                      f"----> 3 {secret}", "AssertionError"])
    hidden = _grade_cell("visible()", ["Traceback", f"Cell In[4], line 3\n----> 3 {secret}", "AssertionError"])
    plain = new_code_cell("x")
    plain.outputs = [new_output("error", ename="ValueError", evalue="v", traceback=["keep me"])]
    notebook = new_notebook(cells=[grade, hidden, plain])
    ScrubGradeCellTracebacks().preprocess(notebook, {})
    assert grade.outputs[0].traceback == ["AssertionError: Hint [x]: do y"]
    # raised by a line that is not visible test code: the message may carry hidden text
    assert hidden.outputs[0].traceback == ["AssertionError (raised by a hidden test; its message is not shown)"]
    assert hidden.outputs[0].evalue == ""
    assert plain.outputs[0].traceback == ["keep me"]


def test_hidden_test_lines_and_leak_detection(tmp_path):
    source = tmp_path / "s.ipynb"
    released = tmp_path / "r.ipynb"
    nbformat.write(new_notebook(cells=[
        new_code_cell("def f(x):\n    for step in range(3):\n        pass\n    return x * x"),
        new_code_cell(
            "assert f(1) == 1\n### BEGIN HIDDEN TESTS\nassert f(2) == 4\nassert f(1) == 1\n"
            "for step in range(3):\n### END HIDDEN TESTS"),
    ]), source)
    nbformat.write(new_notebook(cells=[new_code_cell("assert f(1) == 1")]), released)
    hidden = hidden_test_lines(source, released)
    assert hidden == {"assert f(2) == 4"}
    highlighted = '<pre><span class="k">assert</span> f(2) <span class="o">==</span> 4\n</pre>'
    assert leaked_lines(highlighted, hidden) == ["assert f(2) == 4"]
    assert leaked_lines("x = 1\nassert f(2) == 4  # no, other line\n", hidden) == []
    assert leaked_lines("pass\n", {"pass"}) == [], "trivial lines prove nothing"


def test_nbgrader_config_file_for_the_nbgrader_cli():
    from pathlib import Path

    from traitlets.config.loader import PyFileConfigLoader

    folder = Path(__file__).resolve().parents[2] / "autograder"
    config = PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config()
    assert config.CourseDirectory.root == str(folder.parent)
    assert config.CourseDirectory.release_directory == "course/exercises"


@pytest.mark.parametrize(
    ("goal", "expected"),
    [
        (["autograde", "ASSIGNMENT=ex1_perceptron", "STUDENT=bob"],
         "-m autograder autograde ex1_perceptron --student bob"),
        (["collect", "FROM=subs.zip", "ASSIGNMENT=ex2_xor"],
         '-m autograder collect "subs.zip" --assignment ex2_xor'),
        (["collect", "EXCHANGE=1", "ASSIGNMENT=ex2_xor"],
         "-m autograder collect --exchange --assignment ex2_xor"),
        (["validate", "NB=course/exercises/a/b.ipynb"], '-m autograder validate "course/exercises/a/b.ipynb"'),
        (["check", "EX=ex1_perceptron"], "-m autograder check ex1_perceptron"),
        (["release"], "-m autograder release"),
        (["report"], "-m autograder report"),
        (["feedback"], "-m autograder feedback"),
    ],
)
def test_make_targets_call_the_cli(goal, expected):
    import shutil
    import subprocess
    from pathlib import Path

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(["make", "--no-print-directory", "-n", "-o", "setup", *goal],
                          cwd=repo, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout


def test_autograder_never_imports_the_network_code():
    import subprocess
    import sys

    code = (
        "import pkgutil, importlib, sys, autograder\n"
        "for m in pkgutil.iter_modules(autograder.__path__):\n"
        "    if m.name not in ('nbgrader_config', '__main__'):\n"
        "        importlib.import_module('autograder.' + m.name)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] == 'nnbasics'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

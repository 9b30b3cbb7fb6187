"""Partial credit per named check through the real pipeline, and the leak test of hidden output.

A small assignment ``leaky`` uses ``nnbasics.grading.CheckSet`` like the course's exercises. Its
hidden tests print sentinels (from inside a check and from bare hidden code), display one, and
raise with sentinel messages. After autograde and feedback, no student-facing text (feedback
HTML, ``make check``/``make validate`` messages) may contain ``SENTINEL``, while the per-check
table still names every check, passed or failed, with its hint.
"""

from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.autograde import grade_submission
from autograder.feedback import generate_feedback
from autograder.layout import CourseLayout
from autograder.release import release
from autograder.solution_submission import solved_release
from autograder.test_results import grade_cell_results
from autograder.validate import format_validation, validate_notebook

pytestmark = pytest.mark.slow

ASSIGNMENT = "leaky"
SENTINEL = "SENTINEL"  # every secret below contains it


def _meta(grade_id, *, solution=False, grade=False, points=0):
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


TEST_DOUBLE = '''checks = grading.CheckSet("test_double", points=3)
checks.check("double(2) is 4", lambda: double(2) == 4, hint="Return 2 * x.")
checks.check("double of an array", lambda: grading.check_equal(double(np.array([1, 2])), [2, 4], "double([1, 2])"))
### BEGIN HIDDEN TESTS
print("SENTINEL printed by bare hidden code")


def _leaky():
    print("SENTINEL printed inside a hidden check")
    raise AssertionError("SENTINEL message of a hidden check")


checks.check("double is ready for negative numbers", _leaky, hint="Think of negative numbers.")
checks.check("double(-3) is -6", lambda: double(-3) == -6, hint="Negative numbers double too.")
display("SENTINEL displayed by hidden code")
### END HIDDEN TESTS
checks.score()'''

TEST_RAW = '''assert double(1) == 2, "double(1) should be 2"
### BEGIN HIDDEN TESTS
print("SENTINEL printed by a plain hidden test")
raise AssertionError("SENTINEL message of a plain hidden test")
### END HIDDEN TESTS'''


def _source_notebook():
    notebook = new_notebook(cells=[
        new_code_cell("import numpy as np\nfrom IPython.display import display\n\nfrom nnbasics import grading",
                      metadata=_meta("setup")),
        new_code_cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                      metadata=_meta("double", solution=True)),
        new_code_cell(TEST_DOUBLE, metadata=_meta("test_double", grade=True, points=3)),
        new_code_cell(TEST_RAW, metadata=_meta("test_raw", grade=True, points=1)),
    ])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The course after grading two students: ``right`` (correct double), ``wrong`` (3 * x)."""
    import nbformat

    layout = CourseLayout(tmp_path_factory.mktemp("leaky") / "course")
    source_path = layout.solutions_dir / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    source_path.parent.mkdir(parents=True)
    nbformat.write(_source_notebook(), source_path)
    release(layout, [ASSIGNMENT])
    released = nbformat.read(layout.release_dir / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    right = solved_release(released, _source_notebook())
    wrong = nbformat.from_dict(right)
    wrong.cells[1].source = "def double(x):\n    return 3 * x"
    states = {}
    for student, notebook in {"right": right, "wrong": wrong}.items():
        folder = layout.submission_dir(student, ASSIGNMENT)
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{ASSIGNMENT}.ipynb")
        states[student] = grade_submission(layout, student, ASSIGNMENT)
    generate_feedback(layout, ASSIGNMENT)
    return layout, states, {"right": right, "wrong": wrong}


def _feedback(layout, student):
    return (layout.feedback_submission_dir(student, ASSIGNMENT) / f"{ASSIGNMENT}.html").read_text()


def _results(layout, student):
    import nbformat

    path = layout.autograded_submission_dir(student, ASSIGNMENT) / f"{ASSIGNMENT}.ipynb"
    return {r.grade_id: r for r in grade_cell_results(nbformat.read(path, 4))}


def test_each_check_carries_its_share_of_the_points(graded):
    layout, states, _ = graded
    # right: 3 of 4 checks of test_double (the leaky hidden check always fails), test_raw raises
    assert (states["right"].status, states["right"].score) == ("graded", 2.25)
    # wrong: only the leaky check and double(-3) fail... and both visible checks: 0 of 4
    right, wrong = _results(layout, "right"), _results(layout, "wrong")
    assert (right["test_double"].score, right["test_double"].max_score) == (2.25, 3.0)
    assert wrong["test_double"].score == 0.0 and right["test_raw"].score == 0.0


def test_no_student_facing_text_contains_what_hidden_tests_printed_or_raised(graded):
    layout, states, _ = graded
    for student in states:
        html = _feedback(layout, student)
        assert SENTINEL not in html, f"hidden test text in the feedback of {student}"
        for result in _results(layout, student).values():
            assert not any(SENTINEL in message for message in result.messages), result
    # control: the instructor's graded notebook does hold the sentinels, so the grep can see them
    import nbformat

    graded_path = layout.autograded_submission_dir("right", ASSIGNMENT) / f"{ASSIGNMENT}.ipynb"
    outputs = str([cell.get("outputs") for cell in nbformat.read(graded_path, 4).cells])
    assert "SENTINEL printed inside a hidden check" not in outputs  # captured by the check itself
    assert "SENTINEL printed by bare hidden code" in outputs and "SENTINEL displayed" in outputs
    assert "SENTINEL message of a plain hidden test" in outputs


def test_feedback_lists_each_check_with_its_hint_and_hidden_ones_by_description(graded):
    layout, _, _ = graded
    html = _feedback(layout, "wrong")
    assert "test_double: 0 of 4 checks passed, 0 of 3 points" in html
    assert "\u2717 double(2) is 4" in html and "Return 2 * x." in html
    assert "AssertionError: double([1, 2]): wrong value at index (0,): expected 2, got 3" in html
    assert "\u2717 double is ready for negative numbers (hidden)" in html and "Think of negative numbers." in html
    assert "AssertionError: double(1) should be 2" in html  # a plain visible test keeps its message
    right = _feedback(layout, "right")
    assert "AssertionError (raised by a hidden test; its message is not shown)" in right
    assert "\u2713 double(2) is 4" in right and "\u2713 double(-3) is -6 (hidden)" in right
    assert "test_double: 3 of 4 checks passed, 2.25 of 3 points" in right


def test_validate_reports_each_failed_visible_check(graded, tmp_path):
    import nbformat

    _, _, notebooks = graded
    path = tmp_path / f"{ASSIGNMENT}.ipynb"
    nbformat.write(notebooks["wrong"], path)
    result = validate_notebook(path)
    text = format_validation(result)
    assert not result.ok and "FAIL test_double" in text and "0/3" in text
    assert "\u2717 double(2) is 4: the check returned False Return 2 * x." in text
    assert "expected 2, got 3" in text


def test_nbgraders_validator_reports_a_partly_passed_cell(graded, tmp_path):
    """JupyterLab's Validate button: a cell short of its points fails validation, no error needed."""
    import nbformat
    from nbgrader.validator import Validator

    _, _, notebooks = graded
    partly = nbformat.from_dict(notebooks["right"])
    partly.cells[1].source = "def double(x):\n    return 4 if x == 2 else x"  # passes double(2) only
    path = tmp_path / f"{ASSIGNMENT}.ipynb"
    nbformat.write(partly, path)
    failed = Validator().validate(str(path)).get("failed", [])
    errors = {cell["source"].splitlines()[0]: cell["raw_error"] for cell in failed}
    assert errors[TEST_DOUBLE.splitlines()[0]] == "Partial credit; passed some but not all of the tests"

"""The graded exercises: source format, release, solutions passing every test, and the mistakes.

* fast checks of the nbgrader source notebooks in ``solutions/`` (metadata, one name per answer
  cell, hidden tests present, no import of the core's solutions, points) and of the generated
  release in ``course/exercises/`` (no solution, no hidden test, no output);
* slow: each solution notebook runs headless and every graded test cell passes;
* slow: each mistake of the catalog (``mistakes.py``) loses points in exactly its
  ``affected_tests`` (each keeping its share of the checks that still pass), the first of them
  shows the expected hint, and every other test still passes. The MNIST mistakes
  train a network each (about a minute apiece on 2 cores); they run when
  ``NNBASICS_EXERCISE_MISTAKES=all`` (the autograder's outcome tests grade them otherwise).
"""

from __future__ import annotations

import ast
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mistakes import MISTAKES, NOTEBOOKS, REPO_ROOT, SOLUTIONS_DIR, apply_mistake, cell_with_grade_id, run_graded_cells  # noqa: E402

RELEASE_DIR = REPO_ROOT / "course" / "exercises"

# grade_id of each answer cell -> points of its test cell(s); the manual reflection is markdown.
EXPECTED_POINTS = {
    "ex1_perceptron": {"test_step": 1, "test_Perceptron": 4, "test_quadratic_features": 2},
    "ex2_xor": {
        "test_sigmoid": 1, "test_sigmoid_derivative": 1, "test_init_params": 2, "test_forward": 2,
        "test_mse_loss": 1, "test_backward": 4, "test_update": 2, "test_train_xor": 3, "reflection": 2,
    },
    "ex3_mnist": {
        "test_normalize": 1, "test_one_hot": 1, "test_relu": 1, "test_relu_derivative": 1, "test_softmax": 2,
        "test_cross_entropy": 2, "test_MLP": 5, "test_Adam": 3, "test_train": 2, "test_accuracy": 1,
        "test_model": 4, "test_MLP_regularization": 3,
    },
}
ALLOWED_NNBASICS_IMPORTS = {"nnbasics.datasets", "nnbasics.plots", "nnbasics.grading"}


def _notebook(assignment: str, root: Path = SOLUTIONS_DIR) -> nbformat.NotebookNode:
    return nbformat.read(root / assignment / NOTEBOOKS[assignment], as_version=4)


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _answer_cells(notebook):
    return [c for c in notebook.cells if c.cell_type == "code" and _meta(c).get("solution")]


def _test_cells(notebook):
    return [c for c in notebook.cells if c.cell_type == "code" and _meta(c).get("grade")]


def _defined_names(source: str) -> set[str]:
    tree = ast.parse(source)
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


ASSIGNMENTS = sorted(NOTEBOOKS)


# ------------------------------------------------------------------ source format ---------------


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_cell_has_nbgrader_metadata_and_unique_grade_ids(assignment):
    notebook = _notebook(assignment)
    ids = [_meta(c)["grade_id"] for c in notebook.cells if _meta(c)]
    assert len(ids) == len(set(ids)), f"duplicate grade_ids in {assignment}: {ids}"
    for cell in notebook.cells:
        meta = _meta(cell)
        if not meta:
            continue  # free playground cells
        assert meta["schema_version"] == 3 and meta["task"] is False
        assert set(meta) >= {"grade", "grade_id", "locked", "solution", "schema_version", "task"}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_answer_cell_defines_its_grade_id_between_solution_markers(assignment):
    for cell in _answer_cells(_notebook(assignment)):
        meta = _meta(cell)
        assert meta["grade"] is False and meta["locked"] is False
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source, meta["grade_id"]
        assert meta["grade_id"] in _defined_names(cell.source), (
            f"{assignment}: answer cell {meta['grade_id']!r} defines {_defined_names(cell.source)}")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_test_cells_are_locked_have_points_and_hidden_tests(assignment):
    notebook = _notebook(assignment)
    answers = {_meta(c)["grade_id"] for c in _answer_cells(notebook)}
    for cell in _test_cells(notebook):
        meta = _meta(cell)
        assert meta["locked"] is True and meta["solution"] is False and meta["points"] > 0
        assert meta["grade_id"].startswith("test_")
        assert meta["grade_id"].removeprefix("test_").split("_regularization")[0] in answers
        visible, _, rest = cell.source.partition("### BEGIN HIDDEN TESTS")
        hidden, _, after = rest.partition("### END HIDDEN TESTS")
        assert hidden.strip(), f"{meta['grade_id']} has no hidden tests"
        assert "checks.check(" in visible and "checks.check(" in hidden, meta["grade_id"]
        assert after.strip() == "checks.score()", f"{meta['grade_id']} should end with checks.score()"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_test_cell_runs_a_checkset_named_after_it_with_its_points(assignment):
    """nbgrader refuses a partial score above the cell's points: the CheckSet must match them."""
    for cell in _test_cells(_notebook(assignment)):
        meta = _meta(cell)
        calls = [
            node for node in ast.walk(ast.parse(cell.source))
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "CheckSet"
        ]
        assert len(calls) == 1, f"{meta['grade_id']}: expected one grading.CheckSet(...)"
        name = calls[0].args[0].value
        points = next(k.value.value for k in calls[0].keywords if k.arg == "points")
        assert (name, points) == (meta["grade_id"], meta["points"])


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_points_per_test_cell(assignment):
    notebook = _notebook(assignment)
    graded = {_meta(c)["grade_id"]: _meta(c)["points"] for c in notebook.cells if _meta(c).get("grade")}
    assert graded == EXPECTED_POINTS[assignment]


def test_reflection_is_a_manually_graded_markdown_answer():
    cell = cell_with_grade_id(_notebook("ex2_xor"), "reflection")
    meta = _meta(cell)
    assert cell.cell_type == "markdown"
    assert (meta["solution"], meta["grade"], meta["task"], meta["locked"]) == (True, True, False, False)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exercises_import_only_datasets_plots_and_grading_from_nnbasics(assignment):
    for cell in _notebook(assignment).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("nnbasics"):
                modules = {node.module} if node.module != "nnbasics" else {f"nnbasics.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                modules = {a.name for a in node.names if a.name.startswith("nnbasics")}
            else:
                continue
            assert modules <= ALLOWED_NNBASICS_IMPORTS, f"{assignment} imports {modules}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_grading_is_imported_before_any_answer_cell(assignment):
    cells = _notebook(assignment).cells
    first_answer = next(i for i, c in enumerate(cells) if _meta(c).get("solution"))
    setup = [c for c in cells[:first_answer] if c.cell_type == "code" and "from nnbasics import" in c.source]
    assert setup and "grading" in setup[0].source and _meta(setup[0])["locked"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebooks_are_committed_without_outputs(assignment):
    for cell in _notebook(assignment).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


# ------------------------------------------------------------------ release ---------------------


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_has_stubs_and_no_solution_or_hidden_test(assignment):
    source, release = _notebook(assignment), _notebook(assignment, RELEASE_DIR)
    text = "\n".join(c.source for c in release.cells)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text
    for cell in _answer_cells(release):
        assert "raise NotImplementedError()" in cell.source and "# YOUR CODE HERE" in cell.source
    released_tests = {_meta(c)["grade_id"]: c.source for c in _test_cells(release)}
    for cell in _test_cells(source):
        visible, _, hidden = cell.source.partition("### BEGIN HIDDEN TESTS")
        released = released_tests[_meta(cell)["grade_id"]]
        assert released.strip() == visible.strip() + "\nchecks.score()"
        visible_lines = set(visible.splitlines())
        hidden_lines = [
            line for line in hidden.splitlines()[1:-1] if len(line.strip()) > 25 and line not in visible_lines
        ]
        released_lines = set(released.splitlines())
        assert not [line for line in hidden_lines if line in released_lines]
    for cell in release.cells:
        if cell.cell_type == "code":
            assert cell.outputs == []


def test_release_keeps_the_reflection_as_an_empty_answer():
    cell = cell_with_grade_id(_notebook("ex2_xor", RELEASE_DIR), "reflection")
    assert cell.source.strip() == "YOUR ANSWER HERE"


def test_release_does_not_give_away_the_training_hyperparameters():
    release = _notebook("ex2_xor", RELEASE_DIR)
    assert "def train_xor" not in cell_with_grade_id(release, "train_xor").source
    assert "MLP(" not in cell_with_grade_id(_notebook("ex3_mnist", RELEASE_DIR), "model").source


# ------------------------------------------------------------------ mistake catalog (structure) --


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_mistake_targets_an_answer_cell_and_existing_tests(mistake):
    notebook = nbformat.read(mistake.source_path, as_version=4)
    cell = cell_with_grade_id(notebook, mistake.grade_id)
    assert _meta(cell)["solution"] and cell.cell_type == "code"
    ast.parse(mistake.replacement_source)
    assert "BEGIN SOLUTION" not in mistake.replacement_source
    tests = {_meta(c)["grade_id"] for c in _test_cells(notebook)}
    assert set(mistake.affected_tests) <= tests and mistake.affected_tests
    changed = apply_mistake(mistake)
    assert cell_with_grade_id(changed, mistake.grade_id).source == mistake.replacement_source
    assert cell_with_grade_id(notebook, mistake.grade_id).source != mistake.replacement_source


def test_catalog_covers_each_levels_common_mistakes():
    hints = {(m.assignment, re.sub(r"^Hint \[(.*)\]$", r"\1", m.expected_hint)) for m in MISTAKES}
    assert {("ex1_perceptron", "zero initialization"), ("ex1_perceptron", "non-random initialization"),
            ("ex1_perceptron", "incorrect learning rate")} <= hints
    assert {("ex2_xor", "wrong gradients"), ("ex2_xor", "learning rate too high"),
            ("ex2_xor", "learning rate too low"), ("ex2_xor", "zero initialization"),
            ("ex2_xor", "gradient ascent instead of descent")} <= hints
    assert {("ex3_mnist", "data not normalized"), ("ex3_mnist", "learning rate too high"),
            ("ex3_mnist", "overfitting")} <= hints


# ------------------------------------------------------------------ execution (slow) ------------


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_passes_every_test_cell(assignment):
    notebook = _notebook(assignment)
    results = run_graded_cells(notebook, SOLUTIONS_DIR / assignment)
    failures = {g: r.feedback() for g, r in results.items() if not r.passed}
    assert not failures
    assert all(r.score == r.points for r in results.values())
    assert sorted(results) == sorted(g for g in EXPECTED_POINTS[assignment] if g != "reflection")


_RUN_ALL_MISTAKES = os.environ.get("NNBASICS_EXERCISE_MISTAKES") == "all"


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_mistake_fails_its_tests_with_its_hint(mistake):
    if mistake.assignment == "ex3_mnist" and not _RUN_ALL_MISTAKES:
        pytest.skip("trains MNIST once per mistake; set NNBASICS_EXERCISE_MISTAKES=all to run")
    results = run_graded_cells(apply_mistake(mistake), mistake.source_path.parent)
    failed = sorted(g for g, r in results.items() if not r.passed)
    assert failed == sorted(mistake.affected_tests), {g: results[g].feedback() for g in failed}
    first = results[mistake.affected_tests[0]].feedback()
    assert mistake.expected_hint in first, first
    for grade_id in mistake.affected_tests:
        result = results[grade_id]
        assert result.error is None, f"{grade_id}: a failed check must not stop the cell ({result.error})"
        if mistake.partial:  # the checks that still pass keep their share of the points
            assert result.partial, f"{grade_id}: {result.score} of {result.points}"
        else:
            assert result.score == 0, f"{grade_id}: {result.score} of {result.points}"

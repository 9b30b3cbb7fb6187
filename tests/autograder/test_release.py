"""The release: no solutions, no hidden tests, no outputs; and the committed one has not drifted."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from grading_pipeline_helpers import HIDDEN_SENTINEL, TINY

from autograder.hidden_tests import hidden_test_lines, leaked_lines
from autograder.layout import CourseLayout
from autograder.release import ReleaseError, release, release_drift, release_problems

REPO_ROOT = Path(__file__).resolve().parents[2]
REPO = CourseLayout(REPO_ROOT)


def test_tiny_release_has_no_solution_hidden_test_or_output(tiny_course):
    text = tiny_course.released_path.read_text()
    assert HIDDEN_SENTINEL not in text
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    notebook = tiny_course.released()
    solution_cells = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert [c.source.count("raise NotImplementedError()") for c in solution_cells] == [1, 1]
    assert not any("return" in c.source for c in solution_cells)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")
    tests = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert [c.metadata.nbgrader.grade_id for c in tests] == ["test_add", "test_mul"]
    assert all(c.metadata.nbgrader.locked for c in tests)
    assert release_problems(tiny_course.released_path) == []


def test_release_problems_finds_outputs_and_markers(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1  ### BEGIN SOLUTION", execution_count=3,
                                  outputs=[nbformat.v4.new_output("stream", text="1")]),
    ])
    path = tmp_path / "leaky.ipynb"
    nbformat.write(notebook, path)
    problems = release_problems(path)
    assert "leaky.ipynb cell 0 has outputs" in problems
    assert "leaky.ipynb cell 0 has an execution count" in problems
    assert "leaky.ipynb cell 0 still contains 'BEGIN SOLUTION'" in problems


@pytest.mark.slow
def test_drift_is_empty_after_release_and_found_after_a_source_edit(tiny_course):
    layout = tiny_course.layout
    assert release_drift(layout) == []
    source = tiny_course.solution()
    source.cells[0].source += "\nOne more sentence."
    nbformat.write(source, tiny_course.source_path)
    assert release_drift(layout) == [f"{TINY}/{TINY}.ipynb: cell 0 source differs"]


def test_release_of_an_unknown_assignment_is_refused(tiny_course):
    with pytest.raises(ValueError, match="unknown assignment 'nope'"):
        release(tiny_course.layout, ["nope"])


def test_release_without_sources_is_refused(tmp_path):
    with pytest.raises(ReleaseError, match="no assignments to release"):
        release(CourseLayout(tmp_path))


# --- the repository's own exercises -------------------------------------------------------


def _repo_assignments() -> list[str]:
    return REPO.assignments()


@pytest.mark.slow
@pytest.mark.skipif(not _repo_assignments(), reason="no exercises in solutions/ yet")
def test_committed_release_matches_the_solutions():
    differences = release_drift(REPO)
    assert differences == [], "course/exercises drifted; run `make release`:\n" + "\n".join(
        differences
    )


@pytest.mark.parametrize("assignment", _repo_assignments())
def test_committed_release_has_no_hidden_test_solution_or_output(assignment):
    released_dir = REPO.release_dir / assignment
    if not released_dir.is_dir():
        pytest.fail(f"{released_dir} is missing; run `make release`")
    for name in REPO.notebooks(assignment):
        released = released_dir / f"{name}.ipynb"
        source = REPO.solutions_dir / assignment / f"{name}.ipynb"
        assert release_problems(released) == []
        sources = "\n".join(cell.source for cell in nbformat.read(released, 4).cells)
        assert leaked_lines(sources, hidden_test_lines(source)) == []
        assert hidden_test_lines(source), f"{source.name} has no hidden tests"


@pytest.mark.slow
def test_release_into_a_copy_of_the_repository_is_deterministic(tmp_path):
    assignments = _repo_assignments()
    if not assignments:
        pytest.skip("no exercises in solutions/ yet")
    copy = CourseLayout(tmp_path)
    for assignment in assignments:
        shutil.copytree(REPO.solutions_dir / assignment, copy.solutions_dir / assignment)
    release(copy)
    first = {p: p.read_bytes() for p in copy.release_dir.rglob("*.ipynb")}
    release(copy)
    assert {p: p.read_bytes() for p in copy.release_dir.rglob("*.ipynb")} == first

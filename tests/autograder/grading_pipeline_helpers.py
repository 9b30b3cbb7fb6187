"""Helpers of the pipeline tests: a tiny nbgrader course built in a temporary folder.

The tiny assignment ``tiny`` has one notebook ``tiny.ipynb`` with two solution cells
(``add``, ``mul``) and two test cells (``test_add`` 2 points with a hidden test, ``test_mul``
1 point). Its hidden test carries :data:`HIDDEN_SENTINEL` so leaks are easy to find.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.config import GradingSettings
from autograder.layout import CourseLayout
from autograder.solution_submission import solved_release

TINY = "tiny"
HIDDEN_SENTINEL = "HIDDEN_SENTINEL_4711"
ADD_HINT = "Hint [add]: add(a, b) should return a + b"
HIDDEN_HINT = "Hint [negative numbers]: add must work for negative numbers"
MUL_HINT = "Hint [mul]: mul(a, b) should return a * b"
# short limits so that the failure cases stay fast
FAST_SETTINGS = GradingSettings(cell_timeout=4, notebook_timeout=30)


def _meta(grade_id: str, *, solution=False, grade=False, locked=False, points=0) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


ADD_SOLUTION = "def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION"
MUL_SOLUTION = "def mul(a, b):\n    ### BEGIN SOLUTION\n    return a * b\n    ### END SOLUTION"
TEST_ADD = (
    f'assert add(1, 2) == 3, "{ADD_HINT}"\n'
    "### BEGIN HIDDEN TESTS\n"
    f'{HIDDEN_SENTINEL} = add(-2, 2)\n'
    f'assert {HIDDEN_SENTINEL} == 0, "{HIDDEN_HINT}"\n'
    "### END HIDDEN TESTS"
)
TEST_MUL = f'assert mul(2, 3) == 6, "{MUL_HINT}"'


def tiny_source_notebook() -> nbformat.NotebookNode:
    """The instructor version of the tiny assignment."""
    cells = [
        new_markdown_cell("# Tiny exercise\nWrite `add` and `mul`."),
        new_code_cell(ADD_SOLUTION, metadata=_meta("add", solution=True)),
        new_code_cell(TEST_ADD, metadata=_meta("test_add", grade=True, locked=True, points=2)),
        new_code_cell(MUL_SOLUTION, metadata=_meta("mul", solution=True)),
        new_code_cell(TEST_MUL, metadata=_meta("test_mul", grade=True, locked=True, points=1)),
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3", "display_name": "Python 3", "language": "python"
    }
    return notebook


def fill_solutions(released: nbformat.NotebookNode, source: nbformat.NotebookNode):
    """What a perfect student hands in (see autograder.solution_submission)."""
    return solved_release(released, source)


def replace_cell(notebook: nbformat.NotebookNode, grade_id: str, source: str):
    """A copy of ``notebook`` with the cell ``grade_id`` given a new source."""
    changed = copy.deepcopy(notebook)
    hits = [c for c in changed.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    assert hits, f"no cell {grade_id!r} in the notebook"
    hits[0].source = source
    return changed


class ReleasedCourse:
    """A temporary course with one generated assignment released; helpers to submit variants.
    Subclasses name the ``ASSIGNMENT`` and give its ``source_notebook()``."""

    ASSIGNMENT = ""

    @staticmethod
    def source_notebook() -> nbformat.NotebookNode:
        raise NotImplementedError

    def __init__(self, root: Path, template: Path | None = None) -> None:
        """Build the course at ``root``, by copying ``template`` (a built course root of the same
        kind) when given: creating a gradebook and releasing cost seconds."""
        from autograder.release import release

        self.layout = CourseLayout(root)
        self.source_path = self.layout.solutions_dir / self.ASSIGNMENT / f"{self.ASSIGNMENT}.ipynb"
        self.released_path = self.layout.release_dir / self.ASSIGNMENT / f"{self.ASSIGNMENT}.ipynb"
        if template is not None:
            shutil.copytree(template, root)
            return
        self.source_path.parent.mkdir(parents=True)
        nbformat.write(self.source_notebook(), self.source_path)
        release(self.layout, [self.ASSIGNMENT])

    def released(self) -> nbformat.NotebookNode:
        return nbformat.read(self.released_path, as_version=4)

    def solution(self) -> nbformat.NotebookNode:
        return nbformat.read(self.source_path, as_version=4)

    def path(self, student: str) -> Path:
        """Where ``student``'s submitted notebook goes (its folder created)."""
        path = self.layout.submission_dir(student, self.ASSIGNMENT) / f"{self.ASSIGNMENT}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def submit_notebook(self, student: str, notebook: nbformat.NotebookNode) -> Path:
        path = self.path(student)
        nbformat.write(notebook, path)
        return path

    def submit_text(self, student: str, text: str) -> Path:
        path = self.path(student)
        path.write_text(text)
        return path

    def submit_with(self, student: str, **sources: str) -> Path:
        """Submit the released notebook with the cells named by grade_id replaced."""
        notebook = self.released()
        for cell in notebook.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in sources:
                cell.source = sources[grade_id]
        return self.submit_notebook(student, notebook)


class TinyCourse(ReleasedCourse):
    """The tiny assignment (``tiny_source_notebook``) released in a temporary course."""

    ASSIGNMENT = TINY
    source_notebook = staticmethod(tiny_source_notebook)

    def submit_solution(self, student: str) -> Path:
        """The released notebook with the solutions written in (what a perfect student hands in)."""
        return self.submit_notebook(student, fill_solutions(self.released(), self.solution()))


def read_json(path: Path) -> dict:
    return json.loads(path.read_text())

"""The submission zoo: a tiny course whose tests use numpy and the course's test helpers, and the
kinds of submission an instructor meets (right, wrong, hostile, broken), each with the state,
reason and score range grading must give.

The assignment ``zoo`` has one notebook: a locked set-up cell (``import numpy as np``, ``from
nnbasics import grading``), answer cells ``add`` and ``mul`` and their test cells (``test_add`` 2
points with a hidden test carrying :data:`ZOO_HIDDEN_SENTINEL`, ``test_mul`` 1 point), whose
asserts use ``np.allclose`` / ``np.isclose`` (what a cheater rebinds).
"""

from __future__ import annotations

import copy
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
from grading_pipeline_helpers import _meta
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.layout import CourseLayout
from autograder.solution_submission import solved_release

ZOO = "zoo"
ZOO_HIDDEN_SENTINEL = "ZOO_HIDDEN_SENTINEL_8153"
SETUP = "import numpy as np\nfrom nnbasics import grading"
ADD = "def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION"
MUL = "def mul(a, b):\n    ### BEGIN SOLUTION\n    return a * b\n    ### END SOLUTION"
TEST_ADD = (
    'assert np.allclose(add(1.0, 2.0), 3.0), "Hint [add]: add(a, b) should return a + b"\n'
    "### BEGIN HIDDEN TESTS\n"
    f"{ZOO_HIDDEN_SENTINEL} = add(-2.0, 2.0)\n"
    f'assert np.isclose({ZOO_HIDDEN_SENTINEL}, 0.0), "Hint [negative]: add must handle negatives"\n'
    "### END HIDDEN TESTS"
)
TEST_MUL = 'assert np.isclose(mul(2.0, 3.0), 6.0), "Hint [mul]: mul(a, b) should return a * b"'
RIGHT_ADD = "def add(a, b):\n    return a + b"
RIGHT_MUL = "def mul(a, b):\n    return a * b"
SQLITE_MAGIC = "SQLite format 3"


def zoo_source_notebook() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Zoo exercise\nWrite `add` and `mul`."),
        new_code_cell(SETUP, metadata=_meta("setup", locked=True)),
        new_code_cell(ADD, metadata=_meta("add", solution=True)),
        new_code_cell(TEST_ADD, metadata=_meta("test_add", grade=True, locked=True, points=2)),
        new_code_cell(MUL, metadata=_meta("mul", solution=True)),
        new_code_cell(TEST_MUL, metadata=_meta("test_mul", grade=True, locked=True, points=1)),
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


class ZooCourse:
    """A temporary course with the zoo assignment released (copied from ``template`` if given)."""

    def __init__(self, root: Path, template: Path | None = None) -> None:
        from autograder.release import release

        self.layout = CourseLayout(root)
        self.source_path = self.layout.solutions_dir / ZOO / f"{ZOO}.ipynb"
        self.released_path = self.layout.release_dir / ZOO / f"{ZOO}.ipynb"
        if template is not None:
            shutil.copytree(template, root)
            return
        self.source_path.parent.mkdir(parents=True)
        nbformat.write(zoo_source_notebook(), self.source_path)
        release(self.layout, [ZOO])

    def released(self) -> nbformat.NotebookNode:
        return nbformat.read(self.released_path, as_version=4)

    def path(self, student: str) -> Path:
        path = self.layout.submission_dir(student, ZOO) / f"{ZOO}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def submit_notebook(self, student: str, notebook: nbformat.NotebookNode) -> None:
        nbformat.write(notebook, self.path(student))

    def submit_solution(self, student: str) -> None:
        source = nbformat.read(self.source_path, as_version=4)
        self.submit_notebook(student, solved_release(self.released(), source))

    def submit_with(self, student: str, **sources: str) -> None:
        """The released notebook with the named cells replaced (right answers elsewhere)."""
        notebook = self.released()
        sources = {"add": RIGHT_ADD, "mul": RIGHT_MUL, **sources}
        for cell in notebook.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in sources:
                cell.source = sources[grade_id]
        self.submit_notebook(student, notebook)

    def submit_without(self, student: str, grade_id: str) -> None:
        """Right answers, with the cell ``grade_id`` deleted."""
        self.submit_with(student)
        notebook = nbformat.read(self.path(student), as_version=4)
        kept = copy.deepcopy(notebook)
        kept.cells = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") != grade_id]
        self.submit_notebook(student, kept)

    def printed(self, student: str) -> str:
        """Everything the autograded notebook's cells printed (stream outputs)."""
        path = self.layout.autograded_submission_dir(student, ZOO) / f"{ZOO}.ipynb"
        notebook = nbformat.read(path, as_version=4)
        return "".join(o.get("text", "") for c in notebook.cells for o in c.get("outputs", []))


@dataclass(frozen=True)
class Expected:
    """What grading must say about one zoo submission."""

    status: str
    reason: str = ""  # a fragment of the reason ("" = no reason expected)
    low: float | None = None  # score range [low, high]; None for failures
    high: float | None = None


def probe(code: str, answer: str = RIGHT_ADD) -> str:
    """An ``add`` cell that first runs ``code`` (which sets ``SEEN``) and prints ``SEEN <value>``."""
    return f"{code}\nprint('SEEN', SEEN)\n{answer}"


def existing_processes_with(marker: str) -> list[int]:
    """Pids of processes whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found

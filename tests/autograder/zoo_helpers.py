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
from dataclasses import dataclass
from pathlib import Path

import nbformat
from grading_pipeline_helpers import ReleasedCourse, _meta
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

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


class ZooCourse(ReleasedCourse):
    """A temporary course with the zoo assignment released (copied from ``template`` if given)."""

    ASSIGNMENT = ZOO
    source_notebook = staticmethod(zoo_source_notebook)

    def submit_solution(self, student: str) -> None:
        self.submit_notebook(student, solved_release(self.released(), self.solution()))

    def submit_with(self, student: str, **sources: str) -> Path:
        """The released notebook with the named cells replaced (right answers elsewhere)."""
        return super().submit_with(student, **{"add": RIGHT_ADD, "mul": RIGHT_MUL, **sources})

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

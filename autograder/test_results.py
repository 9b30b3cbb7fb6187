"""Per-test results of an executed notebook: one :class:`TestResult` per grade cell.

Messages are ``ename: evalue`` of an error raised by visible test code, only ``ename`` for one
raised by a hidden test, and one line per failed named check (description, visible error, hint),
never the test's source or its traceback, so they are safe to show for hidden tests too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from nbformat import NotebookNode
from nbgrader.utils import determine_grade, is_grade, is_solution

from autograder.check_table import failed_messages
from autograder.scrub import check_table_of, safe_error_summary

_LOG = logging.getLogger(__name__)


@dataclass
class TestResult:
    """Score of one grade cell and the error messages it printed."""

    __test__ = False  # a result, not a pytest test class

    grade_id: str
    score: float
    max_score: float
    messages: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.score >= self.max_score and not self.messages

    def line(self) -> str:
        """``PASS test_x  2/2`` or ``FAIL test_x  0/2`` (messages not included)."""
        mark = "PASS" if self.passed else "FAIL"
        return f"{mark} {self.grade_id:<32} {self.score:g}/{self.max_score:g}"


def grade_cell_results(notebook: NotebookNode) -> list[TestResult]:
    """Results of the autograded test cells of an executed ``notebook``, in notebook order."""
    results = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or not is_grade(cell) or is_solution(cell):
            continue
        score, max_score = determine_grade(cell, _LOG)
        messages = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                messages.append(safe_error_summary(output, cell.source))
            elif (table := check_table_of(output)) is not None:
                messages += failed_messages(table)
        grade_id = cell.metadata["nbgrader"].get("grade_id", f"cell {index}")
        results.append(TestResult(grade_id, float(score or 0.0), float(max_score or 0.0), messages))
    return results

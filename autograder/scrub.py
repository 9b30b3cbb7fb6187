"""Feedback preprocessor: reduce the tracebacks of grade cells to ``ename: evalue``.

A failing hidden test prints a traceback that quotes the hidden test's source lines, which
``ClearHiddenTests`` does not touch (it only edits the cell's source). This preprocessor replaces
each error output of a grade cell by the single line ``AssertionError: <message>``: the hint in the
assertion message stays, the test code goes. ANSI colour codes are stripped from the message.
"""

from __future__ import annotations

import re

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade
from traitlets import Bool

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    """``text`` without ANSI colour/escape sequences."""
    return _ANSI.sub("", text)


def error_summary(output: NotebookNode) -> str:
    """``"ename: evalue"`` of an error output (just ``ename`` when the message is empty)."""
    ename = strip_ansi(str(output.get("ename", "Error")))
    evalue = strip_ansi(str(output.get("evalue", "")))
    return f"{ename}: {evalue}" if evalue else ename


class ScrubGradeCellTracebacks(NbGraderPreprocessor):
    """Replace every error traceback of a grade cell (or of every code cell) by its summary."""

    all_cells = Bool(
        False, help="Scrub error outputs of every code cell, not only of grade cells."
    ).tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: dict, cell_index: int):
        if cell.cell_type != "code" or not (self.all_cells or is_grade(cell)):
            return cell, resources
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [error_summary(output)]
        return cell, resources

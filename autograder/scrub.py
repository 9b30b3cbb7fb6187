"""Feedback preprocessor: a grade cell's outputs keep nothing a hidden test could have written.

``ClearHiddenTests`` only edits a cell's source. The outputs of a test cell were produced by the
visible *and* the hidden tests, so :class:`ScrubGradeCellTracebacks` rebuilds them:

- the per-check table (``CHECKS_MIME``) is drawn again from its descriptions, pass/fail and hints
  (a failed visible check also keeps its ``Type: message``; a hidden one only the type), see
  :mod:`autograder.check_table`;
- the score (the cell's last expression, a number) stays as a plain number;
- an error keeps ``ename: evalue`` when its line is visible test code, else only ``ename``:
  a hidden test's message is never shown, nor any traceback;
- everything else (printed text, other displays) is dropped.

ANSI colour codes are stripped from the messages.
"""

from __future__ import annotations

import re

from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution
from traitlets import Bool

from autograder.check_table import CHECKS_MIME, render_html, render_text, student_table

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CELL_FRAME = re.compile(r"^Cell In\[\d+\], line (\d+)")
_ARROW = re.compile(r"^-+> *(\d+) ?(.*)$")
BEGIN_HIDDEN, END_HIDDEN = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
HIDDEN_ERROR_NOTE = "(raised by a hidden test; its message is not shown)"


def strip_ansi(text: str) -> str:
    """``text`` without ANSI colour/escape sequences."""
    return _ANSI.sub("", text)


def error_summary(output: NotebookNode) -> str:
    """``"ename: evalue"`` of an error output (just ``ename`` when the message is empty)."""
    ename = strip_ansi(str(output.get("ename", "Error")))
    evalue = strip_ansi(str(output.get("evalue", "")))
    return f"{ename}: {evalue}" if evalue else ename


def _failing_line(output: NotebookNode) -> tuple[int, str] | None:
    """(line number, code) of the statement of the test cell itself that raised, from the
    IPython traceback's first ``Cell In[..], line N`` frame; None when it cannot be read."""
    for entry in output.get("traceback", []):
        lines = strip_ansi(entry).splitlines()
        if not lines or not (frame := _CELL_FRAME.match(lines[0].strip())):
            continue
        for line in lines[1:]:
            arrow = _ARROW.match(line.strip())
            if arrow and int(arrow.group(1)) == int(frame.group(1)):
                return int(frame.group(1)), arrow.group(2)
        return int(frame.group(1)), ""
    return None


def _hidden_line_numbers(source_lines: list[str]) -> set[int]:
    inside, hidden = False, set()
    for number, line in enumerate(source_lines, start=1):
        if BEGIN_HIDDEN in line:
            inside = True
            hidden.add(number)
        elif END_HIDDEN in line:
            inside = False
            hidden.add(number)
        elif inside:
            hidden.add(number)
    return hidden


def raised_in_visible_code(output: NotebookNode, cell_source: str) -> bool:
    """Whether the error ``output`` of a test cell was raised by a visible line of it.

    ``cell_source`` is either the full test (hidden blocks included: the line must lie outside
    them) or the visible part only, after ``ClearHiddenTests`` (the line must be there, with the
    same code). When in doubt, the answer is False, and the message stays hidden.
    """
    failing = _failing_line(output)
    if failing is None:
        return False
    number, code = failing
    lines = cell_source.splitlines()
    if number > len(lines) or number in _hidden_line_numbers(lines):
        return False
    return bool(code) and lines[number - 1].strip() == code.strip()


def safe_error_summary(output: NotebookNode, cell_source: str) -> str:
    """``"ename: evalue"`` for an error of visible code, ``"ename (raised by a hidden test...)"``
    otherwise."""
    if raised_in_visible_code(output, cell_source):
        return error_summary(output)
    return f"{strip_ansi(str(output.get('ename', 'Error')))} {HIDDEN_ERROR_NOTE}"


def check_table_of(output: NotebookNode) -> dict | None:
    """The student-safe check table carried by ``output``, if it carries one."""
    data = output.get("data", {}) if output.get("output_type") in ("display_data", "execute_result") else {}
    return student_table(data.get(CHECKS_MIME)) if CHECKS_MIME in data else None


def _score_text(output: NotebookNode) -> str | None:
    text = output.get("data", {}).get("text/plain", "")
    text = "".join(text) if isinstance(text, list) else str(text)
    try:
        return f"{float(text.strip()):g}"
    except ValueError:
        return None


def student_outputs(cell: NotebookNode) -> list[NotebookNode]:
    """The outputs of a test cell rebuilt with only what a student may read (see module doc)."""
    kept = []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        table = check_table_of(output)
        if table is not None:
            kept.append(new_output("display_data", data={
                "text/plain": render_text(table), "text/html": render_html(table)}))
        elif kind == "execute_result" and (score := _score_text(output)) is not None:
            kept.append(new_output("execute_result", data={"text/plain": score},
                                   execution_count=output.get("execution_count")))
        elif kind == "error":
            summary = safe_error_summary(output, cell.source)
            ename = strip_ansi(str(output.get("ename", "Error")))
            evalue = summary[len(ename) + 2:] if summary.startswith(f"{ename}: ") else ""
            kept.append(new_output("error", ename=ename, evalue=evalue, traceback=[summary]))
    return kept


class ScrubGradeCellTracebacks(NbGraderPreprocessor):
    """Rebuild the outputs of every autograded test cell (:func:`student_outputs`); with
    ``all_cells``, also reduce the error tracebacks of every other code cell to their summary."""

    all_cells = Bool(
        False, help="Also scrub error outputs of every other code cell."
    ).tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: dict, cell_index: int):
        if cell.cell_type != "code":
            return cell, resources
        if is_grade(cell) and not is_solution(cell):
            cell.outputs = student_outputs(cell)
        elif self.all_cells or is_grade(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [error_summary(output)]
        return cell, resources

"""Why a submission could not be graded, in words an instructor (and a student) understands.

:func:`failure_reason` reads what nbgrader logged when ``Autograde`` failed;
:func:`timed_out_cells` finds cells that were interrupted at the per-cell limit;
:func:`broken_setup_cells` finds locked, instructor-written cells that ran before any student
code and raised (imports, data loading): the grading environment is broken, not the submission.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from autograder.config import GradingSettings
from autograder.execution import CELL_TIMEOUT_ENAME

_MAX_REASON = 300
# jupyter_client's messages when a kernel does not answer its first request (kernel_info), either
# because its process exited or because it hung, e.g. after "Address already in use" (another
# process took one of its ports between the choice and the bind): no notebook code has run yet
KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Kernel didn't respond in ")
_LAST_ERROR = re.compile(r"^(?:[\w.]+\.)?(\w+(?:Error|Exception|Exit)): ?(.*)$", re.MULTILINE)


def kernel_did_not_start(text: str) -> bool:
    """Whether nbgrader's log ``text`` says the kernel never answered, so nothing of the notebook ran."""
    return any(marker in text for marker in KERNEL_START_FAILURES)


def failure_reason(text: str, settings: GradingSettings) -> str:
    """Classify nbgrader's log/traceback of a failed autograde into one short reason."""
    if "NotebookTimeoutError" in text:
        return (
            f"timeout: the notebook ran longer than its limit of {settings.notebook_timeout} s "
            "(infinite loop or very slow code?)"
        )
    if kernel_did_not_start(text):
        reason = "kernel did not start (no notebook code ran; a busy machine?): grade this submission again"
        if settings.sandbox:
            reason += "; if every submission fails so, check that `bwrap --ro-bind / / true` works here"
        return reason
    if "DeadKernelError" in text or "Kernel died" in text:
        return (
            "kernel died: the notebook's code ended the Python process (os._exit, a crash, "
            "or running out of memory)"
        )
    if (
        "Timeout waiting for IOPub output" in text
        or "UnresponsiveKernelError" in text
        or "became unresponsive" in text
        or CELL_TIMEOUT_ENAME in text
    ):
        return (
            f"timeout: a cell ran longer than the per-cell limit of {settings.cell_timeout} s "
            "and could not be interrupted (infinite loop?)"
        )
    if "NotJSONError" in text or "JSONDecodeError" in text:
        return "invalid notebook: the file is not valid JSON"
    errors = _LAST_ERROR.findall(text)
    if errors:
        name, message = errors[-1]
        return _shorten(f"nbgrader error: {name}: {message}".strip())
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return _shorten("nbgrader error: " + (lines[-1] if lines else "unknown (nothing logged)"))


def timed_out_cells(notebooks: list[Path]) -> list[str]:
    """``notebook:cell`` names of the cells interrupted at their time limit."""
    found = []
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            if any(
                output.get("output_type") == "error" and output.get("ename") == CELL_TIMEOUT_ENAME
                for output in cell.get("outputs", [])
            ):
                name = cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {index}"
                found.append(f"{path.stem}:{name}")
    return found


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 3] + "..."


def broken_setup_cells(notebooks: list[Path]) -> list[str]:
    """``notebook:cell raised Error: message`` for each locked cell before the first answer cell
    that ended in an error. nbgrader restores locked cells before running them and no student
    code ran before them, so such an error is the grading environment's (a missing package, no
    data), never the student's."""
    found = []
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        for index, cell in enumerate(notebook.cells):
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                break  # student code from here on
            if cell.cell_type != "code" or not meta.get("locked") or meta.get("grade"):
                continue
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    name = meta.get("grade_id") or f"cell {index + 1}"
                    found.append(_shorten(
                        f"{path.stem}:{name} raised {output.get('ename')}: {output.get('evalue')}"))
                    break
    return found

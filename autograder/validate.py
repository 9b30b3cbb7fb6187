"""``make validate NB=path``: run a notebook's visible tests, as a student sees them.

The notebook (a released exercise, solved or not) runs in a fresh kernel with the grading time
limits; the file itself is not modified. Every test cell is reported as PASS or FAIL with its
hint, and :func:`main`'s exit status is non-zero when any test fails or the notebook cannot run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.config import GradingSettings
from autograder.execution import DeadlineExecute
from autograder.failures import failure_reason
from autograder.submission_checks import notebook_problem
from autograder.test_results import TestResult, grade_cell_results


@dataclass
class ValidationResult:
    """What validating one notebook found."""

    path: Path
    tests: list[TestResult] = field(default_factory=list)
    problem: str = ""

    @property
    def failed(self) -> list[TestResult]:
        return [test for test in self.tests if not test.passed]

    @property
    def ok(self) -> bool:
        return not self.problem and not self.failed


def run_notebook(path: Path, settings: GradingSettings, mode: str) -> nbformat.NotebookNode:
    """Execute a copy of ``path`` in its own folder with the grading limits; return it.

    ``mode`` goes to the kernel as ``NBGRADER_EXECUTION`` (``validate`` or ``autograde``).
    Raises what the execution raises (dead kernel, notebook timeout...).
    """
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    executor = DeadlineExecute(
        timeout=settings.cell_timeout,
        notebook_timeout=settings.notebook_timeout,
        kernel_name=settings.kernel_name,
    )
    previous = {key: os.environ.get(key) for key in ("NBGRADER_EXECUTION", "NBGRADER_VALIDATING")}
    os.environ["NBGRADER_EXECUTION"] = mode
    os.environ["NBGRADER_VALIDATING"] = "1"
    try:
        executor.preprocess(notebook, {"metadata": {"path": str(path.parent.resolve())}})
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return notebook


def validate_notebook(path: Path, settings: GradingSettings | None = None) -> ValidationResult:
    """Run ``path`` and collect the result of each of its test cells."""
    settings = settings or GradingSettings.from_environment()
    path = Path(path)
    problem = notebook_problem(path)
    if problem:
        return ValidationResult(path, problem=problem)
    try:
        notebook = run_notebook(path, settings, "validate")
    except Exception as error:  # noqa: BLE001 - reported as the reason, like the autograder
        return ValidationResult(path, problem=failure_reason(f"{type(error).__name__}: {error}", settings))
    result = ValidationResult(path, grade_cell_results(notebook))
    if not result.tests:
        result.problem = "no test cells found: is this an exercise notebook from course/exercises/?"
    return result


def format_validation(result: ValidationResult) -> str:
    """The text ``make validate`` prints."""
    lines = [f"Validating {result.path}"]
    for test in result.tests:
        lines.append("  " + test.line())
        lines += [f"      {message}" for message in test.messages]
    if result.problem:
        lines.append(f"NOT VALIDATED: {result.problem}")
    elif result.failed:
        names = ", ".join(test.grade_id for test in result.failed)
        lines.append(f"FAILED: {len(result.failed)} of {len(result.tests)} visible tests ({names})")
    else:
        lines.append(f"OK: all {len(result.tests)} visible tests passed")
    return "\n".join(lines)

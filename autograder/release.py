"""``release``: generate the student versions in ``course/exercises/`` from ``solutions/``.

nbgrader's ``GenerateAssignment`` strips solutions (``### BEGIN SOLUTION`` blocks), hidden tests
(``### BEGIN HIDDEN TESTS``) and outputs, locks the test cells, and records the source cells and
their checksums in the gradebook (which autograding needs). After it runs, :func:`release`
verifies the result (:func:`release_problems`) and fails loudly on any leak.

:func:`release_drift` regenerates the release in a temporary course and lists every difference
with the committed ``course/exercises/`` (after :func:`normalized_notebook`), so that a test can
fail when someone edits a solution without re-releasing.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.converters import GenerateAssignment

from autograder.config import GradingSettings, nbgrader_config
from autograder.layout import CourseLayout
from autograder.nbgrader_run import run_converter

LEAK_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
# Notebook/cell metadata that changes with the machine or the editor, not with the content.
VOLATILE_NOTEBOOK_METADATA = ("language_info", "widgets", "toc", "varInspector")
VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime", "jupyter")


class ReleaseError(RuntimeError):
    """nbgrader could not generate the release, or the release leaks solutions/hidden tests."""


@dataclass
class ReleaseResult:
    """The released notebooks of one assignment."""

    assignment: str
    notebooks: list[Path] = field(default_factory=list)
    log: str = ""


def release(
    layout: CourseLayout,
    assignments: list[str] | None = None,
    settings: GradingSettings | None = None,
) -> list[ReleaseResult]:
    """Regenerate ``course/exercises/<assignment>/`` for each assignment (default: all).

    Raises ReleaseError naming the assignment and nbgrader's error when generation fails, or
    listing the problems when the generated notebooks leak solutions, hidden tests or outputs.
    """
    names = assignments or layout.assignments()
    if not names:
        raise ReleaseError(f"no assignments to release: no notebooks under {layout.solutions_dir}")
    config = nbgrader_config(layout, settings)
    results = []
    for assignment in names:
        layout.require_assignment(assignment)
        outcome = run_converter(
            GenerateAssignment, config, assignment_id=assignment, student_id="."
        )
        if not outcome.success:
            raise ReleaseError(f"nbgrader could not release {assignment}:\n{outcome.text.strip()}")
        released = sorted((layout.release_dir / assignment).glob("*.ipynb"))
        problems = [problem for path in released for problem in release_problems(path)]
        if problems:
            raise ReleaseError(f"the release of {assignment} is unsafe:\n  " + "\n  ".join(problems))
        results.append(ReleaseResult(assignment, released, outcome.log))
    return results


def release_problems(path: Path) -> list[str]:
    """What is wrong with a released notebook: outputs, execution counts, leak markers."""
    notebook = nbformat.read(path, as_version=4)
    problems = []
    for index, cell in enumerate(notebook.cells):
        where = f"{path.name} cell {index}"
        if cell.cell_type == "code" and cell.get("outputs"):
            problems.append(f"{where} has outputs")
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            problems.append(f"{where} has an execution count")
        for marker in LEAK_MARKERS:
            if marker in cell.source:
                problems.append(f"{where} still contains '{marker}'")
    return problems


def normalized_notebook(path: Path) -> dict:
    """The content of a notebook that a release must reproduce exactly.

    Keeps cell types, sources, outputs, and metadata (nbgrader's included); drops cell ids,
    execution timing and editor state, and the kernel's ``language_info`` (its version).
    """
    notebook = nbformat.read(path, as_version=4)
    metadata = {k: v for k, v in notebook.metadata.items() if k not in VOLATILE_NOTEBOOK_METADATA}
    cells = []
    for cell in notebook.cells:
        cells.append(
            {
                "cell_type": cell.cell_type,
                "source": cell.source,
                "metadata": {
                    k: v for k, v in cell.metadata.items() if k not in VOLATILE_CELL_METADATA
                },
                "outputs": cell.get("outputs", []),
                "execution_count": cell.get("execution_count"),
            }
        )
    return {"metadata": metadata, "cells": cells}


def release_drift(layout: CourseLayout, assignments: list[str] | None = None) -> list[str]:
    """Differences between the committed release and a fresh one, as readable lines (empty: none).

    Generates in a temporary copy of the course (its own gradebook), so nothing under ``layout``
    is written.
    """
    names = assignments or layout.assignments()
    differences: list[str] = []
    with tempfile.TemporaryDirectory(prefix="nnbasics-release-") as tmp:
        fresh = CourseLayout(Path(tmp))
        for assignment in names:
            shutil.copytree(
                layout.solutions_dir / assignment,
                fresh.solutions_dir / assignment,
                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
            )
        release(fresh, names)
        for assignment in names:
            differences += _compare_folders(
                fresh.release_dir / assignment, layout.release_dir / assignment, assignment
            )
    return differences


def _compare_folders(expected_dir: Path, actual_dir: Path, assignment: str) -> list[str]:
    if not actual_dir.is_dir():
        return [f"{assignment}: {actual_dir} is missing; run `make release`"]
    expected = {p.relative_to(expected_dir) for p in expected_dir.rglob("*") if p.is_file()}
    actual = {
        p.relative_to(actual_dir)
        for p in actual_dir.rglob("*")
        if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts
    }
    differences = [f"{assignment}: {name} is not in the committed release" for name in
                   sorted(expected - actual)]
    differences += [f"{assignment}: {name} is committed but not generated" for name in
                    sorted(actual - expected)]
    for name in sorted(expected & actual):
        if name.suffix == ".ipynb":
            differences += _compare_notebooks(expected_dir / name, actual_dir / name, assignment)
        elif (expected_dir / name).read_bytes() != (actual_dir / name).read_bytes():
            differences.append(f"{assignment}: {name} differs from its source")
    return differences


def _compare_notebooks(expected_path: Path, actual_path: Path, assignment: str) -> list[str]:
    expected, actual = normalized_notebook(expected_path), normalized_notebook(actual_path)
    where = f"{assignment}/{expected_path.name}"
    if expected == actual:
        return []
    if len(expected["cells"]) != len(actual["cells"]):
        return [f"{where}: {len(actual['cells'])} cells committed, {len(expected['cells'])} generated"]
    differences = []
    if expected["metadata"] != actual["metadata"]:
        differences.append(f"{where}: notebook metadata differs")
    for index, (want, got) in enumerate(zip(expected["cells"], actual["cells"], strict=True)):
        for key in want:
            if want[key] != got[key]:
                differences.append(f"{where}: cell {index} {key} differs")
    return differences

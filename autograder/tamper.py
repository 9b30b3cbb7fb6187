"""Tamper check: locked cells (the tests) of a submission that differ from the release.

nbgrader's ``OverwriteCells`` silently restores modified locked cells before running them, so
grading stays correct; this check only makes the modification visible (status ``flagged``).
The reference is the checksum that the released notebook stores in each locked cell's
nbgrader metadata (computed after hidden tests were removed, i.e. what students received).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbgrader.utils import compute_checksum, is_locked


def _locked_cells(notebook: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    cells = {}
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id and is_locked(cell):
            cells[grade_id] = cell
    return cells


def modified_locked_cells(submitted: Path, released: Path) -> list[str]:
    """Names of the released notebook's locked cells that were edited or deleted in ``submitted``.

    Returns ``[]`` when there is no released notebook to compare with.
    """
    if not released.exists():
        return []
    reference = _locked_cells(nbformat.read(released, as_version=4))
    present = _locked_cells(nbformat.read(submitted, as_version=4))
    problems = []
    for grade_id, cell in reference.items():
        if grade_id not in present:
            problems.append(f"{grade_id} (deleted)")
            continue
        original = cell.metadata["nbgrader"].get("checksum") or compute_checksum(cell)
        if compute_checksum(present[grade_id]) != original:
            problems.append(f"{grade_id} (modified)")
    return problems

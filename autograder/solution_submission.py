"""A perfect submission built from the sources: the released notebook with the instructor's
solutions written into its answer cells (solution markers removed, tests as released).

Used by the benchmark and the tests to check that the full solution earns full marks through
exactly the path a student's hand-in takes.
"""

from __future__ import annotations

import copy

import nbformat

SOLUTION_MARKERS = ("BEGIN SOLUTION", "END SOLUTION")


def solved_release(
    released: nbformat.NotebookNode, source: nbformat.NotebookNode
) -> nbformat.NotebookNode:
    """A copy of ``released`` whose solution cells hold ``source``'s solutions."""
    solutions = {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in source.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }
    filled = copy.deepcopy(released)
    for cell in filled.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in solutions:
            cell.source = "\n".join(
                line
                for line in solutions[grade_id].splitlines()
                if not any(marker in line for marker in SOLUTION_MARKERS)
            )
    return filled

"""Running a submission's notebook: nbgrader's ``Execute`` plus a whole-notebook deadline.

nbgrader only limits single cells (``Execute.timeout``). :class:`DeadlineExecute` also stops a
notebook whose cells together exceed ``notebook_timeout`` seconds: each cell's timeout is cut to
the time left, and once none is left the run raises :class:`NotebookTimeoutError`, which the
autograde runner turns into status ``failed`` with a reason.

A cell that runs past its timeout is interrupted and gets an error output whose ``ename`` is
:data:`CELL_TIMEOUT_ENAME`; the runner looks for it in the autograded notebook.
"""

from __future__ import annotations

import math
import time

from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Integer

CELL_TIMEOUT_ENAME = "CellTimeoutError"


class NotebookTimeoutError(RuntimeError):
    """The notebook as a whole ran longer than ``DeadlineExecute.notebook_timeout``."""


class DeadlineExecute(Execute):
    """nbgrader's Execute with a limit on the whole notebook's run time."""

    notebook_timeout = Integer(
        900, help="Seconds the whole notebook may run (kernel start included)."
    ).tag(config=True)

    _deadline: float | None = None

    def preprocess(self, nb: NotebookNode, resources=None, km=None):
        self._deadline = time.monotonic() + self.notebook_timeout
        try:
            return super().preprocess(nb, resources, km)
        finally:
            self._deadline = None

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and self._seconds_left() <= 0:
            raise NotebookTimeoutError(self._timeout_message())
        return super().preprocess_cell(cell, resources, index)

    def _get_timeout(self, cell: NotebookNode | None) -> int | None:
        timeout = super()._get_timeout(cell)
        if self._deadline is None:
            return timeout
        left = self._seconds_left()
        if left <= 0:
            raise NotebookTimeoutError(self._timeout_message())
        left_whole = max(1, math.ceil(left))
        return left_whole if timeout is None else min(timeout, left_whole)

    def _seconds_left(self) -> float:
        if self._deadline is None:
            return math.inf
        return self._deadline - time.monotonic()

    def _timeout_message(self) -> str:
        return f"the notebook ran longer than its limit of {self.notebook_timeout} s"

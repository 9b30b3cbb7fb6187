"""Execute a course notebook headless and read back the values it computed.

Tests call ``run_notebook(path, fetch=["final_loss", ...])``: every cell runs top to bottom in
a fresh kernel (as CI and a student's "Run All" would), then one extra cell serialises the named
variables to JSON so that the test can assert on what the notebook really computed.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient

_MARKER = "__NNBASICS_FETCH__"

_FETCH_TEMPLATE = """
import json as _json
import numpy as _np

def _to_json(value):
    if isinstance(value, _np.ndarray):
        return value.tolist()
    if isinstance(value, (_np.floating, _np.integer, _np.bool_)):
        return value.item()
    if isinstance(value, dict):
        return {{str(k): _to_json(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return [_to_json(v) for v in value]
    return value

print({marker!r} + _json.dumps({{name: _to_json(globals()[name]) for name in {names!r}}}))
"""


@dataclass
class NotebookRun:
    """What one headless execution produced: the executed notebook, fetched values, wall time."""

    notebook: nbformat.NotebookNode
    values: dict = field(default_factory=dict)
    seconds: float = 0.0


def run_notebook(
    path: str | Path,
    fetch: tuple[str, ...] | list[str] = (),
    cell_timeout: int = 300,
    kernel_name: str = "python3",
) -> NotebookRun:
    """Run every cell of ``path`` in a fresh kernel; return the values named in ``fetch``.

    Raises ``nbclient.exceptions.CellExecutionError`` (with the failing cell and traceback)
    when any cell errors, and ``KeyError`` naming the variable when a fetched name is missing.
    """
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    names = list(fetch)
    if names:
        fetch_cell = nbformat.v4.new_code_cell(_FETCH_TEMPLATE.format(marker=_MARKER, names=names))
        notebook.cells.append(fetch_cell)
    client = NotebookClient(
        notebook,
        timeout=cell_timeout,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(path.parent)}},
    )
    # The kernel renders figures as a student's would (inline PNGs), so drawing errors surface:
    # drop the Agg backend that the test process itself uses.
    kernel_env = {key: value for key, value in os.environ.items() if key != "MPLBACKEND"}
    start = time.perf_counter()
    client.execute(env=kernel_env)
    seconds = time.perf_counter() - start
    values: dict = {}
    if names:
        for output in notebook.cells[-1].get("outputs", []):
            text = output.get("text", "")
            if _MARKER in text:
                values = json.loads(text.split(_MARKER, 1)[1])
    return NotebookRun(notebook=notebook, values=values, seconds=seconds)


def all_outputs_text(notebook: nbformat.NotebookNode) -> str:
    """Concatenate the text of every stream and text/plain output (for asserting printed results)."""
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if "text" in output:
                parts.append(output["text"])
            data = output.get("data", {})
            if "text/plain" in data:
                parts.append(data["text/plain"])
    return "\n".join(parts)

"""Before grading: can the grading kernel import what the exercises' set-up cells import?

When ``nnbasics`` (or numpy...) cannot be imported where the submissions run, every submission
would fail its locked set-up cell. :func:`environment_problems` finds that once per run, before
any submission is graded: for each assignment it collects the import statements of the locked
cells that come before the first answer cell of its released notebooks and runs them in one
kernel started exactly as grading starts them (same kernelspec, same sandbox). ``autograde``
then says so once, at the top, and records the assignment's submissions as ``failed`` with
"grading environment broken" (no score; the next run grades them again).
"""

from __future__ import annotations

import ast
import tempfile
from contextlib import nullcontext
from pathlib import Path

import nbformat

from autograder.config import GradingSettings
from autograder.layout import CourseLayout

_MAX_PROBLEM = 300


def setup_imports(layout: CourseLayout, assignment: str) -> list[str]:
    """The import statements of the locked cells before the first answer cell (release notebooks)."""
    statements: list[str] = []
    for name in layout.notebooks(assignment):
        path = layout.release_dir / assignment / f"{name}.ipynb"
        if not path.exists():
            continue
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                break
            if cell.cell_type != "code" or not meta.get("locked"):
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            statements += [ast.unparse(node) for node in tree.body
                           if isinstance(node, (ast.Import, ast.ImportFrom))]
    return list(dict.fromkeys(statements))


def _run_in_grading_kernel(code: str, layout: CourseLayout, settings: GradingSettings) -> str | None:
    """Run ``code`` in a kernel started like a grading kernel; the error it raised, or None."""
    from jupyter_client import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbformat.v4 import new_code_cell, new_notebook
    from traitlets.config import Config

    from autograder.sandbox import SANDBOX_KERNEL, sandbox_kernel

    with tempfile.TemporaryDirectory(prefix="nnbasics-preflight-") as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        config = Config()
        boxed = settings.sandbox is True
        context = (sandbox_kernel(config, layout.root, settings.memory_limit_mb, settings.process_limit, work)
                   if boxed else nullcontext())
        with context:
            options = {"transport": "ipc", "ip": config.KernelManager.ip} if boxed else {}
            manager = KernelManager(kernel_name=SANDBOX_KERNEL if boxed else settings.kernel_name, **options)
            notebook = new_notebook(cells=[new_code_cell(code)])
            client = NotebookClient(notebook, km=manager, timeout=120, startup_timeout=120,
                                    resources={"metadata": {"path": str(work)}})
            try:
                client.execute()
            except CellExecutionError as error:
                return f"{error.ename}: {error.evalue}"
            except Exception as error:  # noqa: BLE001 - a kernel that does not start is a finding too
                return f"the grading kernel did not run ({type(error).__name__}: {error})"
            finally:
                if manager.has_kernel:
                    manager.shutdown_kernel(now=True)
    return None


def environment_problems(layout: CourseLayout, assignments: list[str],
                         settings: GradingSettings) -> dict[str, str]:
    """``{assignment: why}`` for each assignment whose set-up imports fail in the grading kernel
    (all assignments' imports are tried in one kernel first; one kernel more per assignment only
    when that fails)."""
    imports = {a: setup_imports(layout, a) for a in assignments if a in layout.assignments()}
    imports = {a: lines for a, lines in imports.items() if lines}
    if not imports:
        return {}
    everything = list(dict.fromkeys(line for lines in imports.values() for line in lines))
    if _run_in_grading_kernel("\n".join(everything), layout, settings) is None:
        return {}
    problems = {}
    for assignment, lines in imports.items():
        error = _run_in_grading_kernel("\n".join(lines), layout, settings)
        if error:
            text = f"the set-up imports of {assignment} fail in the grading kernel: {error}"
            problems[assignment] = text if len(text) <= _MAX_PROBLEM else text[: _MAX_PROBLEM - 3] + "..."
    return problems

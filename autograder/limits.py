"""Per-assignment time limits, derived from the reference solution's own run time.

Fixed limits are either too short for MNIST or far too long for the small exercises (one endless
loop held a grading slot for 15 minutes). At release, :func:`measure_reference` runs each
notebook of ``solutions/<assignment>/`` once, measuring the kernel's CPU seconds (a busy machine
at release does not inflate them), and :func:`write_limits` stores the result in
``autograder/limits/<assignment>.json`` (committed, so a fresh clone has them)::

    {"assignment": "ex2_xor", "slowest_cell_seconds": 3.8, "total_seconds": 6.4,
     "factor": 10, "floor_seconds": 30, "cell_timeout": 38, "notebook_timeout": 120, ...}

Limits: ``cell_timeout = max(floor, factor x slowest cell)``, ``notebook_timeout =
max(120 s, factor x whole run)`` (kernel start included). :func:`effective_settings` applies
them to a submission's grading (stretched by the machine's load per core, at most 4x, when it is
busier than its cores) unless the instructor set limits explicitly
(``--cell-timeout`` / ``--notebook-timeout`` / ``NNBASICS_*_TIMEOUT``: then
``GradingSettings.derive_limits`` is False).
"""

from __future__ import annotations

import json
import math
import os
import platform
import shutil
import tempfile
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import nbformat

from autograder.config import GradingSettings
from autograder.layout import CourseLayout

FACTOR = 10
FLOOR_SECONDS = 30  # per cell
NOTEBOOK_FLOOR_SECONDS = 120  # a whole notebook: kernel start, nbgrader, a busy machine
MAX_BUSY_FACTOR = 4.0  # an overloaded machine stretches the limits by at most this much


@dataclass
class AssignmentLimits:
    """The reference solution's timing and the limits derived from it."""

    assignment: str
    slowest_cell_seconds: float
    total_seconds: float
    cell_timeout: int
    notebook_timeout: int
    factor: float = FACTOR
    floor_seconds: int = FLOOR_SECONDS
    measured_at: str = ""
    measured_on: str = ""


def derive_limits(assignment: str, slowest_cell: float, total: float,
                  factor: float = FACTOR, floor: int = FLOOR_SECONDS) -> AssignmentLimits:
    """Limits for a solution whose slowest cell took ``slowest_cell`` s and whole run ``total`` s."""
    if slowest_cell < 0 or total < 0:
        raise ValueError(f"measured times must not be negative, got {slowest_cell}, {total}")
    return AssignmentLimits(
        assignment=assignment,
        slowest_cell_seconds=round(slowest_cell, 3),
        total_seconds=round(total, 3),
        cell_timeout=max(floor, math.ceil(factor * slowest_cell)),
        notebook_timeout=max(NOTEBOOK_FLOOR_SECONDS, math.ceil(factor * total)),
        factor=factor,
        floor_seconds=floor,
        measured_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        measured_on=f"{_cpus()} cpus, {platform.machine()}",
    )


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def limits_path(layout: CourseLayout, assignment: str) -> Path:
    """``autograder/limits/<assignment>.json``."""
    return layout.work_dir / "limits" / f"{assignment}.json"


_CPU_PROBE = ("import resource as _nnb_r\n"
              "print(sum(_nnb_r.getrusage(_nnb_r.RUSAGE_SELF)[:2])"
              " + sum(_nnb_r.getrusage(_nnb_r.RUSAGE_CHILDREN)[:2]))")


def _kernel_cpu_seconds(client, index: int) -> float:
    """CPU seconds (user + system, children included) the kernel used so far, asked inside it."""
    from nbformat.v4 import new_code_cell

    probe = new_code_cell(_CPU_PROBE)
    client.execute_cell(probe, index)
    text = "".join(output.get("text", "") for output in probe.outputs)
    try:
        return float(text.split()[-1])
    except (IndexError, ValueError):
        return 0.0


def measure_reference(layout: CourseLayout, assignment: str,
                      settings: GradingSettings | None = None) -> AssignmentLimits:
    """Run every notebook of the assignment's solution once (in a copy), in a kernel started as
    grading starts it (the sandbox wherever it works), and derive its limits.

    Times are the kernel's CPU seconds, per cell and in total (kernel start included), read
    inside the kernel: unlike wall time they do not grow when the machine is busy at release.
    Raises RuntimeError when the reference solution itself fails (fix it before releasing).
    """
    from jupyter_client import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from traitlets.config import Config

    from autograder.sandbox import SANDBOX_KERNEL, resolve_sandbox, sandbox_kernel

    settings = resolve_sandbox(settings or GradingSettings())
    source = layout.solutions_dir / assignment
    slowest, total = 0.0, 0.0
    with tempfile.TemporaryDirectory(prefix="nnbasics-measure-") as tmp:
        copy = Path(tmp) / assignment
        shutil.copytree(source, copy)
        for name in layout.notebooks(assignment):
            notebook = nbformat.read(copy / f"{name}.ipynb", as_version=4)
            config = Config()
            boxed = bool(settings.sandbox)
            context = (sandbox_kernel(config, layout.root, settings.memory_limit_mb,
                                      settings.process_limit, copy) if boxed else nullcontext())
            with context:
                options = {"transport": "ipc", "ip": config.KernelManager.ip} if boxed else {}
                manager = KernelManager(kernel_name=SANDBOX_KERNEL if boxed else settings.kernel_name,
                                        **options)
                client = NotebookClient(notebook, km=manager, timeout=3600,
                                        resources={"metadata": {"path": str(copy)}})
                try:
                    with client.setup_kernel():
                        for index, cell in enumerate(notebook.cells):
                            if cell.cell_type != "code":
                                continue
                            before = _kernel_cpu_seconds(client, index)
                            try:
                                client.execute_cell(cell, index)
                            except CellExecutionError as error:
                                raise RuntimeError(
                                    f"the reference solution {source / name}.ipynb fails, so no time "
                                    f"limit can be derived from it: "
                                    f"{str(error).strip().splitlines()[-1]}") from error
                            slowest = max(slowest, _kernel_cpu_seconds(client, index) - before)
                        total += _kernel_cpu_seconds(client, len(notebook.cells) - 1)
                finally:
                    if manager.has_kernel:
                        manager.shutdown_kernel(now=True)
    return derive_limits(assignment, slowest, total)


def write_limits(layout: CourseLayout, limits: AssignmentLimits) -> Path:
    """Store ``limits`` as ``autograder/limits/<assignment>.json``."""
    path = limits_path(layout, limits.assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(limits), indent=2) + "\n")
    return path


def load_limits(layout: CourseLayout, assignment: str) -> AssignmentLimits | None:
    """The stored limits of ``assignment``, or None (never measured, or unreadable)."""
    path = limits_path(layout, assignment)
    try:
        return AssignmentLimits(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None


def busy_factor() -> float:
    """How much slower than at release a cell may run now: the machine's load (1-minute average)
    per core, at least 1 and at most :data:`MAX_BUSY_FACTOR`. A machine shared with other work
    must not turn a correct, slow-running submission into a timeout."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        return 1.0
    return min(MAX_BUSY_FACTOR, max(1.0, load / _cpus()))


def effective_settings(layout: CourseLayout, assignment: str,
                       settings: GradingSettings) -> GradingSettings:
    """``settings`` with the assignment's derived limits (stretched by :func:`busy_factor` on a
    busy machine), unless the instructor chose limits."""
    if not settings.derive_limits:
        return settings
    limits = load_limits(layout, assignment)
    if limits is None:
        return settings
    factor = busy_factor()
    return replace(settings, cell_timeout=math.ceil(limits.cell_timeout * factor),
                   notebook_timeout=math.ceil(limits.notebook_timeout * factor))

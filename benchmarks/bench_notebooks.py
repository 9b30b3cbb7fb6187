"""How long the course takes to run: every ``course/0*.ipynb`` executed headless, one after another.

Each notebook runs top to bottom in a fresh kernel (as "Restart and Run All" would) with nbclient;
the table lists the seconds per notebook and the total, which the course promises stays under
10 minutes on 2 CPU cores. Results go to ``benchmarks/results/notebooks.json``.

    python -m benchmarks.bench_notebooks                 # every chapter
    python -m benchmarks.bench_notebooks 07 08           # chapters whose file name starts so
    python -m benchmarks.bench_notebooks --threads 1     # BLAS/OpenMP threads per kernel

On a shared or busy 2-core machine, multi-threaded BLAS can be many times slower than one thread
(the threads spin waiting for each other); ``--threads 1`` measures the notebooks' own cost then.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from benchmarks.reporting import print_table, write_results

COURSE = Path(__file__).resolve().parent.parent / "course"
BUDGET_SECONDS = 600.0
CELL_TIMEOUT = 300
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def course_notebooks(prefixes: list[str] | None = None) -> list[Path]:
    """The chapter notebooks ``course/0*.ipynb`` in order, optionally only those whose name
    starts with one of ``prefixes`` (e.g. ``["07", "08"]``)."""
    paths = sorted(COURSE.glob("0*.ipynb"))
    if prefixes:
        paths = [p for p in paths if any(p.name.startswith(prefix) for prefix in prefixes)]
    return paths


def execute(path: Path) -> dict:
    """Run ``path`` in a fresh ``python3`` kernel; return name, seconds, cell count, status."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    status = "ok"
    try:
        client.execute()
    except CellExecutionError as error:
        last_line = _ANSI.sub("", str(error)).strip().splitlines()[-1]
        status = f"error: {last_line[:80]}"
    except Exception as error:  # a timeout or a dead kernel: report it, keep measuring the rest
        status = f"{type(error).__name__}: {str(error)[:80]}"
    seconds = time.perf_counter() - start
    n_code = sum(cell.cell_type == "code" for cell in notebook.cells)
    return {"notebook": path.name, "seconds": round(seconds, 2), "code_cells": n_code,
            "status": status}


THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _parse(argv: list[str]) -> tuple[list[str], int | None]:
    """Split the arguments into notebook-name prefixes and an optional ``--threads N``."""
    prefixes, threads, args = [], None, iter(argv)
    for arg in args:
        if arg == "--threads" or arg.startswith("--threads="):
            value = arg.partition("=")[2] or next(args, "")
            if not value.isdigit() or int(value) < 1:
                raise SystemExit(f"--threads needs a positive integer, got {value!r}")
            threads = int(value)
        else:
            prefixes.append(arg)
    return prefixes, threads


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    prefixes, threads = _parse(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    if threads is not None:  # the kernels inherit the environment
        os.environ.update({name: str(threads) for name in THREAD_VARIABLES})
    paths = course_notebooks(prefixes or None)
    if not paths:
        print(f"no notebook matches {prefixes} in {COURSE}")
        return 1
    rows = []
    for path in paths:
        print(f"running {path.name} ...", flush=True)
        rows.append(execute(path))
    total = round(sum(row["seconds"] for row in rows), 2)
    print_table(rows + [{"notebook": "TOTAL", "seconds": total, "code_cells": "",
                         "status": f"budget {BUDGET_SECONDS:.0f} s"}],
                title=f"Course notebooks executed headless ({os.cpu_count()} CPU cores, "
                      f"BLAS threads: {os.environ.get('OPENBLAS_NUM_THREADS', 'default')})")
    failed = [row["notebook"] for row in rows if row["status"] != "ok"]
    within = total <= BUDGET_SECONDS
    verdict = "within" if within else "OVER"
    print(f"total {total:.1f} s: {verdict} the {BUDGET_SECONDS:.0f} s budget")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    write_results("notebooks", {"cpu_count": os.cpu_count(), "blas_threads": threads,
                                "load_average_1min_at_end": load, "notebooks": rows,
                                "total_seconds": total, "budget_seconds": BUDGET_SECONDS,
                                "within_budget": within, "failed": failed})
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

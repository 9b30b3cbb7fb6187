"""How long the course takes to run: every ``course/0*.ipynb`` executed headless, one after another.

Each notebook runs top to bottom in a fresh kernel (as "Restart and Run All" would) with nbclient;
the table lists the seconds per notebook and the total, which the course promises stays under
10 minutes on 2 CPU cores. Results go to ``benchmarks/results/notebooks.json``.

    python -m benchmarks.bench_notebooks                 # every chapter
    python -m benchmarks.bench_notebooks 07 08           # chapters whose file name starts so
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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("MPLBACKEND", "Agg")
    paths = course_notebooks(argv or None)
    if not paths:
        print(f"no notebook matches {argv} in {COURSE}")
        return 1
    rows = []
    for path in paths:
        print(f"running {path.name} ...", flush=True)
        rows.append(execute(path))
    total = round(sum(row["seconds"] for row in rows), 2)
    print_table(rows + [{"notebook": "TOTAL", "seconds": total, "code_cells": "",
                         "status": f"budget {BUDGET_SECONDS:.0f} s"}],
                title=f"Course notebooks executed headless ({os.cpu_count()} CPU cores)")
    failed = [row["notebook"] for row in rows if row["status"] != "ok"]
    within = total <= BUDGET_SECONDS
    verdict = "within" if within else "OVER"
    print(f"total {total:.1f} s: {verdict} the {BUDGET_SECONDS:.0f} s budget")
    write_results("notebooks", {"cpu_count": os.cpu_count(), "notebooks": rows,
                                "total_seconds": total, "budget_seconds": BUDGET_SECONDS,
                                "within_budget": within, "failed": failed})
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

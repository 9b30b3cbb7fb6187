"""Shared output of the benchmarks: a plain-text table on stdout and a JSON file per benchmark."""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def results_dir() -> Path:
    """Where the JSON files go: ``NNBASICS_BENCH_RESULTS`` if set, else ``benchmarks/results``."""
    return Path(os.environ.get("NNBASICS_BENCH_RESULTS") or RESULTS_DIR)


def print_table(rows: list[dict], title: str) -> None:
    """Print ``rows`` (dicts with the same keys) as an aligned table under ``title``."""
    if not rows:
        print(f"{title}: no rows")
        return
    columns = list(rows[0])
    cells = [[_format(row.get(col)) for col in columns] for row in rows]
    widths = [max(len(col), *(len(r[i]) for r in cells)) for i, col in enumerate(columns)]
    print(title)
    print("  ".join(col.ljust(w) for col, w in zip(columns, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(value.ljust(w) for value, w in zip(r, widths, strict=True)))


def write_results(name: str, payload: dict) -> Path:
    """Write ``payload`` plus machine facts to ``<results_dir()>/<name>.json``; return the path."""
    directory = results_dir()
    directory.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": name,
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": {"python": platform.python_version(), "processor": platform.machine()},
        **payload,
    }
    path = directory / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2))
    print(f"results written to {path}")
    return path


def _format(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)

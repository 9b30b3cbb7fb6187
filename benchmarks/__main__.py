"""Run every benchmark (``make bench``): each ``benchmarks/bench_*.py`` in its own process.

Each benchmark prints its own table and writes ``benchmarks/results/<name>.json``.
Pass names to run a subset: ``python -m benchmarks training playground``.
``bench_hub`` (the class hub: start, spawn, 30-student round, idle memory) needs root; as another user it says so.
"""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    wanted = set(argv)
    scripts = sorted(HERE.glob("bench_*.py"))
    failures = []
    for script in scripts:
        name = script.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        print(f"\n=== benchmark: {name} ===", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", f"benchmarks.{script.stem}"], cwd=HERE.parent)
        print(f"--- {name}: exit {code}, {time.perf_counter() - start:.1f} s", flush=True)
        if code:
            failures.append(name)
    if failures:
        print(f"benchmarks that failed: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Playground speed: one step (an epoch of a 2-8-8-1 network on 500 training points) and the
redraw (decision boundary, loss and gradient-norm curves, every neuron's heatmap).

The issue's target: the median of step + redraw at most 100 ms. Run with
``python -m benchmarks.bench_playground``; writes ``benchmarks/results/playground.json``.
"""

from __future__ import annotations

import os
import time

import numpy as np

from benchmarks.reporting import print_table, write_results

TARGET_MS = 100.0
WARMUP = 5
REPEATS = 40

CASES = {
    # 1000 points at a 50 % split: 500 training points (the step), 500 more drawn as test points
    "2-8-8-1, 500 train + 500 test points": {"n_points": 1000, "train_ratio": 0.5},
    # TensorFlow Playground's defaults: 500 points, half for training
    "2-8-8-1, 250 train + 250 test points": {"n_points": 500, "train_ratio": 0.5},
}


def _timed(fn, repeats: int) -> np.ndarray:
    times = np.empty(repeats)
    for i in range(repeats):
        start = time.perf_counter()
        fn()
        times[i] = time.perf_counter() - start
    return times * 1e3


def measure(n_points: int, train_ratio: float) -> dict:
    """Median and p90 (ms) of step + redraw, the step alone and the redraw alone."""
    from nnbasics.widgets import Playground

    playground = Playground(dataset="circle", n_points=n_points, train_ratio=train_ratio,
                            hidden_layers=(8, 8), activation="tanh", batch_size=10, lr=0.03)
    _timed(playground.step, WARMUP)
    both = _timed(playground.step, REPEATS)
    step = _timed(playground.trainer.train_epoch, REPEATS)
    redraw = _timed(playground.redraw, REPEATS)
    result = {}
    for name, times in (("step_and_redraw", both), ("step", step), ("redraw", redraw)):
        result[name] = {"median_ms": float(np.median(times)),
                        "p90_ms": float(np.percentile(times, 90))}
    result["training_points"] = len(playground.trainer.X_train)
    result["full_renders"] = playground.boundary.figure.renders
    result["blits"] = playground.boundary.figure.blits
    return result


def main() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    results, rows = {}, []
    for label, kwargs in CASES.items():
        result = measure(**kwargs)
        results[label] = result
        for part, name in (("step_and_redraw", "step + redraw"), ("step", "step alone"),
                           ("redraw", "redraw alone")):
            rows.append({"case": label, "part": name, "median ms": result[part]["median_ms"],
                         "p90 ms": result[part]["p90_ms"]})
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print_table(rows, f"playground step and redraw ({REPEATS} repeats, load average {load})")
    headline = results[next(iter(CASES))]["step_and_redraw"]["median_ms"]
    verdict = "meets" if headline <= TARGET_MS else "misses"
    print(f"median step + redraw {headline:.1f} ms: {verdict} the {TARGET_MS:.0f} ms target")
    write_results("playground", {"target_ms": TARGET_MS, "repeats": REPEATS,
                                 "load_average_1min": load, "cases": results})


if __name__ == "__main__":
    main()

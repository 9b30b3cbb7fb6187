"""The training benchmark: how it turns alternating epochs into a ratio with an interval and a
verdict, the shifted-image augmentation of the accuracy recipe, and a quick end-to-end run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks import bench_training, speed

REPO_ROOT = Path(__file__).resolve().parents[2]


class FakeWorker:
    """Stands in for ``speed.Worker``: scripted epoch seconds, and a shared log of calls."""

    def __init__(self, framework, threads, seconds, log, torch_imported=None):
        self.framework, self.seconds, self.log = framework, list(seconds[framework]), log
        self.torch_imported = framework == "torch" if torch_imported is None else torch_imported
        self.closed = False

    def request(self, command):
        self.log.append((self.framework, command))
        if command == "epoch":
            s = self.seconds.pop(0)
            return {"seconds": s, "matmul_floor": s / 2 if self.framework == "nnbasics" else None}
        return {"accuracy": 0.9, "torch_imported": self.torch_imported, "backend": "fused"}

    def close(self):
        self.closed = True


def _factory(seconds, log, workers, **kwargs):
    def start(framework, threads):
        workers.append(FakeWorker(framework, threads, seconds, log, **kwargs))
        return workers[-1]

    return start


def test_rounds_alternate_and_the_ratio_is_the_median_with_an_interval():
    log, workers = [], []
    seconds = {"nnbasics": [1.0, 0.5, 2.0, 0.6, 0.55, 0.5], "torch": [2.0, 1.0, 2.0, 1.0, 1.0, 1.0]}
    result = speed.measure_speed(1, target=0.6, budget_s=0, min_rounds=6, pause_s=0,
                                 start_worker=_factory(seconds, log, workers))
    epochs = [framework for framework, command in log if command == "epoch"]
    assert epochs == ["nnbasics", "torch", "torch", "nnbasics"] * 3
    ratios = [r["ratio"] for r in result["rounds"]]
    assert ratios == pytest.approx([0.5, 0.5, 1.0, 0.6, 0.55, 0.5])
    assert result["ratio"] == pytest.approx(0.525)  # the median round ratio
    low, high = result["ratio_ci"]
    assert 0.5 <= low <= result["ratio"] <= high <= 1.0
    assert result["verdict"] in ("undecided", "met")
    assert result["matmul_floor_s_per_epoch"] == pytest.approx(0.5 * np.median([1.0, 0.5, 2.0, 0.6, 0.55, 0.5]))
    assert result["floor_ratio"] == pytest.approx(0.2625)
    assert all(w.closed for w in workers)


def test_the_budget_adds_rounds_beyond_the_minimum():
    log, workers = [], []
    seconds = {"nnbasics": [0.5] * 50, "torch": [1.0] * 50}
    result = speed.measure_speed(1, target=0.6, budget_s=60, min_rounds=2, max_rounds=7, pause_s=0,
                                 start_worker=_factory(seconds, log, workers))
    assert len(result["rounds"]) == 7  # the budget is not spent: the round cap stops it
    assert result["verdict"] == "met" and result["ratio_ci"] == pytest.approx([0.5, 0.5])


def test_a_timing_process_that_imported_torch_is_refused_and_workers_are_closed():
    log, workers = [], []
    seconds = {"nnbasics": [1.0], "torch": [1.0]}
    with pytest.raises(AssertionError, match="imported torch"):
        speed.measure_speed(1, target=0.6, budget_s=0, min_rounds=1, pause_s=0,
                            start_worker=_factory(seconds, log, workers, torch_imported=True))
    assert workers and all(w.closed for w in workers)


def test_bootstrap_interval_and_verdicts():
    rng = np.random.default_rng(1)
    tight = 0.5 + 0.01 * rng.standard_normal(30)
    low, high = speed.bootstrap_median_ci(tight)
    assert low < np.median(tight) < high and high - low < 0.02
    wide = rng.uniform(0.3, 0.9, 30)
    assert np.subtract(*speed.bootstrap_median_ci(wide)[::-1]) > high - low
    assert speed.verdict((0.4, 0.55), 0.6, 10) == "met"
    assert speed.verdict((0.61, 0.7), 0.6, 10) == "not met"
    assert speed.verdict((0.55, 0.65), 0.6, 10) == "undecided"
    assert speed.verdict((0.4, 0.5), 0.6, 2) == "too few rounds"
    with pytest.raises(ValueError, match="non-empty"):
        speed.bootstrap_median_ci([])


def test_shifted_images_move_each_image_by_at_most_the_shift():
    images = np.zeros((50, 28, 28), dtype=np.uint8)
    images[:, 14, 14] = 255
    shifted = bench_training.ShiftedImages(images, 2)
    rng = np.random.default_rng(0)
    first = shifted.draw(rng).copy()
    out = shifted.draw(rng)
    assert out is shifted.out and not np.array_equal(out, first)  # one buffer, a new draw
    out = out.reshape(50, 28, 28)
    assert out.dtype == np.float32 and out.max() == 1.0
    rows, cols = np.nonzero(out.max(axis=0))
    assert set(rows) <= set(range(12, 17)) and set(cols) <= set(range(12, 17))
    positions = {tuple(np.argwhere(img)[0]) for img in out}
    assert len(positions) > 5  # different images, different shifts
    assert all(img.sum() == 1.0 for img in out)  # nothing lost: the pixel stays inside


def test_quick_run_prints_the_table_and_writes_json(tmp_path):
    env = {**os.environ, "NNBASICS_BENCH_RESULTS": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_training", "--quick", "--skip-accuracy", "--threads", "1"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for row in ("nnbasics s/epoch (1 threads", "torch s/epoch (1 threads)", "nnbasics / torch (1 threads",
                "95% interval (1 threads)", "matmuls alone s/epoch (1 threads)", "peak RSS MB",
                "import nnbasics -> first epoch done"):
        assert row in result.stdout, f"missing table row {row!r} in:\n{result.stdout}"
    payload = json.loads((tmp_path / "training.json").read_text())
    result_speed = payload["speed"][0]
    assert result_speed["threads"] == 1 and len(result_speed["rounds"]) == 1
    assert result_speed["verdict"] == "too few rounds"
    assert 0 < result_speed["matmul_floor_s_per_epoch"] < result_speed["nnbasics_s_per_epoch"]
    assert result_speed["ratio"] == pytest.approx(result_speed["nnbasics_s_per_epoch"]
                                                  / result_speed["torch_s_per_epoch"])
    assert result_speed["nnbasics_test_accuracy"] > 0.9  # one epoch of the speed model on MNIST
    assert 0 < payload["memory"]["peak_rss_mb"] < 1536
    assert payload["memory"]["import_to_first_epoch_s"] > payload["memory"]["first_epoch_s"] > 0

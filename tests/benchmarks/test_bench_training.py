"""The training benchmark: how it turns alternating runs into one ratio, and a quick end-to-end run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import bench_training

REPO_ROOT = Path(__file__).resolve().parents[2]


def fake_probe(calls: list, seconds: dict):
    """A stand-in for ``_run_speed_probe`` that returns scripted epoch times per call."""

    def probe(framework: str, threads: int, epochs: int) -> dict:
        calls.append(framework)
        times = seconds[framework].pop(0)
        result = {"times": times, "accuracy": 0.9, "torch_imported": framework == "torch"}
        if framework == "nnbasics":
            result["matmul_floor"] = [t / 2 for t in times]
        return result

    return probe


def test_ratio_is_the_median_of_per_round_ratios_and_the_order_alternates(monkeypatch):
    calls: list[str] = []
    seconds = {
        "nnbasics": [[1.0, 1.0, 1.0], [0.5, 0.6, 0.7], [2.0, 2.0, 2.0]],
        "torch": [[2.0, 2.0, 2.0], [1.0, 1.0, 1.0], [2.0, 2.0, 2.0]],
    }
    monkeypatch.setattr(bench_training, "_run_speed_probe", fake_probe(calls, seconds))
    speed = bench_training.measure_speed(epochs=3, threads=1, rounds=3)

    assert calls == ["nnbasics", "torch", "torch", "nnbasics", "nnbasics", "torch"]
    assert [r["ratio"] for r in speed["rounds"]] == pytest.approx([0.5, 0.6, 1.0])
    assert speed["ratio"] == pytest.approx(0.6)  # the median round, not the median of pooled times
    assert speed["ratio_range"] == pytest.approx([0.5, 1.0])
    assert speed["matmul_floor_s_per_epoch"] == pytest.approx(0.5)
    assert speed["floor_ratio"] == pytest.approx(0.3)


def test_a_timing_process_that_imported_torch_is_refused(monkeypatch):
    def probe(framework, threads, epochs):
        return {"times": [1.0], "accuracy": 0.9, "torch_imported": True, "matmul_floor": [0.5]}

    monkeypatch.setattr(bench_training, "_run_speed_probe", probe)
    with pytest.raises(AssertionError, match="imported torch"):
        bench_training.measure_speed(epochs=1, threads=1, rounds=1)


def test_quick_run_prints_the_table_and_writes_json(tmp_path):
    env = {**os.environ, "NNBASICS_BENCH_RESULTS": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_training", "--quick", "--skip-accuracy", "--threads", "1"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for row in ("nnbasics s/epoch (1 threads)", "torch s/epoch (1 threads)", "nnbasics / torch (1 threads",
                "matmuls alone s/epoch (1 threads)", "peak RSS MB"):
        assert row in result.stdout, f"missing table row {row!r} in:\n{result.stdout}"
    payload = json.loads((tmp_path / "training.json").read_text())
    speed = payload["speed"][0]
    assert speed["threads"] == 1 and len(speed["rounds"]) == 1
    assert 0 < speed["matmul_floor_s_per_epoch"] < speed["nnbasics_s_per_epoch"]
    assert speed["ratio"] == pytest.approx(speed["nnbasics_s_per_epoch"] / speed["torch_s_per_epoch"])
    assert speed["nnbasics_test_accuracy"] > 0.9  # one epoch of the speed model on MNIST
    assert 0 < payload["memory"]["peak_rss_mb"] < 1536

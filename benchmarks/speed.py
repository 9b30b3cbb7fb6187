"""Training speed of nnbasics against PyTorch, with how sure the comparison is.

The model: ``MLP([784, 256, 128, 10])`` (ReLU, softmax cross-entropy, Adam 1e-3, batch 128,
float32) and the same network in PyTorch (CPU, a plain training loop over pre-made tensors),
with the same number of threads.

How: each library trains in a long-lived worker process of its own (nnbasics' never imports
torch: in one process, torch's OpenMP threads keep spinning after its epoch and slow the numpy
epoch that follows, and OpenBLAS's threads torch's). A round is one epoch of each, the order
alternating from round to round, with a short pause between epochs so the spinning threads of
one worker have gone quiet before the other starts. Rounds go on until a time budget is spent
(at least ``min_rounds``). On a shared virtual machine the speed of both drifts by tens of
percent within minutes; the ratio of neighbouring epochs cancels most of that drift, and the
spread of the per-round ratios says how much is left: the report is the median ratio with a
bootstrap confidence interval over rounds, and whether the target is met at that confidence.
The nnbasics worker also times the epoch's matrix products alone (``matmul_floor_epoch``).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
SPEED_SIZES = [784, 256, 128, 10]
BATCH_SIZE = 128
LEARNING_RATE = 1e-3
FRAMEWORKS = ("nnbasics", "torch")


def load_flat_mnist():
    """MNIST as float32 ``(n, 784)`` in [0, 1] and int64 labels."""
    from nnbasics.datasets import load_mnist

    X_train, y_train, X_test, y_test = load_mnist()
    flat = lambda X: X.reshape(len(X), -1).astype(np.float32) / np.float32(255.0)  # noqa: E731
    return flat(X_train), y_train.astype(np.int64), flat(X_test), y_test.astype(np.int64)


# --------------------------------------------------------------------------- the two trainers
def torch_epoch_runner(X, y, threads: int, seed=0):
    """The same network and loop in PyTorch: returns ``(accuracy(X, y), run_epoch() -> s)``."""
    import torch
    from torch import nn

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(SPEED_SIZES[:-1], SPEED_SIZES[1:], strict=True)):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(SPEED_SIZES) - 2:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    loss_fn = nn.CrossEntropyLoss()
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)

    def train(X_part, y_part) -> None:
        order = torch.randperm(len(X_part))
        for start in range(0, len(X_part), BATCH_SIZE):
            idx = order[start : start + BATCH_SIZE]
            optimizer.zero_grad()
            loss = loss_fn(model(X_part[idx]), y_part[idx])
            loss.backward()
            optimizer.step()

    train(X_t[:2048], y_t[:2048])  # warm-up

    def run_epoch() -> float:
        start = time.perf_counter()
        train(X_t, y_t)
        return time.perf_counter() - start

    def accuracy(X_test, y_test) -> float:
        with torch.no_grad():
            pred = model(torch.from_numpy(X_test)).argmax(1).numpy()
        return float(np.mean(pred == y_test))

    return accuracy, run_epoch


def numpy_epoch_runner(X, y, threads: int, seed=0):
    """nnbasics' ``MLP.fit``, one epoch per call, with the selected backend (``threads``
    only documents the setting: the caller limits BLAS's threads)."""
    from nnbasics import MLP, Adam

    model = MLP(SPEED_SIZES, activation="relu", seed=seed)
    optimizer = Adam(LEARNING_RATE)
    model.fit(X[:2048], y[:2048], epochs=1, batch_size=BATCH_SIZE, optimizer=optimizer)  # warm-up

    def run_epoch() -> float:
        start = time.perf_counter()
        model.fit(X, y, epochs=1, batch_size=BATCH_SIZE, optimizer=optimizer)
        return time.perf_counter() - start

    return model.score, run_epoch


def matmul_floor_epoch(n_samples: int, seed: int = 0) -> float:
    """Seconds for the matrix products of one epoch of the speed model alone, in numpy.

    Per batch: the three forward products, the three weight gradients ``x.T @ delta`` and the
    two input gradients of the upper layers (the first layer needs none), with the same shapes,
    dtype and BLAS threads as training. No numpy implementation of the model can be faster, so
    ``floor / torch`` is the best ratio this machine allows before any elementwise work
    (activations, loss, Adam, batch gathering).
    """
    rng = np.random.default_rng(seed)
    weights = [rng.standard_normal((a, b), dtype=np.float32) * 0.05
               for a, b in zip(SPEED_SIZES[:-1], SPEED_SIZES[1:], strict=True)]
    inputs = rng.random((BATCH_SIZE, SPEED_SIZES[0]), dtype=np.float32)

    def products(batch: int) -> None:
        acts = [inputs[:batch]]
        for W in weights:
            acts.append(acts[-1] @ W)
        delta = acts[-1]
        for i in range(len(weights) - 1, -1, -1):
            acts[i].T @ delta  # weight gradient
            if i > 0:
                delta = delta @ weights[i].T  # input gradient

    products(BATCH_SIZE)  # warm-up
    start = time.perf_counter()
    for first in range(0, n_samples, BATCH_SIZE):
        products(min(BATCH_SIZE, n_samples - first))
    return time.perf_counter() - start


# --------------------------------------------------------------------------- worker processes
def serve(framework: str, threads: int) -> None:
    """Worker main loop: load MNIST, build the trainer, then answer one JSON line per command
    read from stdin: ``epoch`` (train one epoch: its seconds and, for nnbasics, the matmul
    floor's) and ``finish`` (test accuracy and facts about the process, then exit)."""
    from threadpoolctl import threadpool_limits

    X, y, X_test, y_test = load_flat_mnist()
    with threadpool_limits(threads, user_api="blas"):
        runner = numpy_epoch_runner if framework == "nnbasics" else torch_epoch_runner
        accuracy, run_epoch = runner(X, y, threads)
        _reply({"ready": True})
        for line in sys.stdin:
            if line.strip() == "epoch":
                seconds = run_epoch()
                floor = matmul_floor_epoch(len(X)) if framework == "nnbasics" else None
                _reply({"seconds": seconds, "matmul_floor": floor})
            elif line.strip() == "finish":
                facts = {"accuracy": accuracy(X_test, y_test), "torch_imported": "torch" in sys.modules}
                if framework == "nnbasics":
                    from nnbasics import get_backend

                    facts["backend"] = get_backend()
                _reply(facts)
                return


def _reply(message: dict) -> None:
    print(json.dumps(message), flush=True)


WORKER_CODE = "import sys; from benchmarks.speed import serve; serve(sys.argv[1], int(sys.argv[2]))"


class Worker:
    """One trainer in its own process, driven line by line (see ``serve``)."""

    def __init__(self, framework: str, threads: int) -> None:
        self.framework = framework
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self._process = subprocess.Popen(
            [sys.executable, "-c", WORKER_CODE, framework, str(threads)], cwd=REPO_ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, text=True)
        self._read()  # {"ready": true} once MNIST is loaded and the trainer warmed up

    def request(self, command: str) -> dict:
        self._process.stdin.write(command + "\n")
        self._process.stdin.flush()
        return self._read()

    def _read(self) -> dict:
        line = self._process.stdout.readline()
        if not line:
            self._process.wait()
            self._stderr.seek(0)
            raise RuntimeError(f"the {self.framework} benchmark worker stopped (exit "
                               f"{self._process.returncode}):\n{self._stderr.read()[-3000:]}")
        return json.loads(line)

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._stderr.close()


# --------------------------------------------------------------------------- statistics
def bootstrap_median_ci(values, confidence: float = 0.95, resamples: int = 5000,
                        seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval for the median of ``values`` (resampling the rounds)."""
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or len(values) == 0:
        raise ValueError(f"need a non-empty 1-D list of values, got shape {values.shape}")
    rng = np.random.default_rng(seed)
    medians = np.median(values[rng.integers(0, len(values), (resamples, len(values)))], axis=1)
    tail = (1.0 - confidence) / 2 * 100
    low, high = np.percentile(medians, [tail, 100 - tail])
    return float(low), float(high)


MIN_ROUNDS_FOR_VERDICT = 5


def verdict(interval: tuple[float, float], target: float, n_rounds: int) -> str:
    """``met`` (the whole interval is at or below the target), ``not met`` (all above),
    ``undecided`` (it straddles the target) or ``too few rounds``."""
    if n_rounds < MIN_ROUNDS_FOR_VERDICT:
        return "too few rounds"
    low, high = interval
    return "met" if high <= target else "not met" if low > target else "undecided"


# --------------------------------------------------------------------------- the comparison
def measure_speed(threads: int, target: float, budget_s: float = 100.0, min_rounds: int = 5,
                  max_rounds: int = 60, pause_s: float = 0.3, start_worker=Worker,
                  confidence: float = 0.95) -> dict:
    """Alternate epochs of nnbasics and torch (``threads`` threads each) for ``budget_s``
    seconds (at least ``min_rounds`` rounds, at most ``max_rounds``); return the per-round
    figures, the median ratio nnbasics/torch, its bootstrap interval and the verdict."""
    workers = {}
    try:
        for framework in FRAMEWORKS:
            workers[framework] = start_worker(framework, threads)
        rounds, start = [], time.perf_counter()
        while len(rounds) < min_rounds or (len(rounds) < max_rounds
                                           and time.perf_counter() - start < budget_s):
            order = FRAMEWORKS if len(rounds) % 2 == 0 else FRAMEWORKS[::-1]
            epoch = {}
            for framework in order:
                time.sleep(pause_s)
                epoch[framework] = workers[framework].request("epoch")
            numpy_s, torch_s = epoch["nnbasics"]["seconds"], epoch["torch"]["seconds"]
            floor_s = epoch["nnbasics"]["matmul_floor"]
            rounds.append({"first": order[0], "nnbasics_s": numpy_s, "torch_s": torch_s,
                           "ratio": numpy_s / torch_s, "matmul_floor_s": floor_s,
                           "floor_ratio": floor_s / torch_s})
            print(f"  round {len(rounds)} ({threads} threads, {order[0]} first): nnbasics "
                  f"{numpy_s:.2f} s, torch {torch_s:.2f} s, ratio {numpy_s / torch_s:.3f}", flush=True)
        facts = {framework: worker.request("finish") for framework, worker in workers.items()}
    finally:
        for worker in workers.values():
            worker.close()
    if facts["nnbasics"]["torch_imported"]:
        raise AssertionError("the nnbasics timing process imported torch")
    ratios = [r["ratio"] for r in rounds]
    interval = bootstrap_median_ci(ratios, confidence)
    median = lambda key: statistics.median(r[key] for r in rounds)  # noqa: E731
    return {
        "threads": threads,
        "backend": facts["nnbasics"].get("backend"),
        "rounds": rounds,
        "seconds": time.perf_counter() - start,
        "load_average_after": os.getloadavg()[0],
        "nnbasics_s_per_epoch": median("nnbasics_s"),
        "torch_s_per_epoch": median("torch_s"),
        "ratio": statistics.median(ratios),
        "ratio_ci": list(interval),
        "confidence": confidence,
        "ratio_range": [min(ratios), max(ratios)],
        "target": target,
        "verdict": verdict(interval, target, len(rounds)),
        "matmul_floor_s_per_epoch": median("matmul_floor_s"),
        "floor_ratio": median("floor_ratio"),
        "nnbasics_test_accuracy": facts["nnbasics"]["accuracy"],
        "torch_test_accuracy": facts["torch"]["accuracy"],
        "epochs": len(rounds),
    }

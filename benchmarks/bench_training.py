"""Training benchmark of the numpy core on MNIST.

Three measurements:

1. speed: seconds per epoch of ``MLP([784, 256, 128, 10])`` (ReLU, softmax cross-entropy,
   Adam 1e-3, batch 128, float32) against the same network in PyTorch (CPU, a plain
   training loop over pre-made tensors) with the same number of threads: numpy's BLAS
   threads (the target configuration) and again with 1 thread, which is the only
   configuration whose timings mean much on a busy machine (oversubscribed BLAS/OpenMP
   threads spin-wait for each other). Each library trains in a fresh process of its own,
   the two alternate for a few rounds, and the ratio reported is the median of the
   per-round ratios; the load average is recorded with the results.
2. accuracy: a larger recipe (see ``ACCURACY_RECIPE``) trained for a fixed number of
   epochs; test accuracy and training seconds (target: >= 98.3% within 60 s).
3. memory: peak resident memory of a separate process (which never imports torch) that
   loads MNIST and trains the speed model for one epoch (target: <= 1.5 GB).

Run: ``python -m benchmarks.bench_training`` (``--quick`` for a short smoke run,
``--threads N`` for one thread count, ``--rounds R``, ``--skip-accuracy``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.reporting import print_table, write_results

REPO_ROOT = Path(__file__).resolve().parents[1]
SPEED_SIZES = [784, 256, 128, 10]
BATCH_SIZE = 128
LEARNING_RATE = 1e-3
ACCURACY_RECIPE = {
    "layer_sizes": [784, 512, 256, 10],
    "activation": "relu",
    "dropout": 0.2,
    "batch_size": 128,
    "lr": 1e-3,
    "lr_decay_per_epoch": 0.8,
    "epochs": 12,
}
TARGETS = {"speed_ratio_max": 0.6, "accuracy_min": 0.983, "accuracy_seconds_max": 60.0,
           "peak_memory_mb_max": 1536.0}


def load_flat_mnist():
    """MNIST as float32 ``(n, 784)`` in [0, 1] and int64 labels."""
    from nnbasics.datasets import load_mnist

    X_train, y_train, X_test, y_test = load_mnist()
    flat = lambda X: X.reshape(len(X), -1).astype(np.float32) / np.float32(255.0)  # noqa: E731
    return flat(X_train), y_train.astype(np.int64), flat(X_test), y_test.astype(np.int64)


def blas_threads() -> int:
    """Number of threads numpy's BLAS uses."""
    from threadpoolctl import threadpool_info

    counts = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
    return max(counts) if counts else 1


# --------------------------------------------------------------------------- speed
def torch_epoch_runner(X, y, threads: int, seed=0):
    """The same network and loop in PyTorch: one function call = one timed epoch."""
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


SPEED_PROBE = """
import json, os, sys
threads, framework, epochs = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
from threadpoolctl import threadpool_limits
from benchmarks.bench_training import (load_flat_mnist, matmul_floor_epoch, numpy_epoch_runner,
                                       torch_epoch_runner)
X, y, X_test, y_test = load_flat_mnist()
with threadpool_limits(threads, user_api="blas"):
    runner = numpy_epoch_runner if framework == "nnbasics" else torch_epoch_runner
    accuracy, run_epoch = runner(X, y, threads)
    times = [run_epoch() for _ in range(epochs)]
    floor = [matmul_floor_epoch(len(X)) for _ in range(epochs)] if framework == "nnbasics" else []
    print(json.dumps({"times": times, "accuracy": accuracy(X_test, y_test), "matmul_floor": floor,
                      "torch_imported": "torch" in sys.modules}))
"""


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


def numpy_epoch_runner(X, y, threads: int, seed=0):
    """nnbasics' ``MLP.fit``, one epoch per call (``threads`` only documents the setting)."""
    from nnbasics import MLP, Adam

    model = MLP(SPEED_SIZES, activation="relu", seed=seed)
    optimizer = Adam(LEARNING_RATE)
    model.fit(X[:2048], y[:2048], epochs=1, batch_size=BATCH_SIZE, optimizer=optimizer)  # warm-up

    def run_epoch() -> float:
        start = time.perf_counter()
        model.fit(X, y, epochs=1, batch_size=BATCH_SIZE, optimizer=optimizer)
        return time.perf_counter() - start

    return model.score, run_epoch


def _run_probe(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh Python process; return the JSON object on its last output line.

    A failing probe (e.g. MNIST missing) raises with the end of its error output, so its own
    message (which says how to fix it) reaches the user.
    """
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, cwd=REPO_ROOT,
                            text=True)
    if result.returncode != 0:
        raise RuntimeError(f"benchmark probe failed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _run_speed_probe(framework: str, threads: int, epochs: int) -> dict:
    return _run_probe(SPEED_PROBE, str(threads), framework, str(epochs))


def measure_speed(epochs: int, threads: int, rounds: int = 3) -> dict:
    """Seconds per epoch of nnbasics and torch with ``threads`` threads each.

    Each framework trains in a fresh process of its own (nnbasics' never imports torch): in one
    process, torch's OpenMP threads keep spinning after its epoch and slow the numpy epoch that
    follows (and OpenBLAS's threads torch's), which measured the contention, not the libraries.
    The two alternate for ``rounds`` rounds (the order flips each round) and the reported ratio
    is the median of the per-round ratios: on a shared virtual machine the speed of both drifts
    by tens of percent within minutes, and a ratio of neighbouring runs cancels most of that drift.
    """
    rounds_out = []
    for i in range(rounds):
        order = ("nnbasics", "torch") if i % 2 == 0 else ("torch", "nnbasics")
        runs = {framework: _run_speed_probe(framework, threads, epochs) for framework in order}
        assert not runs["nnbasics"]["torch_imported"], "the nnbasics timing process imported torch"
        numpy_s = statistics.median(runs["nnbasics"]["times"])
        torch_s = statistics.median(runs["torch"]["times"])
        floor_s = statistics.median(runs["nnbasics"]["matmul_floor"])
        rounds_out.append({"nnbasics_s_per_epoch": numpy_s, "torch_s_per_epoch": torch_s,
                           "ratio": numpy_s / torch_s, "matmul_floor_s_per_epoch": floor_s,
                           "floor_ratio": floor_s / torch_s,
                           "nnbasics_epoch_times": runs["nnbasics"]["times"],
                           "torch_epoch_times": runs["torch"]["times"],
                           "nnbasics_test_accuracy": runs["nnbasics"]["accuracy"],
                           "torch_test_accuracy": runs["torch"]["accuracy"]})
    ratios = [r["ratio"] for r in rounds_out]
    return {
        "threads": threads,
        "load_average_after": os.getloadavg()[0],
        "epochs": epochs,
        "rounds": rounds_out,
        "nnbasics_s_per_epoch": statistics.median(r["nnbasics_s_per_epoch"] for r in rounds_out),
        "torch_s_per_epoch": statistics.median(r["torch_s_per_epoch"] for r in rounds_out),
        "ratio": statistics.median(ratios),
        "matmul_floor_s_per_epoch": statistics.median(r["matmul_floor_s_per_epoch"] for r in rounds_out),
        "floor_ratio": statistics.median(r["floor_ratio"] for r in rounds_out),
        "ratio_range": [min(ratios), max(ratios)],
        "nnbasics_test_accuracy": rounds_out[0]["nnbasics_test_accuracy"],
        "torch_test_accuracy": rounds_out[0]["torch_test_accuracy"],
    }


# --------------------------------------------------------------------------- accuracy
def measure_accuracy(data, epochs: int | None = None) -> dict:
    from nnbasics import MLP, Adam

    X, y, X_test, y_test = data
    recipe = dict(ACCURACY_RECIPE)
    if epochs is not None:
        recipe["epochs"] = epochs
    model = MLP(recipe["layer_sizes"], activation=recipe["activation"],
                dropout=recipe["dropout"], seed=0)
    optimizer = Adam(recipe["lr"])

    def decay(epoch, history):
        optimizer.lr *= recipe["lr_decay_per_epoch"]

    start = time.perf_counter()
    history = model.fit(X, y, epochs=recipe["epochs"], batch_size=recipe["batch_size"],
                        optimizer=optimizer, callbacks=[decay], seed=0)
    seconds = time.perf_counter() - start
    return {
        "recipe": recipe,
        "test_accuracy": model.score(X_test, y_test),
        "train_seconds": seconds,
        "epoch_seconds": history["seconds"],
    }


# --------------------------------------------------------------------------- memory
MEMORY_PROBE = """
import json, sys
import numpy as np
from pathlib import Path
from benchmarks.bench_training import load_flat_mnist, SPEED_SIZES, BATCH_SIZE, LEARNING_RATE
from nnbasics import MLP, Adam
X, y, X_test, y_test = load_flat_mnist()
model = MLP(SPEED_SIZES, activation="relu", seed=0)
model.fit(X, y, epochs=1, batch_size=BATCH_SIZE, optimizer=Adam(LEARNING_RATE),
          validation_data=(X_test, y_test))
# VmHWM: this process's own peak RSS (ru_maxrss would include the parent's at fork time)
status = open("/proc/self/status").read()
peak_kb = int(status.split("VmHWM:")[1].split()[0])
print(json.dumps({"peak_rss_mb": peak_kb / 1024, "torch_imported": "torch" in sys.modules}))
"""


def measure_memory() -> dict:
    """Peak RSS of a fresh process training on full MNIST (without torch)."""
    return _run_probe(MEMORY_PROBE)


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short smoke run")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating nnbasics/torch rounds per thread count (default 3)")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for numpy's BLAS, nnbasics and torch (default: BLAS's)")
    args = parser.parse_args(argv)
    thread_counts = [args.threads] if args.threads else sorted({blas_threads(), 1}, reverse=True)

    load_before = os.getloadavg()[0]
    # the speed and memory probes load MNIST in their own processes
    speeds = [measure_speed(1 if args.quick else 3, threads, rounds=1 if args.quick else args.rounds)
              for threads in thread_counts]
    memory = measure_memory()
    accuracy = None
    if not args.skip_accuracy:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(thread_counts[0], user_api="blas"):
            accuracy = measure_accuracy(load_flat_mnist(), epochs=1 if args.quick else None)

    rows = []
    for speed in speeds:
        t = speed["threads"]
        rows += [
            {"measure": f"nnbasics s/epoch ({t} threads)", "value": speed["nnbasics_s_per_epoch"],
             "target": ""},
            {"measure": f"torch s/epoch ({t} threads)", "value": speed["torch_s_per_epoch"],
             "target": ""},
            {"measure": f"nnbasics / torch ({t} threads, median of {len(speed['rounds'])} rounds)",
             "value": speed["ratio"], "target": f"<= {TARGETS['speed_ratio_max']}"},
            {"measure": f"  per-round ratios ({t} threads)",
             "value": " ".join(f"{r['ratio']:.2f}" for r in speed["rounds"]), "target": ""},
            {"measure": f"matmuls alone s/epoch ({t} threads)",
             "value": speed["matmul_floor_s_per_epoch"], "target": "(numpy floor)"},
            {"measure": f"matmuls alone / torch ({t} threads)", "value": speed["floor_ratio"],
             "target": "(best possible ratio)"},
        ]
    rows += [
        {"measure": "speed model test acc", "value": speeds[0]["nnbasics_test_accuracy"],
         "target": f"(after {speeds[0]['epochs']} epochs)"},
        {"measure": "peak RSS MB (1 epoch, full MNIST)", "value": memory["peak_rss_mb"],
         "target": f"<= {TARGETS['peak_memory_mb_max']:.0f}"},
    ]
    if accuracy is not None:
        rows += [
            {"measure": "recipe test accuracy", "value": accuracy["test_accuracy"],
             "target": f">= {TARGETS['accuracy_min']}"},
            {"measure": "recipe training seconds", "value": accuracy["train_seconds"],
             "target": f"<= {TARGETS['accuracy_seconds_max']:.0f} ({thread_counts[0]} threads)"},
        ]
    print_table(rows, f"MNIST training (load average before: {load_before:.1f}; "
                      "timings are only meaningful on an otherwise idle machine)")
    payload = {"speed": speeds, "load_average_before": load_before, "memory": memory,
               "accuracy": accuracy, "targets": TARGETS, "quick": args.quick}
    write_results("training", payload)
    return payload


if __name__ == "__main__":
    main()

"""A real Dask scheduler and worker processes on 127.0.0.1 for tests, always stopped afterwards.

:func:`dask_scheduler` starts ``dask scheduler`` on a free loopback port (no dashboard);
:func:`dask_workers` starts single-threaded ``dask worker`` processes (each with its nanny,
which restarts a killed worker) connected to it. Every process runs in its own session and is
killed with its whole process group on exit, also when the test fails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(args: list[str], log: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    env.pop("NNBASICS_GRADEBOOK_URL", None)  # workers never see the real gradebook
    with log.open("ab") as stream:
        return subprocess.Popen([sys.executable, "-m", *args], cwd=REPO, env=env, stdout=stream,
                                stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    """Kill ``process`` and everything in its process group (nanny, worker, kernels)."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=30)


@contextmanager
def dask_scheduler(log_dir: Path, port: int | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """``(address, process)`` of a scheduler listening on 127.0.0.1 (``port`` or a free one)."""
    port = port or free_port()
    process = _start(["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port),
                      "--no-dashboard"], log_dir / f"scheduler-{port}.log")
    address = f"tcp://127.0.0.1:{port}"
    try:
        _wait_for_port(port, process, log_dir / f"scheduler-{port}.log")
        yield address, process
    finally:
        stop(process)


@contextmanager
def dask_workers(address: str, count: int, log_dir: Path) -> Iterator[list[subprocess.Popen]]:
    """``count`` single-threaded workers of the scheduler at ``address``, ready when yielded."""
    from distributed import Client

    processes = [
        _start(["distributed.cli.dask_worker", address, "--nthreads", "1", "--host", "127.0.0.1",
                "--no-dashboard", "--name", f"test-worker-{index}"],
               log_dir / f"worker-{index}.log")
        for index in range(count)
    ]
    try:
        with Client(address, timeout=30) as client:
            client.wait_for_workers(count, timeout=90)
        yield processes
    finally:
        for process in processes:
            stop(process)


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dask scheduler exited ({process.returncode}):\n{log.read_text()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"dask scheduler did not listen on {port} within {timeout} s:\n{log.read_text()}")

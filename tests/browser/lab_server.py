"""A JupyterLab server for browser tests: loopback only, fresh Jupyter folders, stopped on exit.

:func:`jupyter_lab` serves a *copy* of the course (so autosave never writes outputs into the
repository), with its own config/data/runtime/settings/workspace folders, the news toast
silenced and notebook windowing off (every cell in the DOM). Facts behind the flags:
``/work/shared/notes/browser-testing.md``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
READY_TIMEOUT = 60.0


@dataclass
class LabServer:
    """A running server: ``base_url`` (``http://127.0.0.1:port``), ``token``, ``root`` (served)."""

    base_url: str
    token: str
    root: Path
    log: Path

    def url(self, relative: str) -> str:
        """The JupyterLab URL that opens ``relative`` (a path under ``root``)."""
        return f"{self.base_url}/lab/tree/{quote(relative)}?token={self.token}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fresh_environment(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "MPLBACKEND"}  # inline plots
    folders = {
        "JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data", "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTERLAB_SETTINGS_DIR": "settings", "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
        "IPYTHONDIR": "ipython", "MPLCONFIGDIR": "matplotlib",
    }
    for variable, name in folders.items():
        (home / name).mkdir(parents=True, exist_ok=True)
        env[variable] = str(home / name)
    for relative, content in SETTINGS.items():
        path = home / "settings" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    return env


def _wait_ready(process: subprocess.Popen, base_url: str, token: str, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/api/status?token={token}", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"JupyterLab not ready after {READY_TIMEOUT} s:\n{log.read_text()[-3000:]}")


@contextmanager
def jupyter_lab(source: Path, siblings: tuple[str, ...] = ("tests",),
                extra_args: tuple[str, ...] = ()) -> Iterator[LabServer]:
    """Serve a copy of the folder ``source`` with JupyterLab on 127.0.0.1; stopped on exit.

    ``siblings``: folders next to ``source`` that notebooks read (chapter 7 lists ``../tests``),
    linked next to the copy so relative paths work as in the repository.
    """
    home = Path(tempfile.mkdtemp(prefix="nnbasics-lab-"))
    root = home / "repo" / source.name
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for name in siblings:
        if (source.parent / name).exists():
            (root.parent / name).symlink_to(source.parent / name)
    env = _fresh_environment(home)
    port, token = free_port(), secrets.token_hex(16)
    log = home / "server.log"
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}", *extra_args,
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_ready(process, base_url, token, log)
        yield LabServer(base_url, token, root, log)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # the server's own session: it and its kernels
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        shutil.rmtree(home, ignore_errors=True)

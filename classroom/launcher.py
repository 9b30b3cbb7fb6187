"""``make hub`` and ``make hub-stop``: prepare the class and start or stop JupyterHub.

:func:`start` is idempotent: it (re)builds what is missing (environment, accounts, exchange,
course copy, role configs) and starts the hub only if it is not already answering. The hub runs in
the background in its own session; its pid, database, cookie secret and log live in the state folder.
:func:`stop` ends the hub, which stops the proxy and every single-user server it started.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from classroom.accounts import ensure_account
from classroom.course_files import (
    ensure_chapters,
    ensure_course_copy,
    ensure_exchange,
    install_roster,
    write_role_configs,
)
from classroom.environment import ensure_environment
from classroom.roster import load_roster
from classroom.settings import HubSettings

CONFIG_FILE = Path(__file__).resolve().parent / "jupyterhub_config.py"


class HubError(RuntimeError):
    """The hub could not be prepared, started or stopped; the message says why and where the log is."""


@dataclass(frozen=True)
class StartResult:
    url: str
    pid: int
    already_running: bool
    seconds_prepare: float
    seconds_start: float


def require_root() -> None:
    if os.geteuid() != 0:
        raise HubError("the class hub creates Unix accounts and switches to them: run it as root (sudo make hub)")


def hub_pid(settings: HubSettings) -> int | None:
    """The pid of a running hub started from this state folder, or None."""
    try:
        pid = int(settings.pid_file.read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None
    return pid


def is_answering(settings: HubSettings, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{settings.url}/hub/api/", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def prepare(settings: HubSettings) -> None:
    """Everything but the hub process: environment, accounts, exchange, chapters, course copy, configs."""
    require_root()
    roster = load_roster(settings.roster)
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    settings.state_dir.chmod(0o755)  # servers read the chapters, configs and environment in here
    ensure_environment(settings.env_dir)
    for person in roster.people:
        ensure_account(person.username, person.role, settings.homes)
    ensure_exchange(settings.exchange)
    ensure_chapters(settings)
    ensure_course_copy(settings, owner=roster.instructors[0])
    install_roster(settings, owner=roster.instructors[0])
    write_role_configs(settings)
    shutil.copy2(CONFIG_FILE, settings.state_dir / "jupyterhub_config.py")
    for secret in ("jupyterhub_cookie_secret", "jupyterhub.sqlite"):
        if (settings.state_dir / secret).exists():
            (settings.state_dir / secret).chmod(0o600)


def start(settings: HubSettings, wait_seconds: float = 90.0) -> StartResult:
    """Prepare the class and start JupyterHub in the background, unless it is already running."""
    began = time.perf_counter()
    prepare(settings)
    prepared = time.perf_counter()
    pid = hub_pid(settings)
    if pid is not None and is_answering(settings):
        return StartResult(settings.url, pid, True, prepared - began, 0.0)
    environment = {**os.environ, **settings.as_environment(),
                   "PATH": f"{settings.env_dir / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
    environment.pop("VIRTUAL_ENV", None)
    environment.pop("PYTHONPATH", None)
    log = open(settings.log_file, "ab")  # noqa: SIM115 - handed to the child process
    process = subprocess.Popen(
        [str(settings.env_dir / "bin" / "jupyterhub"), "-f", str(settings.state_dir / "jupyterhub_config.py")],
        cwd=settings.state_dir, env=environment, stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, start_new_session=True,
    )
    log.close()
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise HubError(f"JupyterHub exited with code {process.returncode}; see {settings.log_file}:\n"
                           + _tail(settings.log_file))
        if is_answering(settings, timeout=1.0):
            return StartResult(settings.url, process.pid, False, prepared - began, time.perf_counter() - prepared)
        time.sleep(0.2)
    process.terminate()
    raise HubError(f"JupyterHub did not answer at {settings.url} within {wait_seconds:.0f} s; see {settings.log_file}")


def stop(settings: HubSettings, wait_seconds: float = 30.0) -> bool:
    """Stop the hub (it stops the proxy and the servers it spawned). True if one was running."""
    pid = hub_pid(settings)
    if pid is None:
        _stop_leftover_proxy(settings)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        os.killpg(pid, signal.SIGKILL)
    _stop_leftover_proxy(settings)
    settings.pid_file.unlink(missing_ok=True)
    return True


def _stop_leftover_proxy(settings: HubSettings) -> None:
    proxy_pid_file = settings.state_dir / "proxy.pid"
    try:
        os.kill(int(proxy_pid_file.read_text().strip()), signal.SIGTERM)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        pass
    proxy_pid_file.unlink(missing_ok=True)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"

"""A real class hub for tests: Unix accounts with a prefix, a state folder of its own, free ports.

The hub tests need root (useradd, LocalProcessSpawner switching users), Debian's python3-venv, npm
and the hub environment (built once per machine in ``NNBASICS_HUB_TEST_ENV``, default
``/var/tmp/nnbasics-hub-test-env``; about 90 s the first time with a warm pip cache).
Every test module uses its own account prefix; the fixture sweeps leftovers of that prefix first
and removes the accounts, homes, servers and state afterwards, also when a test fails.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

HUB_ENV = Path(os.environ.get("NNBASICS_HUB_TEST_ENV", "/var/tmp/nnbasics-hub-test-env"))
REPO = Path(__file__).resolve().parents[2]


def require_hub_prerequisites() -> None:
    if os.geteuid() != 0:
        pytest.skip("class hub tests create Unix accounts: run them as root")
    for tool, package in (("useradd", "passwd"), ("runuser", "util-linux"), ("npm", "npm")):
        if shutil.which(tool) is None:
            pytest.skip(f"class hub tests need {tool}: apt-get install -y {package}")


def free_port_triple() -> int:
    """A port P with P, P+1, P+2 free on loopback (proxy, hub, proxy API)."""
    for _ in range(200):
        base = random.randrange(20000, 50000, 3)
        try:
            for port in (base, base + 1, base + 2):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no three free consecutive ports on 127.0.0.1")


@dataclass
class ClassHub:
    settings: object
    folder: Path
    instructors: list[str]
    students: list[str]

    @property
    def url(self) -> str:
        return self.settings.url

    def home(self, username: str) -> Path:
        return self.settings.homes / username

    def as_user(self, username: str, command: list[str], cwd: Path | None = None, role: str = "student",
                check: bool = True, **kwargs) -> subprocess.CompletedProcess:
        """Run ``command`` as the Unix user ``username`` with the environment their server has."""
        from classroom.hubconfig import server_environment

        env = server_environment(self.settings, role, self.home(username))
        env.update(HOME=str(self.home(username)), USER=username, LANG="C.UTF-8")
        assignments = [f"{key}={value}" for key, value in env.items()]
        done = subprocess.run(["runuser", "-u", username, "--", "env", "-i", *assignments, *command],
                              cwd=cwd or self.home(username), capture_output=True, text=True, **kwargs)
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(command)} as {username} failed ({done.returncode}):\n"
                                 f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
        return done

    def make(self, target: str) -> str:
        """``sudo make <target>`` in the repository with this class's settings, as an instructor
        types it (``make hub``, ``make hub-stop``, ``make hub-status``); returns its output."""
        variables = [f"ROSTER={self.settings.roster}", f"HUB_STATE={self.settings.state_dir}",
                     f"HUB_PORT={self.settings.port}", f"HUB_EXCHANGE={self.settings.exchange}"]
        if self.settings.gradebook_url:
            variables.append(f"GRADEBOOK_URL={self.settings.gradebook_url}")
        environment = {**os.environ, "NNBASICS_HUB_ENV": str(self.settings.env_dir),
                       "NNBASICS_HUB_HOMES": str(self.settings.homes)}
        done = subprocess.run(["make", "--no-print-directory", "-C", str(REPO), target, *variables],
                              env=environment, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise AssertionError(f"make {target} failed ({done.returncode}):\n{done.stdout[-2000:]}\n"
                                 f"{done.stderr[-3000:]}")
        return done.stdout

    def instructor_make(self, *targets: str, check: bool = True) -> subprocess.CompletedProcess:
        """``make <targets>`` in the course copy, as the first instructor (what they type in a terminal)."""
        return self.as_user(self.instructors[0], ["make", "--no-print-directory", *targets],
                            cwd=self.settings.course_dir, role="instructor", check=check)


@contextmanager
def running_hub(hub_env: Path, prefix: str, n_students: int, gradebook_url: str = "") -> Iterator[ClassHub]:
    """Start a class hub with ``<prefix>teacher`` and ``<prefix>s1..sN`` by ``make hub``; ``make hub-stop``
    and the account sweep tear everything down after."""
    from classroom.accounts import sweep_accounts
    from classroom.settings import HubSettings

    sweep_accounts(prefix)
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}hub-", dir="/var/tmp"))
    folder.chmod(0o755)
    instructors = [f"{prefix}teacher"]
    students = [f"{prefix}s{i}" for i in range(1, n_students + 1)]
    roster = folder / "roster.csv"
    roster.write_text("username,role,name\n" + "".join(f"{n},instructor,Test Teacher\n" for n in instructors)
                      + "".join(f"{n},student,Test Student{n.removeprefix(prefix + 's')}\n" for n in students))
    environ = {"NNBASICS_HUB_STATE": str(folder / "state"), "NNBASICS_HUB_ENV": str(hub_env),
               "NNBASICS_HUB_ROSTER": str(roster), "NNBASICS_HUB_PORT": str(free_port_triple()),
               "NNBASICS_EXCHANGE": str(folder / "exchange"), "NNBASICS_HUB_HOMES": str(folder / "home")}
    if gradebook_url:
        environ["NNBASICS_GRADEBOOK_URL"] = gradebook_url
    hub = ClassHub(HubSettings.from_environment(environ), folder, instructors, students)
    try:
        hub.make("hub")
        yield hub
    finally:
        try:
            hub.make("hub-stop")
        finally:
            sweep_accounts(prefix)
            shutil.rmtree(folder, ignore_errors=True)

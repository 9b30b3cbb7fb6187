"""Where a class keeps its state and which address it serves, from environment variables.

``make hub`` passes its variables through to these names, so the launcher, the hub's config
file and the tests all read one :class:`HubSettings`:

==========================  =================================  =====================================
variable                    default                            what
==========================  =================================  =====================================
``NNBASICS_HUB_STATE``      ``/srv/nnbasics-hub``              hub database, cookie secret, logs, pid,
                                                               course copy, role configs
``NNBASICS_HUB_ENV``        ``<state>/env``                    Python environment of the servers
``NNBASICS_HUB_ROSTER``     ``<state>/roster.csv``             instructors and students (CSV)
``NNBASICS_HUB_IP``         ``127.0.0.1``                      address of the proxy (``0.0.0.0``: all)
``NNBASICS_HUB_PORT``       ``8000``                           port of the proxy
``NNBASICS_EXCHANGE``       ``/srv/nbgrader/exchange``         nbgrader's shared exchange (mode 1777)
``NNBASICS_GRADEBOOK_URL``  sqlite in the course copy          e.g. ``postgresql+psycopg://...``
``NNBASICS_HUB_HOMES``      ``/home``                          parent of the class's home folders
==========================  =================================  =====================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_STATE = "/srv/nnbasics-hub"
DEFAULT_EXCHANGE = "/srv/nbgrader/exchange"


@dataclass(frozen=True)
class HubSettings:
    """Everything the launcher and the hub's configuration need to agree on."""

    state_dir: Path
    env_dir: Path
    roster: Path
    ip: str
    port: int
    exchange: Path
    homes: Path
    gradebook_url: str = ""

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> HubSettings:
        env = os.environ if environ is None else environ
        state = Path(env.get("NNBASICS_HUB_STATE") or DEFAULT_STATE)
        port_text = env.get("NNBASICS_HUB_PORT") or "8000"
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ValueError(f"NNBASICS_HUB_PORT must be a port number 1-65535, got {port_text!r}")
        return cls(
            state_dir=state.resolve(),
            env_dir=Path(env.get("NNBASICS_HUB_ENV") or state / "env").resolve(),
            roster=Path(env.get("NNBASICS_HUB_ROSTER") or state / "roster.csv").resolve(),
            ip=env.get("NNBASICS_HUB_IP") or "127.0.0.1",
            port=int(port_text),
            exchange=Path(env.get("NNBASICS_EXCHANGE") or DEFAULT_EXCHANGE).resolve(),
            homes=Path(env.get("NNBASICS_HUB_HOMES") or "/home").resolve(),
            gradebook_url=env.get("NNBASICS_GRADEBOOK_URL", "").strip(),
        )

    def as_environment(self) -> dict[str, str]:
        """The variables that reproduce these settings in a child process (the hub)."""
        values = {
            "NNBASICS_HUB_STATE": str(self.state_dir), "NNBASICS_HUB_ENV": str(self.env_dir),
            "NNBASICS_HUB_ROSTER": str(self.roster), "NNBASICS_HUB_IP": self.ip,
            "NNBASICS_HUB_PORT": str(self.port), "NNBASICS_EXCHANGE": str(self.exchange),
            "NNBASICS_HUB_HOMES": str(self.homes),
        }
        if self.gradebook_url:
            values["NNBASICS_GRADEBOOK_URL"] = self.gradebook_url
        return values

    # folders inside the state folder --------------------------------------------------------
    @property
    def course_dir(self) -> Path:
        """The instructors' copy of the course repository (solutions, autograder work area)."""
        return self.state_dir / "course"

    @property
    def chapters_dir(self) -> Path:
        """The chapters every student's home receives (read-only source)."""
        return self.state_dir / "chapters"

    @property
    def config_dir(self) -> Path:
        """``<state>/jupyter/<role>``: each role's read-only Jupyter configuration."""
        return self.state_dir / "jupyter"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "hub.log"

    @property
    def pid_file(self) -> Path:
        return self.state_dir / "hub.pid"

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.ip in ("0.0.0.0", "") else self.ip
        return f"http://{host}:{self.port}"

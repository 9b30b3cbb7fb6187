"""A throw-away PostgreSQL server for tests: its own cluster on loopback, removed afterwards.

Debian's ``postgresql`` package provides the binaries (``apt-get install postgresql``). ``initdb``
refuses to run as root, so when the tests run as root the cluster belongs to the ``postgres`` system
user the package creates. The server listens on 127.0.0.1 only, on a free port, with its socket in
the cluster's own folder; :func:`postgres_server` stops it and deletes the folder even when the test
fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_BIN_CANDIDATES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


@dataclass(frozen=True)
class PostgresServer:
    """A running server: ``url(db)`` gives the SQLAlchemy URL of one of its databases."""

    port: int
    user: str
    password: str
    bin_dir: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create database ``name`` and return its URL."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.user, password=self.password, dbname="postgres",
            autocommit=True,
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def pg_bin_dir() -> Path | None:
    """The newest installed PostgreSQL ``bin`` folder holding ``initdb``, or None."""
    for folder in PG_BIN_CANDIDATES:
        if (folder / "initdb").exists():
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *command] if owner else command


@contextmanager
def postgres_server(user: str = "nnbtest", password: str = "nnbtest-pw") -> Iterator[PostgresServer]:
    """Start a PostgreSQL cluster on 127.0.0.1 for the duration of the ``with`` block.

    Skips the test with the install command when PostgreSQL or psycopg is missing.
    """
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL tests need the server: apt-get install -y postgresql")
    pytest.importorskip("psycopg", reason="PostgreSQL tests need psycopg: pip install 'psycopg[binary]'")
    owner = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="nnbasics-pg-"))
    data = folder / "data"
    password_file = folder / "pw"
    password_file.write_text(password + "\n")
    if owner:
        shutil.chown(folder, owner)
        shutil.chown(password_file, owner)
    folder.chmod(0o700)
    port = _free_port()
    started = False
    try:
        subprocess.run(
            _as_owner([str(bin_dir / "initdb"), "-D", str(data), "-U", user, "--pwfile", str(password_file),
                       "-A", "scram-sha-256", "--no-sync", "-E", "UTF8"], owner),
            check=True, capture_output=True, text=True,
        )
        options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} -c fsync=off"
        subprocess.run(
            _as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"),
                       "-w", "-t", "60", "start"], owner),
            check=True, capture_output=True, text=True,
        )
        started = True
        yield PostgresServer(port, user, password, bin_dir)
    except subprocess.CalledProcessError as error:
        log = (folder / "log").read_text() if (folder / "log").exists() else ""
        raise RuntimeError(f"PostgreSQL did not start: {error.stderr}\n{log}") from error
    finally:
        if started:
            subprocess.run(
                _as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], owner),
                capture_output=True,
            )
        shutil.rmtree(folder, ignore_errors=True)

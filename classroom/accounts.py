"""Real Unix accounts for the class (as The Littlest JupyterHub does), made with ``useradd``.

Each account made here carries the comment :data:`MARKER` in its GECOS field, so the hub never
takes over (or deletes) an account it did not create. Homes are private (mode 0700); instructors
also join the group :data:`INSTRUCTORS_GROUP`, which owns the course copy.
"""

from __future__ import annotations

import grp
import pwd
import subprocess
from pathlib import Path

MARKER = "nnbasics-hub"
INSTRUCTORS_GROUP = "nnbasics-instructors"


class AccountError(RuntimeError):
    """An account could not be made or is not the class's to manage."""


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise AccountError(f"{' '.join(command)} failed: {done.stderr.strip()}")


def ensure_group(name: str = INSTRUCTORS_GROUP) -> int:
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        _run(["groupadd", "--system", name])
        return grp.getgrnam(name).gr_gid


def is_class_account(username: str) -> bool:
    try:
        return pwd.getpwnam(username).pw_gecos.startswith(MARKER)
    except KeyError:
        return False


def ensure_account(username: str, role: str, homes: Path = Path("/home")) -> pwd.struct_passwd:
    """Create ``username`` (private home under ``homes``) unless the class already made it.

    Refuses an existing account that the class did not create (a system or staff account), so a
    roster line ``root,student`` cannot hand anyone's files to the hub.
    """
    try:
        entry = pwd.getpwnam(username)
    except KeyError:
        homes.mkdir(parents=True, exist_ok=True)
        _run(["useradd", "--create-home", "--home-dir", str(homes / username), "--shell", "/bin/bash",
              "--comment", f"{MARKER} {role}", "--user-group", username])
        entry = pwd.getpwnam(username)
    else:
        if not entry.pw_gecos.startswith(MARKER):
            raise AccountError(
                f"the Unix account {username!r} exists and was not created by the class hub: "
                "pick another name in the roster"
            )
    Path(entry.pw_dir).chmod(0o700)
    if role == "instructor":
        ensure_group()
        _run(["usermod", "--append", "--groups", INSTRUCTORS_GROUP, username])
    return entry


def remove_account(username: str) -> None:
    """Delete a class account with its home and mail (only accounts the class created)."""
    if is_class_account(username):
        subprocess.run(["pkill", "-KILL", "-u", username], capture_output=True)
        _run(["userdel", "--remove", "--force", username])


def class_accounts(prefix: str = "") -> list[str]:
    """Accounts made by the class hub whose name starts with ``prefix``."""
    return sorted(e.pw_name for e in pwd.getpwall() if e.pw_gecos.startswith(MARKER) and e.pw_name.startswith(prefix))


def sweep_accounts(prefix: str) -> list[str]:
    """Remove every class account starting with ``prefix`` (tests: leftovers of a killed run)."""
    if not prefix:
        raise AccountError("sweep_accounts needs a non-empty prefix")
    removed = class_accounts(prefix)
    for username in removed:
        remove_account(username)
    return removed

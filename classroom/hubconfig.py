"""JupyterHub's configuration for a class: NativeAuthenticator, one Unix account and one
LocalProcessSpawner server per person, nbgrader's exchange and each role's tools.

``classroom/jupyterhub_config.py`` calls :func:`configure` with :class:`HubSettings` read from the
environment, so the same file serves ``make hub``, the tests and (its Spawner part aside) a Zero to
JupyterHub deployment (see docs/deploy.md).
"""

from __future__ import annotations

import os
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner

from classroom.accounts import ensure_account
from classroom.authenticator import ClassAuthenticator
from classroom.course_files import copy_chapters_into
from classroom.environment import proxy_in
from classroom.roster import Roster, load_roster
from classroom.settings import HubSettings


class ClassSpawner(LocalProcessSpawner):
    """LocalProcessSpawner whose instructors' servers create group-writable files (umask 007),
    so several instructors can share the course copy; students keep umask 077."""

    def make_preexec_fn(self, name):  # noqa: D102 - JupyterHub's hook
        switch_user = super().make_preexec_fn(name)
        umask = 0o007 if self.environment.get("NNBASICS_ROLE") == "instructor" else 0o077

        def preexec() -> None:
            switch_user()
            os.umask(umask)

        return preexec


def role_of(roster: Roster, username: str) -> str:
    """The roster's role; people who signed up and were approved by an instructor are students."""
    return roster.role_of(username) or "student"


def server_environment(settings: HubSettings, role: str, home: Path) -> dict[str, str]:
    """Variables of one person's single-user server (and so of its kernels and terminals)."""
    env = {
        "NNBASICS_ROLE": role,
        "JUPYTER_CONFIG_DIR": str(settings.config_dir / role),  # root-owned: tools stay as configured
        "JUPYTERLAB_SETTINGS_DIR": str(home / ".jupyter" / "lab" / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / ".jupyter" / "lab" / "workspaces"),
        "NNBASICS_EXCHANGE": str(settings.exchange),
        "PATH": f"{settings.env_dir / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    }
    if role == "instructor" and settings.gradebook_url:
        env["NNBASICS_GRADEBOOK_URL"] = settings.gradebook_url
    for name in ("NNBASICS_DATA", "NNBASICS_GRADING_SANDBOX", "NNBASICS_LATE_POLICY"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    return env


def make_pre_spawn_hook(settings: HubSettings, roster: Roster):
    """The hook that gives each person their account, folder and tools before the server starts."""

    def pre_spawn_hook(spawner) -> None:
        username = spawner.user.name
        role = role_of(roster, username)
        entry = ensure_account(username, role, settings.homes)
        home = Path(entry.pw_dir)
        if role == "instructor":
            spawner.notebook_dir = str(settings.course_dir)
        else:
            copy_chapters_into(home, settings, entry.pw_uid, entry.pw_gid)
            spawner.notebook_dir = str(home)
        spawner.environment.update(server_environment(settings, role, home))

    return pre_spawn_hook


def configure(c, settings: HubSettings) -> None:
    """Fill JupyterHub's config object ``c`` for the class described by ``settings``."""
    roster = load_roster(settings.roster)
    state = settings.state_dir
    c.JupyterHub.ip = settings.ip
    c.JupyterHub.port = settings.port
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = settings.port + 1
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.port + 2}"
    c.ConfigurableHTTPProxy.command = [str(proxy_in(settings.env_dir))]
    c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(settings.pid_file)

    # real accounts: sign-up with a password of one's own; roster people are pre-approved,
    # instructors are the hub's admins and approve anyone else at /hub/authorize
    c.JupyterHub.authenticator_class = ClassAuthenticator
    c.NativeAuthenticator.open_signup = False
    c.NativeAuthenticator.minimum_password_length = 8
    c.NativeAuthenticator.check_common_password = True
    c.Authenticator.admin_users = set(roster.instructors)
    c.Authenticator.allowed_users = {p.username for p in roster.people}
    c.Authenticator.allow_all = True  # NativeAuthenticator's approval is the gate for sign-ups

    c.JupyterHub.spawner_class = ClassSpawner
    c.Spawner.cmd = [str(settings.env_dir / "bin" / "jupyterhub-singleuser")]
    c.Spawner.default_url = "/lab"
    c.Spawner.start_timeout = 120
    c.Spawner.http_timeout = 90
    c.LocalProcessSpawner.interrupt_timeout = 4  # stopping: SIGINT, then SIGTERM, then SIGKILL
    c.LocalProcessSpawner.term_timeout = 4
    c.Spawner.pre_spawn_hook = make_pre_spawn_hook(settings, roster)

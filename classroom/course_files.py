"""The files a class needs besides accounts: exchange, chapters, the instructors' course copy, and
each role's read-only Jupyter configuration.

- exchange (``NNBASICS_EXCHANGE``, default ``/srv/nbgrader/exchange``): owned by root, mode 1777, as
  nbgrader documents; ``nbgrader release_assignment`` then makes ``<course>/outbound`` (readable) and
  ``<course>/inbound`` (write-only for students: they cannot list or read each other's submissions).
- ``<state>/chapters``: the chapter notebooks, copied into each student's home at first spawn.
- ``<state>/course``: the instructors' copy of the repository's course (``solutions/``, ``course/``,
  the Makefile with the grading targets and ``nbgrader_config.py``); group ``nnbasics-instructors``,
  no access for students. Its ``.venv`` points at the hub environment, so ``make collect EXCHANGE=1``,
  ``make autograde`` ... work in an instructor's terminal as they do in the repository.
- ``<state>/course/autograder/roster.csv``: the roster, refreshed by each ``make hub``; collect and
  autograde give the gradebook its names (formgrader shows them).
- ``<state>/jupyter/<role>``: ``JUPYTER_CONFIG_DIR`` of each role's servers, owned by root. Students:
  formgrader and create-assignment disabled and locked, the formgrader server extension off; both
  roles: ``course_id = nnbasics`` and the exchange.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from classroom.accounts import INSTRUCTORS_GROUP, ensure_group
from classroom.environment import REPO_ROOT
from classroom.settings import HubSettings

COURSE_ID = "nnbasics"
COURSE_COPY = ("solutions", "course", "mk", "Makefile", "nbgrader_config.py", "requirements.txt",
               "requirements.lock", "pyproject.toml")
STUDENT_HIDDEN = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment")
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}


def ensure_exchange(exchange: Path) -> None:
    """Create the exchange as nbgrader documents it: root-owned, mode 1777 (sticky, all may write)."""
    exchange.mkdir(parents=True, exist_ok=True)
    os.chown(exchange, 0, 0)
    exchange.chmod(0o1777)
    for parent in exchange.parents:
        if parent != Path("/") and not parent.stat().st_mode & 0o001:
            parent.chmod(parent.stat().st_mode | 0o005)


def ensure_chapters(settings: HubSettings) -> None:
    target = settings.chapters_dir
    target.mkdir(parents=True, exist_ok=True)
    for notebook in sorted((REPO_ROOT / "course").glob("*.ipynb")):
        shutil.copy2(notebook, target / notebook.name)
    subprocess.run(["chmod", "-R", "a+rX,go-w", str(target)], check=True)


def ensure_course_copy(settings: HubSettings, owner: str) -> Path:
    """Copy the course into ``<state>/course`` once (an instructor's later edits are kept)."""
    course = settings.course_dir
    course.mkdir(parents=True, exist_ok=True)
    for name in COURSE_COPY:
        source, target = REPO_ROOT / name, course / name
        if target.exists():
            continue
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        else:
            shutil.copy2(source, target)
    venv = course / ".venv"
    if not venv.is_symlink():
        venv.symlink_to(settings.env_dir)
    (settings.env_dir / ".setup-stamp").touch()  # the course Makefile's set-up is the hub environment
    # the Makefile includes mk/*.mk last: call the environment by its own path, so that kernels (and
    # the grading sandbox, which hides the course folder) see an interpreter outside the course copy
    (course / "mk" / "00-hub-course.mk").write_text(  # sorts first: later .mk files expand BIN
        f"# written by `make hub`: this course copy runs on the hub's environment\nBIN := {settings.env_dir}/bin\n")
    gid = ensure_group()
    subprocess.run(["chown", "-R", "--no-dereference", f"{owner}:{INSTRUCTORS_GROUP}", str(course)], check=True)
    subprocess.run(["chmod", "-R", "u+rwX,g+rwX,o-rwx", str(course)], check=True)
    subprocess.run(["find", str(course), "-type", "d", "-exec", "chmod", "g+s", "{}", "+"], check=True)
    os.chown(course, -1, gid)
    return course


def install_roster(settings: HubSettings, owner: str) -> Path:
    """Copy the class roster to ``<course>/autograder/roster.csv`` (instructors only, mode 0660), where
    collect and autograde write its names into the gradebook and the report exports read it."""
    work = settings.course_dir / "autograder"
    work.mkdir(exist_ok=True)
    target = work / "roster.csv"
    shutil.copyfile(settings.roster, target)
    subprocess.run(["chown", f"{owner}:{INSTRUCTORS_GROUP}", str(work), str(target)], check=True)
    work.chmod(0o2770)
    target.chmod(0o660)
    return target


def write_role_configs(settings: HubSettings) -> dict[str, Path]:
    """Write ``<state>/jupyter/{student,instructor}`` (root-owned, world-readable); return them."""
    folders = {}
    for role in ("student", "instructor"):
        folder = settings.config_dir / role
        (folder / "labconfig").mkdir(parents=True, exist_ok=True)
        (folder / "nbgrader_config.py").write_text(_nbgrader_config(role, settings))
        hidden = {name: True for name in STUDENT_HIDDEN} if role == "student" else {}
        (folder / "labconfig" / "page_config.json").write_text(
            json.dumps({"disabledExtensions": hidden, "lockedExtensions": hidden}, indent=2))
        extensions = {"nbgrader.server_extensions.formgrader": role == "instructor"}
        (folder / "jupyter_server_config.json").write_text(
            json.dumps({"ServerApp": {"jpserver_extensions": extensions}}, indent=2))
        (folder / "migrated").touch()  # else jupyter_core tries to write it (read-only here) and nbgrader fails
        folders[role] = folder
    overrides = settings.env_dir / "share" / "jupyter" / "lab" / "settings"
    overrides.mkdir(parents=True, exist_ok=True)
    (overrides / "overrides.json").write_text(json.dumps(LAB_OVERRIDES, indent=2))
    subprocess.run(["chmod", "-R", "a+rX,go-w", str(settings.config_dir), str(overrides)], check=True)
    return folders


def _nbgrader_config(role: str, settings: HubSettings) -> str:
    header = (f'"""nbgrader settings of every {role} server (written by `make hub`)."""\n\n'
              'c = get_config()  # noqa: F821\n')
    if role == "student":
        return (header + f'c.CourseDirectory.course_id = "{COURSE_ID}"\n'
                f'c.Exchange.root = "{settings.exchange}"\n')
    # instructors: the pipeline's own configuration on the course copy (same as nbgrader_config.py)
    return header + (
        "from pathlib import Path\n\n"
        "from autograder.config import nbgrader_config\n"
        "from autograder.layout import CourseLayout\n\n"
        f'c.merge(nbgrader_config(CourseLayout(Path("{settings.course_dir}"))))\n'
    )


def copy_chapters_into(home: Path, settings: HubSettings, uid: int, gid: int) -> None:
    """A student's first spawn: ``~/chapters`` gets the chapter notebooks (never overwritten)."""
    target = home / "chapters"
    if target.exists():
        return
    shutil.copytree(settings.chapters_dir, target)
    for path in [target, *target.rglob("*")]:
        os.chown(path, uid, gid)

"""The hub's own Python environment and proxy, in a folder every Unix user can read.

The course's ``.venv`` links to an interpreter under ``/root`` (mode 0700 on the course's machines),
so the single-user servers of students and instructors cannot run from it. :func:`ensure_environment`
builds a second virtual environment from Debian's ``/usr/bin/python3.11`` (``apt-get install
python3-venv``) holding only what a class needs: JupyterHub, JupyterLab, nbgrader, ipywidgets,
NumPy, matplotlib and this repository's packages (``nnbasics``, ``autograder``, ``classroom``),
installed as a copy, not in editable mode. No PyTorch: only chapter 9 uses it.
``configurable-http-proxy`` comes from npm into ``<env>/proxy``, and the course site's npm
packages (``site/package-lock.json``) into ``<env>/site/node_modules``, where ``coursesite`` finds
``mathjax-full`` to pre-render the formulas of an instructor's ``make feedback``.

Every step is idempotent: a stamp file records what was installed, and a file lock lets parallel
callers (two pytest workers) wait for one build instead of racing.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BASE_PYTHON_CANDIDATES = ("/usr/bin/python3.11", "/usr/bin/python3")
PROXY_PACKAGE = "configurable-http-proxy@5.3.0"
# The course's pins (requirements.txt) for what a class needs. Debian's Python 3.11.2 cannot take
# every transitive pin of requirements.lock (soupsieve 4 wants >= 3.11.5), so only these are pinned.
HUB_PACKAGES = (
    "jupyterhub", "jupyterhub-nativeauthenticator", "jupyterlab", "nbgrader", "ipywidgets", "numpy",
    "matplotlib", "tqdm", "nbclient", "nbformat", "ipykernel", "psycopg", "psycopg-binary",
)
OWN_SOURCES = ("nnbasics", "autograder", "classroom", "coursesite", "pyproject.toml")


class HubEnvironmentError(RuntimeError):
    """The hub environment could not be built; the message says what to install or fix."""


def pinned_requirements(requirements: Path = REPO_ROOT / "requirements.txt") -> list[str]:
    """``name==version`` for every package of :data:`HUB_PACKAGES`, read from requirements.txt."""
    pins = {}
    for line in requirements.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.strip().lower()] = version.strip()
    missing = [name for name in HUB_PACKAGES if name not in pins]
    if missing:
        raise HubEnvironmentError(f"{requirements} pins no version of {', '.join(missing)}")
    return [f"{name}=={pins[name]}" for name in HUB_PACKAGES]


def base_python() -> str:
    """An interpreter outside /root that can create virtual environments."""
    for candidate in BASE_PYTHON_CANDIDATES:
        if Path(candidate).exists():
            probe = subprocess.run([candidate, "-c", "import ensurepip, venv"], capture_output=True)
            if probe.returncode == 0:
                return candidate
    raise HubEnvironmentError(
        "the hub environment needs Debian's Python with venv support: apt-get install -y python3-venv"
    )


def _digest(paths: list[Path], extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    for root in paths:
        files = [root] if root.is_file() else sorted(
            p for p in root.rglob("*") if p.suffix in (".py", ".mjs") and "__pycache__" not in p.parts)
        for path in files:
            digest.update(str(path.relative_to(REPO_ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join(line for line in done.stderr.splitlines() if "is ignored" not in line)[-3000:]
        raise HubEnvironmentError(f"{what} failed ({' '.join(command[:4])} ...):\n{tail}")


def python_in(env: Path) -> Path:
    return env / "bin" / "python"


def proxy_in(env: Path) -> Path:
    return env / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"


def ensure_environment(env: Path) -> Path:
    """Build (or update) the hub environment at ``env``; return its python. Readable by everyone."""
    env = Path(env)
    with _locked(env):
        packages = pinned_requirements()
        packages_stamp, own_stamp = env / ".packages-stamp", env / ".own-stamp"
        wanted_packages = _digest([], "\n".join(packages))
        changed = False
        if not python_in(env).exists():
            _run([base_python(), "-m", "venv", str(env)], "creating the hub environment")
        if not packages_stamp.exists() or packages_stamp.read_text() != wanted_packages:
            pip = [str(python_in(env)), "-m", "pip", "install", "--quiet"]
            _run([*pip, "pip>=24"], "upgrading pip in the hub environment")
            _run([*pip, *packages], "installing the hub's packages")
            packages_stamp.write_text(wanted_packages)
            changed = True
        wanted_own = _digest([REPO_ROOT / name for name in OWN_SOURCES])
        if not own_stamp.exists() or own_stamp.read_text() != wanted_own:
            with tempfile.TemporaryDirectory(prefix="nnbasics-hub-build-") as build:
                source = Path(build) / "src"  # a copy, so the build leaves nothing in the repository
                source.mkdir()
                for name in (*OWN_SOURCES, "README.md"):
                    copy = shutil.copytree if (REPO_ROOT / name).is_dir() else shutil.copy2
                    copy(REPO_ROOT / name, source / name)
                _run([str(python_in(env)), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall",
                      str(source)], "installing nnbasics/autograder/classroom")
            own_stamp.write_text(wanted_own)
            changed = True
        changed = _ensure_proxy(env) or changed
        changed = _ensure_site_modules(env) or changed
        if changed:
            _make_readable(env)
    return python_in(env)


def _ensure_proxy(env: Path) -> bool:
    """Install the proxy unless present; True if it was installed."""
    if proxy_in(env).exists():
        return False
    npm = shutil.which("npm")
    if npm is None:
        raise HubEnvironmentError("the hub's proxy comes from npm: install Node.js 20 and npm (apt-get install -y npm)")
    (env / "proxy").mkdir(exist_ok=True)
    _run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(env / "proxy"), PROXY_PACKAGE],
         "installing configurable-http-proxy with npm")
    return True


def _ensure_site_modules(env: Path) -> bool:
    """``npm ci`` of the course site's lock file into ``<env>/site`` unless it is already installed
    (stamp: the lock file's digest); True if it was installed."""
    site, stamp = env / "site", env / ".site-stamp"
    lock = REPO_ROOT / "site" / "package-lock.json"
    wanted = _digest([REPO_ROOT / "site" / "package.json", lock])
    if stamp.exists() and stamp.read_text() == wanted and (site / "node_modules").is_dir():
        return False
    npm = shutil.which("npm")
    if npm is None:
        raise HubEnvironmentError("the hub's feedback formulas need npm: install Node.js 20 and npm "
                                  "(apt-get install -y npm)")
    site.mkdir(exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(REPO_ROOT / "site" / name, site / name)
    _run([npm, "ci", "--no-audit", "--no-fund", "--prefix", str(site)], "installing the site's npm packages")
    stamp.write_text(wanted)
    return True


def _make_readable(env: Path) -> None:
    """World-readable environment (root's umask may be 077); its parents must be traversable."""
    subprocess.run(["chmod", "-R", "a+rX", str(env)], check=True)
    for parent in env.parents:
        if parent == Path("/"):
            break
        mode = parent.stat().st_mode
        if not mode & 0o001:
            raise HubEnvironmentError(
                f"{parent} is not traversable by other users (mode {oct(mode & 0o777)}): put the hub's state "
                "and environment outside it, e.g. HUB_STATE=/srv/nnbasics-hub"
            )


def world_readable_path(path: Path) -> bool:
    """True when every folder down to ``path`` lets other users in (so a student's server can read it)."""
    path = Path(path).resolve()
    return all(os.stat(p).st_mode & 0o001 for p in [path, *path.parents] if p.is_dir())

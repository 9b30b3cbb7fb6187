"""Run each submission's kernel inside a bubblewrap sandbox (the default wherever it works).

The kernel sees the whole file system read-only, with the course folder (hidden tests, the
gradebook, other students' work), ``/tmp``, ``/root``, ``/home``, ``/srv``, ``/mnt`` and
``/var/tmp`` replaced by empty in-memory folders. Read-only again: the interpreter, the virtual
environment, the ``nnbasics`` package and the MNIST data and cache. Writable: only the folder
of the notebook being graded. No network (kernel messages go over Unix sockets), no
capabilities, a process tree of its own that dies with the kernel (orphans included) and with
the grader, an address-space limit and a process limit (``prlimit --nproc``; a root grader runs
the kernel as an unprivileged user of its own, as RLIMIT_NPROC does not bind root).
:func:`sandbox_problem` probes once whether all this works here.

:func:`sandbox_kernel` sets this up for one grading run: a private folder holding a kernelspec
whose launcher runs ``bwrap``, and the Unix sockets of the kernel. The kernelspec is
found through the process's ``JUPYTER_PATH`` (each grading process grades one submission at a
time), restored afterwards.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import cache
from pathlib import Path

from traitlets.config import Config

from autograder.config import GradingSettings

SANDBOX_KERNEL = "nnbasics-sandbox"
HIDDEN_DIRS = ("/tmp", "/root", "/home", "/srv", "/mnt", "/var/tmp")
# the kernel runs as an unprivileged user of its own when the grader is root (RLIMIT_NPROC does
# not apply to root); one id per grading process, so parallel kernels do not share a count
SANDBOX_UID_BASE = 60000
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


class SandboxUnavailableError(RuntimeError):
    """bubblewrap (or prlimit) is not installed, or cannot run here."""


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SandboxUnavailableError(
            f"grading in a sandbox needs {name}: install it (apt-get install {package}) "
            "or grade without the sandbox (--no-sandbox)"
        )
    return path


def require_sandbox_tools() -> None:
    """Raise :class:`SandboxUnavailableError` (saying what to install) unless the tools exist."""
    _tool("bwrap", "bubblewrap")
    _tool("prlimit", "util-linux")
    if os.geteuid() == 0:
        _tool("setpriv", "util-linux")


def sandbox_uid() -> int:
    """The user id a root grader's sandboxed kernels run as (distinct per grading process)."""
    return SANDBOX_UID_BASE + os.getpid() % 5000


def _user_process_count() -> int:
    """Processes (threads included, as RLIMIT_NPROC counts them) of the current user."""
    uid, count = os.getuid(), 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(entry / "task"))
            except OSError:
                continue
    return count


def _process_limit(process_limit: int) -> int:
    """RLIMIT_NPROC for the kernel: its own budget (root: a fresh user id), or on top of what
    the (non-root) grader's user already runs."""
    return process_limit if os.geteuid() == 0 else _user_process_count() + process_limit


def drop_privileges_args(process_limit: int, memory_mb: int | None = None) -> list[str]:
    """``[setpriv ...] prlimit --nproc=N [--as=BYTES] --``: what runs the kernel inside bwrap."""
    args = []
    if os.geteuid() == 0:
        uid = str(sandbox_uid())
        args += [_tool("setpriv", "util-linux"), f"--reuid={uid}", f"--regid={uid}",
                 "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"]
    args += [_tool("prlimit", "util-linux"), f"--nproc={_process_limit(process_limit)}"]
    if memory_mb is not None:
        args.append(f"--as={memory_mb * 1024 * 1024}")  # bytes: "2G" crashed prlimit 2.38
    return [*args, "--"]


def _isolation_args() -> list[str]:
    args = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
            "--cap-drop", "ALL"]
    if os.geteuid() == 0:  # setpriv needs these two to switch to the kernel's own user
        args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    return args


@cache
def sandbox_problem() -> str | None:
    """Probe once per process whether the sandbox runs here: None if it does, else why not."""
    try:
        require_sandbox_tools()
        command = [_tool("bwrap", "bubblewrap"), "--ro-bind", "/", "/", "--dev", "/dev",
                   "--proc", "/proc", *_isolation_args(), "--",
                   *drop_privileges_args(64), "true"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except SandboxUnavailableError as error:
        return str(error)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap could not be started: {error}"
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"bubblewrap does not work here ({detail}); check `bwrap --ro-bind / / true`"
    return None


def readable_paths() -> list[Path]:
    """What a kernel must read: interpreter, venv, the nnbasics package, MNIST data and cache."""
    spec = importlib.util.find_spec("nnbasics")  # locates the package without importing it
    package = [Path(p) for p in spec.submodule_search_locations] if spec else []
    data = [os.environ.get(name) for name in ("NNBASICS_DATA", "NNBASICS_CACHE")]
    paths = [Path(sys.base_prefix), Path(sys.prefix), *package,
             *(Path(p) for p in data if p), Path.home() / ".cache" / "nnbasics"]
    return [p.resolve() for p in paths if p.exists()]


def _traversable_parents(paths: list[Path], hidden: list[str]) -> list[str]:
    """``--perms 0755 --dir D`` for each folder that bwrap must create inside a hidden (tmpfs)
    folder to mount ``paths`` (it would create them 0700, closed to the kernel's own user)."""
    args, seen = [], set()
    for path in paths:
        for parent in reversed(path.parents):
            inside = any(parent != Path(h) and Path(h) in parent.parents for h in hidden)
            if inside and parent not in seen:
                seen.add(parent)
                args += ["--perms", "0755", "--dir", str(parent)]
    return args


def launcher_script(course_root: Path, socket_dir: Path, memory_mb: int,
                    process_limit: int = 256, work_dir: Path | None = None) -> str:
    """The kernelspec's launcher: ``bwrap`` around ``python -m ipykernel_launcher -f FILE``;
    the kernel's folder (``$PWD`` when it starts; ``work_dir`` if known) is bound writable."""
    q = shlex.quote
    hidden = [*HIDDEN_DIRS, str(course_root.resolve())]
    args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    for folder in hidden:  # /tmp stays writable for everyone: the kernel's HOME and caches
        args += (["--perms", "1777"] if folder == "/tmp" else []) + ["--tmpfs", folder]
    readable = readable_paths()
    mounted = [*readable, socket_dir, *([work_dir.resolve()] if work_dir else [])]
    args += _traversable_parents(mounted, hidden)
    args += [arg for p in readable for arg in ("--ro-bind", str(p), str(p))]
    args += ["--bind", str(socket_dir), str(socket_dir)]
    args += [*_isolation_args(), "--unsetenv", "JPY_PARENT_PID", "--setenv", "HOME", "/tmp",
             "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib"]
    # one BLAS thread per kernel: grading runs one kernel per core, and spinning BLAS threads of
    # several kernels on the same cores slow them all down many times over
    args += [arg for name in BLAS_THREAD_VARIABLES for arg in ("--setenv", name, "1")]
    inner = drop_privileges_args(process_limit, memory_mb)
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f"]
    connection = socket_dir / "connection.json"
    lines = [
        "#!/bin/sh",
        "# written by autograder.sandbox: one grading kernel under bubblewrap",
        "# jupyter_client interrupts the whole process group; ipykernel handles SIGINT, bwrap must not",
        'trap "" INT',
        "set -e",
        f'cp "$1" {q(str(connection))}',
    ]
    if os.geteuid() == 0:  # the kernel's own user must read its connection file, write its folder
        uid = sandbox_uid()
        lines.append(f'chown -R {uid}:{uid} {q(str(socket_dir))} "$PWD"')
    lines += [
        f"exec {q(_tool('bwrap', 'bubblewrap'))} {' '.join(map(q, args))} "
        f'--bind "$PWD" "$PWD" --chdir "$PWD" -- {" ".join(map(q, inner + kernel))} {q(str(connection))}'
        " >/dev/null",  # the kernel's banner; cell output travels over the sockets
        "",
    ]
    return "\n".join(lines)


@contextmanager
def sandbox_kernel(config: Config, course_root: Path, memory_mb: int,
                   process_limit: int = 256, work_dir: Path | None = None) -> Iterator[None]:
    """Within the block, ``config``'s executions run in the sandbox kernel (see the module)."""
    folder = Path(tempfile.mkdtemp(prefix="nnb-sandbox-"))
    folder.chmod(0o755)  # the kernel's own user passes through to its sockets
    saved_path = os.environ.get("JUPYTER_PATH")
    try:
        sockets = folder / "sockets"
        sockets.mkdir()
        spec_dir = folder / "share" / "kernels" / SANDBOX_KERNEL
        spec_dir.mkdir(parents=True)
        launcher = spec_dir / "launch.sh"
        launcher.write_text(launcher_script(course_root, sockets, memory_mb, process_limit, work_dir))
        launcher.chmod(0o755)
        kernelspec = {"argv": [str(launcher), "{connection_file}"], "language": "python",
                      "display_name": "Python 3 (grading sandbox)"}
        (spec_dir / "kernel.json").write_text(json.dumps(kernelspec))
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(folder / "share"), saved_path]))
        # no network inside: kernel messages go over Unix sockets in the bound folder
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(sockets / "kernel")
        for name in ("Execute", "DeadlineExecute"):
            config[name].kernel_name = SANDBOX_KERNEL
        yield
    finally:
        if saved_path is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = saved_path
        shutil.rmtree(folder, ignore_errors=True)


def resolve_sandbox(settings: GradingSettings,
                    notice: Callable[[str], None] | None = None) -> GradingSettings:
    """``settings`` with ``sandbox`` decided: None becomes True wherever the sandbox works
    (probed once per process) and False elsewhere, said loudly through ``notice``; True raises
    :class:`~autograder.sandbox.SandboxUnavailableError` when it cannot run."""
    if settings.sandbox is True:
        require_sandbox_tools()
        problem = sandbox_problem()
        if problem:
            raise SandboxUnavailableError(problem)
        return settings
    if settings.sandbox is False:
        return settings
    problem = sandbox_problem()
    if problem and notice is not None:
        notice(unsandboxed_warning(problem))
    return replace(settings, sandbox=problem is None)


def unsandboxed_warning(problem: str) -> str:
    """The loud start-of-run warning when submissions will run without the sandbox."""
    bar = "!" * 78
    return (f"{bar}\nWARNING: grading WITHOUT the sandbox: {problem}\n"
            "Submissions can read the gradebook and the hidden tests, write anywhere you can, "
            "open network\nconnections and leave processes behind. Install bubblewrap "
            "(as root: apt-get install -y bubblewrap,\nor `make setup` as root), or pass "
            "--no-sandbox / SANDBOX=0 to grade unsandboxed on purpose.\n"
            f"Every row of the report will say 'unsandboxed'.\n{bar}")

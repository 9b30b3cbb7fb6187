"""Run each submission's kernel inside a bubblewrap sandbox (``--sandbox``).

The kernel sees the whole file system read-only, with the course folder (hidden tests, the
gradebook, other students' work), ``/tmp``, ``/root``, ``/home``, ``/srv``, ``/mnt`` and
``/var/tmp`` replaced by empty in-memory folders. Read-only again: the interpreter, the virtual
environment, the ``nnbasics`` package and the MNIST data and cache. Writable: only the folder
of the notebook being graded. No network (kernel messages go over Unix sockets), no
capabilities, a process tree of its own that dies with the grader, and an address-space limit.

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
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from traitlets.config import Config

SANDBOX_KERNEL = "nnbasics-sandbox"
HIDDEN_DIRS = ("/tmp", "/root", "/home", "/srv", "/mnt", "/var/tmp")


class SandboxUnavailableError(RuntimeError):
    """bubblewrap (or prlimit) is not installed."""


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SandboxUnavailableError(
            f"grading in a sandbox needs {name}: install it (apt-get install {package}) "
            "or grade without --sandbox"
        )
    return path


def require_sandbox_tools() -> None:
    """Raise :class:`SandboxUnavailableError` (saying what to install) unless both tools exist."""
    _tool("bwrap", "bubblewrap")
    _tool("prlimit", "util-linux")


def readable_paths() -> list[Path]:
    """What a kernel must read: interpreter, venv, the nnbasics package, MNIST data and cache."""
    spec = importlib.util.find_spec("nnbasics")  # locates the package without importing it
    package = [Path(p) for p in spec.submodule_search_locations] if spec else []
    data = [os.environ.get(name) for name in ("NNBASICS_DATA", "NNBASICS_CACHE")]
    paths = [Path(sys.base_prefix), Path(sys.prefix), *package,
             *(Path(p) for p in data if p), Path.home() / ".cache" / "nnbasics"]
    return [p.resolve() for p in paths if p.exists()]


def launcher_script(course_root: Path, socket_dir: Path, memory_mb: int) -> str:
    """The kernelspec's launcher: ``bwrap`` around ``python -m ipykernel_launcher -f FILE``."""
    q = shlex.quote
    hidden = [*HIDDEN_DIRS, str(course_root.resolve())]
    args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    args += [arg for d in hidden for arg in ("--tmpfs", d)]
    args += [arg for p in readable_paths() for arg in ("--ro-bind", str(p), str(p))]
    args += ["--bind", str(socket_dir), str(socket_dir)]
    args += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
             "--cap-drop", "ALL", "--unsetenv", "JPY_PARENT_PID"]
    prlimit = [_tool("prlimit", "util-linux"), f"--as={memory_mb * 1024 * 1024}", "--"]
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f"]
    return "\n".join([
        "#!/bin/sh",
        "# written by autograder.sandbox: one grading kernel under bubblewrap",
        '# jupyter_client interrupts the whole process group; ipykernel handles SIGINT, bwrap must not',
        'trap "" INT',
        f"exec {q(_tool('bwrap', 'bubblewrap'))} {' '.join(map(q, args))} "
        f'--ro-bind "$1" "$1" --bind "$PWD" "$PWD" --chdir "$PWD" -- {" ".join(map(q, prlimit + kernel))} "$1"',
        "",
    ])


@contextmanager
def sandbox_kernel(config: Config, course_root: Path, memory_mb: int) -> Iterator[None]:
    """Within the block, ``config``'s executions run in the sandbox kernel (see the module)."""
    folder = Path(tempfile.mkdtemp(prefix="nnb-sandbox-"))
    saved_path = os.environ.get("JUPYTER_PATH")
    try:
        sockets = folder / "sockets"
        sockets.mkdir()
        spec_dir = folder / "share" / "kernels" / SANDBOX_KERNEL
        spec_dir.mkdir(parents=True)
        launcher = spec_dir / "launch.sh"
        launcher.write_text(launcher_script(course_root, sockets, memory_mb))
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

"""Grading inside the bubblewrap sandbox: what a submission can no longer reach, and what still works."""

from __future__ import annotations

import shutil
import socket

import nbformat
import pytest
from grading_pipeline_helpers import TINY

from autograder import sandbox
from autograder.autograde import autograde, grade_submission
from autograder.cli import build_parser
from autograder.config import GradingSettings
from autograder.sandbox import SandboxUnavailableError

needs_bwrap = pytest.mark.skipif(
    shutil.which("bwrap") is None or shutil.which("prlimit") is None,
    reason="bubblewrap is not installed (apt-get install bubblewrap)",
)
SANDBOXED = GradingSettings(cell_timeout=20, notebook_timeout=60, sandbox=True, memory_limit_mb=1536)
MUL = "def mul(a, b):\n    return a * b"


def add_cell(probe: str) -> str:
    """A correct ``add`` whose cell first runs ``probe`` and prints ``SEEN``."""
    return f"{probe}\nprint('SEEN', SEEN)\ndef add(a, b):\n    return a + b"


def printed(course, student: str) -> str:
    """Everything the graded notebook's cells printed."""
    path = course.layout.autograded_submission_dir(student, TINY) / f"{TINY}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    return "".join(output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", []))


@needs_bwrap
def test_the_kernel_sees_only_its_own_folder_of_the_course(tiny_course):
    work_dir = tiny_course.layout.work_dir
    probe = (f"import os\nSEEN = (os.path.exists({str(work_dir / 'gradebook.db')!r}), "
             f"sorted(os.listdir({str(work_dir)!r})), os.path.exists({str(tiny_course.source_path)!r}))")
    tiny_course.submit_with("alice", add=add_cell(probe), mul=MUL)
    assert (work_dir / "gradebook.db").exists()  # it is there, outside the sandbox

    state = grade_submission(tiny_course.layout, "alice", TINY, SANDBOXED)
    assert (state.status, state.score) == ("graded", 3.0), state.reason
    assert "SEEN (False, ['autograded'], False)" in printed(tiny_course, "alice")


@needs_bwrap
def test_the_kernel_has_no_network(tiny_course):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        probe = ("import socket\ntry:\n    socket.create_connection(('127.0.0.1', "
                 f"{port}), timeout=2).close()\n    SEEN = 'connected'\n"
                 "except OSError as error:\n    SEEN = 'blocked'")
        tiny_course.submit_with("bob", add=add_cell(probe), mul=MUL)
        state = grade_submission(tiny_course.layout, "bob", TINY, SANDBOXED)
    assert state.status == "graded", state.reason
    assert "SEEN blocked" in printed(tiny_course, "bob")


@needs_bwrap
def test_a_cell_over_its_time_limit_is_interrupted_inside_the_sandbox(tiny_course):
    tiny_course.submit_with("carol", mul="while True:\n    pass")
    settings = GradingSettings(cell_timeout=3, notebook_timeout=30, sandbox=True)
    state = grade_submission(tiny_course.layout, "carol", TINY, settings)
    assert state.status == "failed" and "timeout" in state.reason


@needs_bwrap
def test_memory_beyond_the_limit_is_refused_and_the_rest_still_grades(tiny_course):
    probe = ("import numpy as np\ntry:\n    big = np.ones(3 * 1024**3 // 8)\n    SEEN = 'allocated'\n"
             "except MemoryError:\n    SEEN = 'MemoryError'")
    tiny_course.submit_with("dave", add=add_cell(probe), mul=MUL)
    state = grade_submission(tiny_course.layout, "dave", TINY, SANDBOXED)
    assert (state.status, state.score) == ("graded", 3.0), state.reason
    assert "SEEN MemoryError" in printed(tiny_course, "dave")


def test_without_bubblewrap_autograde_stops_with_what_to_install(tiny_course, monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    tiny_course.submit_solution("erin")
    with pytest.raises(SandboxUnavailableError, match="apt-get install bubblewrap"):
        autograde(tiny_course.layout, TINY, settings=SANDBOXED)


def test_sandbox_settings_from_the_environment_and_the_command_line(monkeypatch):
    monkeypatch.setenv("NNBASICS_GRADING_SANDBOX", "1")
    assert GradingSettings.from_environment().sandbox is True
    monkeypatch.setenv("NNBASICS_GRADING_SANDBOX", "0")
    assert GradingSettings.from_environment().sandbox is False
    monkeypatch.delenv("NNBASICS_GRADING_SANDBOX")
    assert GradingSettings.from_environment().sandbox is None  # default: wherever it works
    args = build_parser().parse_args(["--sandbox", "--memory-limit-mb", "2048", "autograde"])
    assert (args.sandbox, args.memory_limit_mb) == (True, 2048)
    assert build_parser().parse_args(["--no-sandbox", "autograde"]).sandbox is False
    assert build_parser().parse_args(["autograde"]).sandbox is None
    with pytest.raises(ValueError, match="memory_limit_mb must be at least 1024"):
        GradingSettings(memory_limit_mb=512)

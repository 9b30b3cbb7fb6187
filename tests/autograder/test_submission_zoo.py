"""The submission zoo, graded in one sandboxed, parallel autograde run (the default settings
but shorter time limits): every submission ends in its expected state, reason and score range;
hostile submissions reach nothing (solutions, gradebook, network, the grader's home), bombs are
bounded, orphans are killed, cheating is flagged with its reason and its score withheld, and no
student-facing file carries hidden tests or gradebook bytes.

Run alone: ``.venv/bin/python -m pytest -p no:cacheprovider -q tests/autograder/test_submission_zoo.py``
(about 40-70 s on the shared 2-core machine).
"""

from __future__ import annotations

import csv
import socket
from pathlib import Path

import pytest
from zoo_helpers import (
    RIGHT_ADD,
    RIGHT_MUL,
    SQLITE_MAGIC,
    ZOO,
    ZOO_HIDDEN_SENTINEL,
    Expected,
    ZooCourse,
    existing_processes_with,
    probe,
)

from autograder import gradebook
from autograder.autograde import autograde
from autograder.config import GradingSettings
from autograder.feedback import generate_feedback
from autograder.report import write_report
from autograder.sandbox import sandbox_problem

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sandbox_problem() is not None, reason=f"no sandbox here: {sandbox_problem()}"),
]
ZOO_SETTINGS = GradingSettings(cell_timeout=10, notebook_timeout=60)  # sandbox: default (probed)
FORK_MARKER, ORPHAN_MARKER = "4713", "4714"


def _zoo(course: ZooCourse, port: int, home_marker: Path) -> dict[str, Expected]:
    """Submit every zoo member; return what grading must say about each."""
    gradebook_path = course.layout.gradebook_path
    assert gradebook_path.read_bytes().startswith(SQLITE_MAGIC.encode())  # there, outside the sandbox
    course.submit_solution("right")
    course.submit_notebook("untouched", course.released())
    course.submit_with("wrong_add", add="def add(a, b):\n    return a - b")
    course.submit_with("hidden_only", add="def add(a, b):\n    return abs(a) + abs(b)")
    course.submit_with("reads_solutions", add=probe(
        f"import os\nSEEN = os.path.exists({str(course.source_path)!r})"))
    course.submit_with("reads_gradebook", add=probe(
        f"try:\n    SEEN = open({str(gradebook_path)!r}, 'rb').read(64)\n"
        "except OSError:\n    SEEN = 'blocked'"))
    course.submit_with("network", add=probe(
        f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=2).close()\n"
        "    SEEN = 'connected'\nexcept OSError:\n    SEEN = 'blocked'"))
    course.submit_with("writes_home", add=probe(
        f"try:\n    open({str(home_marker)!r}, 'w').write('x')\n    SEEN = 'written'\n"
        "except OSError:\n    SEEN = 'blocked'"))
    course.submit_with("memory_bomb", mul="hog = bytearray(16 * 1024**3)\n" + RIGHT_MUL)
    course.submit_with("fork_bomb", add=probe(
        "import subprocess\nchildren = []\ntry:\n    for _ in range(5000):\n"
        f"        children.append(subprocess.Popen(['sleep', '{FORK_MARKER}']))\n    SEEN = 'unbounded'\n"
        "except OSError:\n    SEEN = f'bounded at {len(children)}'\n"
        "for child in children:\n    child.kill()\n    child.wait()"))
    course.submit_with("endless_loop", mul="while True:\n    pass")
    course.submit_with("os_exit", add="import os\nos._exit(0)")
    course.submit_with("rebinds_numpy", add="np.allclose = lambda *a, **k: True\n"
                       "np.isclose = lambda *a, **k: True\ndef add(a, b):\n    return 0")
    course.submit_with("edits_sys_modules", add="import sys\nsys.modules['numpy'] = None\n" + RIGHT_ADD)
    course.submit_with("rebinds_builtins", mul="import builtins\nbuiltins.abs = lambda x: 0\n" + RIGHT_MUL)
    course.submit_without("deleted_test", "test_add")
    course.path("invalid_json").write_text('{"cells": [')
    course.submit_with("orphan", add=(f"import subprocess\nsubprocess.Popen(['sleep', '{ORPHAN_MARKER}'], "
                                      f"start_new_session=True)\n{RIGHT_ADD}"))
    return {
        "right": Expected("graded", "", 3, 3),
        "untouched": Expected("graded", "", 0, 1),
        "wrong_add": Expected("graded", "", 0, 2),
        "hidden_only": Expected("graded", "", 0, 2.5),
        "reads_solutions": Expected("graded", "", 3, 3),
        "reads_gradebook": Expected("graded", "", 3, 3),
        "network": Expected("graded", "", 3, 3),
        "writes_home": Expected("graded", "", 3, 3),
        "memory_bomb": Expected("graded", "", 0, 2),
        "fork_bomb": Expected("graded", "", 3, 3),
        "endless_loop": Expected("failed", "timeout"),
        "os_exit": Expected("failed", "kernel died"),
        "rebinds_numpy": Expected("flagged", "rebinds np.allclose, np.isclose in cell 3 (add)", 0, 3),
        "edits_sys_modules": Expected("flagged", "edits sys.modules", 0, 3),
        "rebinds_builtins": Expected("flagged", "rebinds builtins.abs in cell 5 (mul)", 0, 3),
        "deleted_test": Expected("flagged", "test_add (deleted)", 3, 3),
        "invalid_json": Expected("failed", "not valid JSON"),
        "orphan": Expected("graded", "", 3, 3),
    }


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    course = ZooCourse(tmp_path_factory.mktemp("zoo") / "course")
    home_marker = Path.home() / f".nnbasics-zoo-marker-{id(course)}"
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        expected = _zoo(course, server.getsockname()[1], home_marker)
        states = {s.student: s for s in autograde(course.layout, settings=ZOO_SETTINGS, jobs=2)}
    home_written = home_marker.exists()
    home_marker.unlink(missing_ok=True)
    generate_feedback(course.layout, settings=ZOO_SETTINGS)
    return course, expected, states, home_written


ZOO_MEMBERS = [
    "right", "untouched", "wrong_add", "hidden_only", "reads_solutions", "reads_gradebook", "network",
    "writes_home", "memory_bomb", "fork_bomb", "endless_loop", "os_exit", "rebinds_numpy",
    "edits_sys_modules", "rebinds_builtins", "deleted_test", "invalid_json", "orphan",
]


@pytest.mark.parametrize("student", ZOO_MEMBERS)
def test_each_zoo_member_gets_its_state_reason_and_score(zoo, student):
    course, expected, states, _ = zoo
    want, state = expected[student], states[student]
    assert state.status == want.status, state
    assert want.reason in state.reason, state
    assert state.sandboxed is True
    if want.status == "failed":
        assert state.score is None and gradebook.submission_score(course.layout, student, ZOO) is None
    else:
        assert want.low <= state.score <= want.high and state.max_score == 3, state


def test_hostile_submissions_reach_nothing_outside_their_folder(zoo):
    course, _, _, home_written = zoo
    assert "SEEN False" in course.printed("reads_solutions")
    assert "SEEN blocked" in course.printed("reads_gradebook")
    assert "SEEN blocked" in course.printed("network")
    assert "SEEN blocked" in course.printed("writes_home") and not home_written


def test_a_fork_bomb_is_bounded_and_its_processes_are_gone(zoo):
    course, _, _, _ = zoo
    printed = course.printed("fork_bomb")
    assert "SEEN bounded at" in printed, printed
    count = int(printed.split("SEEN bounded at")[1].split()[0])
    assert 0 < count < GradingSettings().process_limit
    assert existing_processes_with(f"sleep {FORK_MARKER}") == []


def test_an_orphan_background_process_is_killed_with_its_kernel(zoo):
    assert existing_processes_with(f"sleep {ORPHAN_MARKER}") == []


def test_a_cheater_is_flagged_with_the_reason_and_the_score_is_withheld(zoo, tmp_path):
    course, _, states, _ = zoo
    assert states["rebinds_numpy"].flags == ["rebinds np.allclose, np.isclose in cell 3 (add)"]
    files = write_report(course.layout, tmp_path)
    with files.csv_path.open() as stream:
        rows = {row["student"]: row for row in csv.DictReader(stream)}
    for student in ("rebinds_numpy", "edits_sys_modules", "rebinds_builtins", "deleted_test"):
        assert rows[student]["status"] == "flagged" and rows[student]["score"] == "", rows[student]
        assert rows[student]["flags"]
    assert "rebinds np.allclose, np.isclose in cell 3 (add)" in rows["rebinds_numpy"]["reason"]
    assert rows["right"]["score"] == "3" and rows["right"]["flags"] == ""
    assert {row["sandbox"] for row in rows.values()} == {"sandboxed"}


def test_no_student_facing_file_carries_hidden_tests_or_gradebook_bytes(zoo):
    course, _, _, _ = zoo
    pages = sorted(course.layout.feedback_dir.rglob("*.html"))
    assert len(pages) >= 10  # every graded or flagged submission got one
    student_facing = [*pages, course.released_path]
    for path in student_facing:
        text = path.read_text(errors="replace")
        assert ZOO_HIDDEN_SENTINEL not in text, path
        assert "BEGIN HIDDEN TESTS" not in text, path
        assert SQLITE_MAGIC not in text, path

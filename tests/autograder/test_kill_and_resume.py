"""Killing autograde with SIGKILL loses nothing, and the rerun grades every submission exactly once:
submissions finished before the kill are kept (final state, unchanged files), the unfinished
ones are graded again, the grading workers die with the run (no grader left racing the rerun)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from grading_pipeline_helpers import TINY

from autograder import gradebook
from autograder.states import GradingState, StateStore

pytestmark = pytest.mark.slow
STUDENTS = [f"s{i:02d}" for i in range(6)]


def _command(root: Path) -> list[str]:
    return [sys.executable, "-m", "autograder", "--root", str(root), "--cell-timeout", "20",
            "--notebook-timeout", "60", "--no-sandbox", "autograde", "--jobs", "2"]


def _final_states(store: StateStore) -> dict[str, GradingState]:
    return {s.student: s for s in store.all() if s.is_final}


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_sigkill_then_rerun_grades_every_submission_exactly_once(tiny_course, tmp_path):
    layout = tiny_course.layout
    for index, student in enumerate(STUDENTS):
        if index % 2:
            tiny_course.submit_with(student, add="def add(a, b):\n    return a - b",
                                    mul="def mul(a, b):\n    return a * b")
        else:
            tiny_course.submit_solution(student)
    store = StateStore(layout)
    with (tmp_path / "first.log").open("w") as log:
        first = subprocess.Popen(_command(layout.root), stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 240
        while len(_final_states(store)) < 2 and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.2)
        workers = _children(first.pid)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    before = _final_states(store)
    assert 2 <= len(before) < len(STUDENTS), (tmp_path / "first.log").read_text()
    deadline = time.monotonic() + 20
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers), "grading workers outlived the killed run"
    before = _final_states(store)  # (nothing can change them any more)

    rerun = subprocess.run(_command(layout.root), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert f"{len(before)} submission(s) kept from an earlier run" in rerun.stdout
    graded_again = [line.split()[0] for line in rerun.stdout.splitlines() if line.startswith("s")]
    assert sorted(graded_again) == sorted(set(STUDENTS) - set(before)), rerun.stdout

    after = {s.student: s for s in store.all()}
    assert sorted(after) == STUDENTS
    for student, state in after.items():
        assert state.status == "graded", state
        expected = 3.0 if int(student[1:]) % 2 == 0 else None
        if expected is not None:
            assert state.score == expected
        else:
            assert 0 <= state.score < 3.0
        assert gradebook.submission_score(layout, student, TINY).score == state.score
        if student in before:  # kept, not graded a second time
            assert json.dumps(state.__dict__, sort_keys=True) == json.dumps(before[student].__dict__,
                                                                            sort_keys=True)
    assert os.path.exists(layout.gradebook_path)

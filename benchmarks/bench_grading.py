"""Grading a class, and grading time per exercise level.

Part 1, a class (issue 10): 60 submissions, 20 per exercise level (right answers, the catalogued
mistakes of ``tests/exercises/mistakes.py``, broken ones: invalid JSON, ``os._exit``, a missing
notebook, the untouched release, a syntax error; one endless loop in ex2), graded by
:func:`autograder.autograde.autograde` with the sandbox on, the default jobs (one per core) and
the limits derived from the reference solutions. Target: at most 4 minutes on 2 cores. Reported:
the total, the grading time per level (sum of the submissions' own times), states per level, and
the sandbox's start-up overhead per kernel (sandboxed minus plain kernel start, median of 5;
target <= 0.3 s).

Part 2, one full-solution submission autograded in-process per level.

Targets (issue #5): Level 1 and Level 2 <= 5 s each, Level 3 (MNIST) <= 60 s on 2 cores, not
counting the command line's start-up (measured separately, ``cli_startup_s``). Best of 3 runs
for Levels 1-2, one run for Level 3 (the machine is shared; the best run is the least disturbed).

Each exercise is released into a temporary course (own gradebook), a perfect submission is built
from the solutions, and :func:`autograder.autograde.grade_submission` is timed: clearing old
results, checks, kernel start, running every cell, recording the grade. Also timed: feedback,
and validate of the same submission (the notebook run alone, no nbgrader); the difference is the
pipeline's own overhead. ``autograde_cpu_s`` is the CPU time grading used (this process plus the
kernel), which other jobs on a shared machine disturb far less than wall time.

Exit status 1 only when a full solution fails to grade; times over target are printed (they
depend on the machine's load), not turned into a failure.
"""

from __future__ import annotations

import copy
import importlib.util
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.autograde import grade_submission
from autograder.feedback import generate_feedback
from autograder.layout import CourseLayout
from autograder.release import release
from autograder.solution_submission import solved_release
from autograder.validate import validate_notebook
from benchmarks.reporting import print_table, write_results

REPO = CourseLayout(Path(__file__).resolve().parent.parent)
TARGET_SECONDS = {1: 5.0, 2: 5.0, 3: 60.0}
# the machine is shared: repeat the short ones and keep the best run (the least disturbed)
REPEATS = {1: 3, 2: 3, 3: 1}
CLASS_PER_LEVEL = 20
CLASS_TARGET_SECONDS = 240.0
SANDBOX_OVERHEAD_TARGET = 0.3


def _mistakes() -> list:
    path = REPO.root / "tests" / "exercises" / "mistakes.py"
    spec = importlib.util.spec_from_file_location("nnbasics_mistake_catalog", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return list(module.MISTAKES)


def _with_cell(notebook: nbformat.NotebookNode, grade_id: str, source: str) -> nbformat.NotebookNode:
    changed = nbformat.from_dict(copy.deepcopy(notebook))
    for cell in changed.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
    return changed


def class_submissions(layout: CourseLayout, assignment: str, mistakes: list) -> dict[str, str]:
    """Write 20 submissions of ``assignment`` (one student each); return student -> kind."""
    [name] = layout.notebooks(assignment)
    released = nbformat.read(layout.release_dir / assignment / f"{name}.ipynb", 4)
    source = nbformat.read(layout.solutions_dir / assignment / f"{name}.ipynb", 4)
    solved = solved_release(released, source)
    answers = [c.metadata["nbgrader"]["grade_id"] for c in released.cells
               if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]
    mine = [m for m in mistakes if m.assignment == assignment]
    kinds: dict[str, str] = {}
    for index in range(CLASS_PER_LEVEL):
        student = f"{assignment.split('_')[0]}-{index:02d}"
        text = None
        if index < 7:
            kind, notebook = "right", solved
        elif index < 14:
            mistake = mine[index % len(mine)]
            kind, notebook = "wrong", _with_cell(solved, mistake.grade_id, mistake.replacement_source)
        else:
            kind = ("invalid_json", "os_exit", "missing", "untouched", "syntax_error", "loop")[index - 14]
            notebook = {"os_exit": _with_cell(solved, answers[0], "import os\nos._exit(0)"),
                        "untouched": released,
                        "syntax_error": _with_cell(solved, answers[0], "def broken(:\n"),
                        "loop": _with_cell(solved, answers[0], "while True:\n    pass")}.get(kind)
            if kind == "loop" and assignment != "ex2_xor":
                kind, notebook = "untouched", released  # one endless loop in the class: ex2
            if kind == "invalid_json":
                text = '{"cells": ['
        folder = layout.submission_dir(student, assignment)
        folder.mkdir(parents=True)
        if text is not None:
            (folder / f"{name}.ipynb").write_text(text)
        elif notebook is not None:
            nbformat.write(notebook, folder / f"{name}.ipynb")
        else:
            (folder / "notes.txt").write_text("forgot the notebook")
        kinds[student] = kind
    return kinds


def sandbox_startup_overhead(repeats: int = 5) -> dict:
    """Median kernel start (until kernel_info answers) in the sandbox and without it."""
    from jupyter_client import KernelManager
    from traitlets.config import Config

    from autograder.sandbox import SANDBOX_KERNEL, sandbox_kernel

    def start_once(kernel: str, work: Path, **manager_options) -> float:
        manager = KernelManager(kernel_name=kernel, **manager_options)
        begin = time.perf_counter()
        manager.start_kernel(cwd=str(work))
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=120)
            return time.perf_counter() - begin
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)

    plain, boxed = [], []
    with tempfile.TemporaryDirectory(prefix="nnbasics-bench-kernel-") as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        for _ in range(repeats):
            plain.append(start_once("python3", work))
            config = Config()
            with sandbox_kernel(config, Path(tmp) / "course", 4096, 256, work):
                boxed.append(start_once(SANDBOX_KERNEL, work, transport="ipc",
                                        ip=config.KernelManager.ip))
    plain_s, boxed_s = statistics.median(plain), statistics.median(boxed)
    return {"plain_kernel_start_s": round(plain_s, 3), "sandboxed_kernel_start_s": round(boxed_s, 3),
            "sandbox_overhead_s": round(boxed_s - plain_s, 3), "target_s": SANDBOX_OVERHEAD_TARGET}


def class_run() -> dict:
    """Part 1: 60 mixed submissions graded like ``make autograde`` (sandbox on, default jobs)."""
    from autograder.autograde import autograde, default_jobs
    from autograder.config import GradingSettings
    from autograder.sandbox import sandbox_problem

    problem = sandbox_problem()
    if problem:
        print(f"the class benchmark needs the sandbox: {problem}")
        sys.exit(1)
    mistakes = _mistakes()
    with tempfile.TemporaryDirectory(prefix="nnbasics-bench-class-") as tmp:
        layout = CourseLayout(Path(tmp) / "course")
        kinds: dict[str, str] = {}
        for assignment in REPO.assignments():
            shutil.copytree(REPO.solutions_dir / assignment, layout.solutions_dir / assignment)
            release(layout, [assignment])
            limits = REPO.work_dir / "limits" / f"{assignment}.json"
            if limits.exists():
                (layout.work_dir / "limits").mkdir(parents=True, exist_ok=True)
                shutil.copy(limits, layout.work_dir / "limits" / limits.name)
            kinds.update(class_submissions(layout, assignment, mistakes))
        start = time.perf_counter()
        states = autograde(layout, settings=GradingSettings(sandbox=True))
        total = time.perf_counter() - start
    rows = []
    for assignment in REPO.assignments():
        mine = [s for s in states if s.assignment == assignment]
        counts = {status: sum(s.status == status for s in mine) for status in ("graded", "flagged", "failed")}
        rows.append({"level": level_of(assignment), "assignment": assignment, "submissions": len(mine),
                     **counts, "grading_s_sum": round(sum(s.seconds or 0 for s in mine), 1),
                     "slowest_s": round(max(s.seconds or 0 for s in mine), 1)})
    failing = {"invalid_json", "os_exit", "missing", "loop"}  # the rest is graded (maybe 0)
    wrong_outcomes = [f"{s.student} ({kinds[s.student]}): {s.status} {s.reason[:80]}" for s in states
                      if (kinds[s.student] in failing) != (s.status == "failed")
                      or (kinds[s.student] == "right" and not _full_marks(s))]
    loop = [s for s in states if kinds[s.student] == "loop"]
    overhead = sandbox_startup_overhead()
    print_table(rows, f"Grading a class: {len(states)} submissions, sandbox on, "
                      f"jobs={default_jobs()} (seconds)")
    print(f"total wall time: {total:.1f} s (target <= {CLASS_TARGET_SECONDS:.0f} s)")
    if loop:
        print(f"endless loop ({loop[0].student}): {loop[0].status} after {loop[0].seconds:.1f} s: "
              f"{loop[0].reason[:90]}")
    print(f"kernel start: plain {overhead['plain_kernel_start_s']:.2f} s, sandboxed "
          f"{overhead['sandboxed_kernel_start_s']:.2f} s -> sandbox overhead "
          f"{overhead['sandbox_overhead_s']:.2f} s per kernel (target <= {SANDBOX_OVERHEAD_TARGET} s)")
    for line in wrong_outcomes:
        print(f"unexpected: {line}")
    result = {"total_s": round(total, 1), "target_s": CLASS_TARGET_SECONDS, "jobs": default_jobs(),
              "levels": rows, "sandbox": overhead, "unexpected": wrong_outcomes,
              "loop_s": loop[0].seconds if loop else None}
    write_results("grading_class", result)
    return result


def level_of(assignment: str) -> int:
    """``ex3_mnist`` -> 3 (the exercise number is its level)."""
    digits = "".join(ch for ch in assignment.split("_")[0] if ch.isdigit())
    return int(digits or 0)


def bench_assignment(assignment: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="nnbasics-bench-") as tmp:
        layout = CourseLayout(Path(tmp))
        shutil.copytree(REPO.solutions_dir / assignment, layout.solutions_dir / assignment)
        start = time.perf_counter()
        release(layout, [assignment])
        release_seconds = time.perf_counter() - start
        submitted = layout.submission_dir("bench", assignment)
        submitted.mkdir(parents=True)
        for name in layout.notebooks(assignment):
            released = nbformat.read(layout.release_dir / assignment / f"{name}.ipynb", 4)
            source = nbformat.read(layout.solutions_dir / assignment / f"{name}.ipynb", 4)
            nbformat.write(solved_release(released, source), submitted / f"{name}.ipynb")
        level = level_of(assignment)
        grade_runs, validate_runs, cpu_runs = [], [], []
        for _ in range(REPEATS.get(level, 1)):
            start, cpu_start = time.perf_counter(), cpu_seconds()
            state = grade_submission(layout, "bench", assignment)  # a regrade after the first
            grade_runs.append(time.perf_counter() - start)
            cpu_runs.append(cpu_seconds() - cpu_start)
        start = time.perf_counter()
        generate_feedback(layout, assignment, "bench")
        feedback_seconds = time.perf_counter() - start
        for _ in range(REPEATS.get(level, 1)):
            start = time.perf_counter()
            for name in layout.notebooks(assignment):
                validate_notebook(submitted / f"{name}.ipynb")
            validate_runs.append(time.perf_counter() - start)
    grade_seconds, validate_seconds = min(grade_runs), min(validate_runs)
    target = TARGET_SECONDS.get(level)
    return {
        "assignment": assignment,
        "level": level,
        "status": state.status,
        "score": f"{state.score:g}/{state.max_score:g}" if state.score is not None else state.reason,
        "full_marks": _full_marks(state),
        "runs": len(grade_runs),
        "autograde_s": round(grade_seconds, 2),
        "autograde_max_s": round(max(grade_runs), 2),
        "autograde_cpu_s": round(min(cpu_runs), 2),
        "target_s": target,
        "within_target": target is None or grade_seconds <= target,
        "release_s": round(release_seconds, 2),
        "feedback_s": round(feedback_seconds, 2),
        "validate_s": round(validate_seconds, 2),
        # autograde minus running the notebook alone: what nbgrader + the pipeline add
        "overhead_s": round(grade_seconds - validate_seconds, 2),
    }


def _full_marks(state) -> bool:
    """A full solution must earn every automatic point (manual points are only pending)."""
    if state.score is None:
        return False
    pending = sum(float(points) for points in re.findall(r"\(([\d.]+) points?\)", state.reason))
    return abs(state.score + pending - state.max_score) < 1e-9


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its finished children (the kernels):
    what grading costs the machine, much less sensitive to other jobs than wall time."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def cli_startup_seconds() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "autograder", "--help"], check=True,
                   capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    class_run()
    rows = [bench_assignment(assignment) for assignment in REPO.assignments()]
    startup = cli_startup_seconds()
    print_table(rows, "Autograding one full-solution submission (in-process, seconds)")
    print(f"command line start-up (python -m autograder --help): {startup:.2f} s")
    print("Note: a shared 2-core machine; other jobs inflate these timings.")
    write_results("grading", {"rows": rows, "cli_startup_s": round(startup, 2)})
    over = [row["assignment"] for row in rows if not row["within_target"]]
    if over:
        print(f"over target (check the machine's load before concluding): {', '.join(over)}")
    if any(row["status"] == "failed" or not row["full_marks"] for row in rows):
        print("a full solution failed or lost automatic points: is MNIST reachable (NNBASICS_DATA)?")
        sys.exit(1)  # a full solution that cannot be graded is a bug, whatever the load


if __name__ == "__main__":
    main()

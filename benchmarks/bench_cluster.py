"""Cluster grading (``autograde --cluster``): overhead, cost per submission, and a 1,000-student plan.

1. **Cost per submission** for each level (ex1/ex2/ex3) and outcome (right: the solution;
   wrong: the released notebook, nothing implemented; timeout: an endless loop in the first
   answer cell, run with a short probe limit of :data:`PROBE_CELL_TIMEOUT` s): the worker's task
   (:func:`autograder.cluster_worker.grade_bundle`) in this process, unsandboxed (a sandboxed
   kernel's CPU time is not reported), its CPU seconds (process + kernel) and wall time, and the
   coordinator's CPU seconds to record the result. A timeout is modelled as the right
   submission's cost plus the cell limit (:func:`cost_table`). ``python -m benchmarks.bench_cluster
   costs`` runs this part and the plan alone.
2. **Overhead**: the same :data:`MIXED` mixed submissions (ex1 + ex2, right/wrong/timeout) graded
   with ``--jobs 2`` and with ``--cluster local:2``, wall time including start-up and shut-down;
   target: cluster <= 1.10 x jobs.
3. **Plan**: :func:`predict_wall` turns the costs into the wall time of 1,000 students x 3
   assignments on 8, 32 and 128 workers (target <= 15 min on 128, slowest submission included);
   see docs/scale.md for the model and the outcome mix.
4. **Check of the model**: :data:`SIMULATED` submissions (env ``NNBASICS_BENCH_CLUSTER_SIM``,
   default 200; 0 skips) graded on ``local:2``, measured against the model's prediction.

The machine may be shared: the load average is printed with the figures (other jobs slow both
modes; compare ratios from one run). Exit status 1 when a submission's outcome is not the
expected one or the two modes disagree.
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import nbformat

from autograder.autograde import autograde
from autograder.bundle import assignment_files, bundle_submission
from autograder.cluster import assignment_settings, autograde_on_cluster, cluster_client
from autograder.cluster_record import record_result
from autograder.cluster_worker import forget_templates, grade_bundle
from autograder.config import GradingSettings
from autograder.gradebook import register_assignment
from autograder.gradebook_engines import shared_engines
from autograder.layout import CourseLayout
from autograder.limits import limits_path, load_limits
from autograder.solution_submission import solved_release
from autograder.states import StateStore
from benchmarks.reporting import print_table, write_results

REPO = CourseLayout(Path(__file__).resolve().parent.parent)
LEVELS = ("ex1_perceptron", "ex2_xor", "ex3_mnist")
OUTCOMES = ("right", "wrong", "timeout")
EXPECTED_STATUS = {"right": "graded", "wrong": "graded", "timeout": "failed"}
PROBE_CELL_TIMEOUT = 8
MIXED = int(os.environ.get("NNBASICS_BENCH_CLUSTER_MIXED", "40"))
SIMULATED = int(os.environ.get("NNBASICS_BENCH_CLUSTER_SIM", "200"))
# the course of the plan: 1,000 students x 3 assignments with this outcome mix (docs/scale.md)
STUDENTS = 1000
COURSE_MIX = {"right": 0.80, "wrong": 0.15, "timeout": 0.05}
PLAN_WORKERS = (8, 32, 128)
TARGET_SECONDS = 15 * 60
# the comparison and the simulation: ex1 and ex2 only (ex3 costs minutes per submission here)
SMALL_MIX = ("right",) * 6 + ("wrong",) * 3 + ("timeout",)
QUICK = GradingSettings(cell_timeout=PROBE_CELL_TIMEOUT, notebook_timeout=120, derive_limits=False)


def make_course(root: Path) -> CourseLayout:
    """A course with the three assignments as committed (source, release, time limits)."""
    layout = CourseLayout(root)
    for assignment in LEVELS:
        shutil.copytree(REPO.solutions_dir / assignment, layout.solutions_dir / assignment)
        shutil.copytree(REPO.release_dir / assignment, layout.release_dir / assignment)
        if limits_path(REPO, assignment).exists():
            limits_path(layout, assignment).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(limits_path(REPO, assignment), limits_path(layout, assignment))
    return layout


def submit(layout: CourseLayout, student: str, assignment: str, outcome: str) -> None:
    """Write a ``right`` / ``wrong`` / ``timeout`` submission of ``assignment`` for ``student``."""
    folder = layout.submission_dir(student, assignment)
    folder.mkdir(parents=True, exist_ok=True)
    for index, name in enumerate(layout.notebooks(assignment)):
        released = nbformat.read(layout.release_dir / assignment / f"{name}.ipynb", 4)
        source = nbformat.read(layout.solutions_dir / assignment / f"{name}.ipynb", 4)
        notebook = released if outcome == "wrong" else solved_release(released, source)
        if outcome == "timeout" and index == 0:
            answer = next(c for c in notebook.cells
                          if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution"))
            answer.source = "while True:\n    pass\n" + answer.source
        nbformat.write(notebook, folder / f"{name}.ipynb")


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def measure_costs(tmp: Path, levels: tuple[str, ...] = LEVELS) -> list[dict]:
    """One submission per level and outcome, graded as a worker would, then recorded as the
    coordinator does (gradebook engines shared, as in its :class:`~autograder.cluster_recorder.Recorder`)."""
    layout = make_course(tmp / "costs")
    rows = []
    with shared_engines():
        for assignment in levels:
            rows += _measure_level(layout, assignment)
    forget_templates()
    return rows


def _measure_level(layout: CourseLayout, assignment: str) -> list[dict]:
    """Grade and record a right, a wrong and a timeout submission of ``assignment``."""
    rows = []
    register_assignment(layout, assignment)  # what autograde_on_cluster does once per run
    for outcome in OUTCOMES:
        student = f"{outcome}-student"
        submit(layout, student, assignment, outcome)
        # unsandboxed: CPU time of a kernel under bubblewrap is not reported to its grader
        base = QUICK if outcome == "timeout" else GradingSettings()
        settings = replace(assignment_settings(layout, assignment, base), sandbox=False)
        files = assignment_files(layout, assignment, settings)
        bundle = bundle_submission(layout, student, files, settings)
        start = time.perf_counter()
        result = grade_bundle(bundle, files)
        wall = time.perf_counter() - start
        cpu_before = cpu_seconds()
        state = record_result(layout, result, settings)
        record_cpu = cpu_seconds() - cpu_before
        cpu = result.cpu_seconds
        row = {
            "assignment": assignment, "outcome": outcome, "status": state.status,
            "worker_cpu_s": round(cpu, 2), "worker_wall_s": round(wall, 2),
            "record_cpu_s": round(record_cpu, 3),
            "cell_timeout_s": settings.cell_timeout,
            "reason": state.reason[:60],
        }
        rows.append(row)
    return rows


def cost_table(rows: list[dict], limits: dict[str, int] | None = None) -> dict[tuple[str, str], float]:
    """(assignment, outcome) -> CPU seconds of one submission on a core of its own.

    A timeout keeps one core busy for the whole cell limit, then the rest of the notebook runs:
    it costs the right submission's CPU plus the limit (``limits``: assignment -> cell limit;
    None: the probe limit). Its measured CPU is no guide on a loaded machine, where the loop
    gets a fraction of a core.
    """
    measured = {(r["assignment"], r["outcome"]): r["worker_cpu_s"] for r in rows}
    costs = {}
    for assignment, outcome in measured:
        if outcome == "timeout":
            limit = PROBE_CELL_TIMEOUT if limits is None else limits[assignment]
            costs[(assignment, outcome)] = measured[(assignment, "right")] + limit
        else:
            costs[(assignment, outcome)] = measured[(assignment, outcome)]
    return costs


def course_limits() -> dict[str, int]:
    """assignment -> the course's per-cell limit (``autograder/limits/``)."""
    return {a: (lim.cell_timeout if (lim := load_limits(REPO, a)) else GradingSettings().cell_timeout)
            for a in LEVELS}


def predict_wall(counts: dict[tuple[str, str], int], costs: dict[tuple[str, str], float],
                 workers: int, record_cpu: float, recorders: int = 1, startup: float = 0.0,
                 slowest: float | None = None) -> float:
    """Wall seconds to grade ``counts`` submissions on ``workers`` single-core workers.

    Greedy list scheduling finishes within (total work / workers) + (longest task); the
    coordinator records one result per ``record_cpu / recorders`` seconds, so it bounds the
    rate from the other side. ``slowest`` overrides the longest task (e.g. a notebook limit).
    """
    total = sum(costs[key] * n for key, n in counts.items())
    longest = slowest if slowest is not None else max(costs[key] for key, n in counts.items() if n)
    coordinator = sum(counts.values()) * record_cpu / recorders
    return startup + max(total / workers, coordinator) + longest


def small_mix(layout: CourseLayout, count: int) -> dict[tuple[str, str], int]:
    """Submit ``count`` ex1/ex2 submissions (students x 2 assignments, outcomes by SMALL_MIX)."""
    counts: dict[tuple[str, str], int] = {}
    for index in range(count):
        assignment = LEVELS[index % 2]
        outcome = SMALL_MIX[(index // 2) % len(SMALL_MIX)]
        submit(layout, f"s{index // 2:04d}", assignment, outcome)
        counts[(assignment, outcome)] = counts.get((assignment, outcome), 0) + 1
    return counts


def compare_modes(tmp: Path, costs: dict, record_cpu: float, startup: float, mixed: int = MIXED) -> dict:
    """Wall time of ``--jobs 2`` and ``--cluster local:2`` on the same mixed submissions, and
    the model's prediction for the cluster run."""
    jobs_layout = make_course(tmp / "jobs")
    counts = small_mix(jobs_layout, mixed)
    cluster_layout = make_course(tmp / "cluster")
    shutil.copytree(jobs_layout.submitted_dir, cluster_layout.submitted_dir)
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    jobs_states = autograde(jobs_layout, settings=QUICK, jobs=2, notice=None)
    jobs_wall = time.perf_counter() - start
    start, cpu_before = time.perf_counter(), cpu_seconds()
    cluster_states = autograde_on_cluster(cluster_layout, "local:2", settings=QUICK)
    cluster_wall = time.perf_counter() - start
    agree = [(s.status, s.score) for s in jobs_states] == [(s.status, s.score) for s in cluster_states]
    return {
        "submissions": len(jobs_states), "counts": {f"{a}/{o}": n for (a, o), n in counts.items()},
        "jobs2_wall_s": round(jobs_wall, 1), "cluster2_wall_s": round(cluster_wall, 1),
        "ratio": round(cluster_wall / jobs_wall, 3),
        "coordinator_cpu_per_submission_s": round((cpu_seconds() - cpu_before) / len(cluster_states), 3),
        "model_s": round(predict_wall(counts, costs, 2, record_cpu, startup=startup), 1),
        "same_results": agree, "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2),
    }


def cluster_startup_seconds() -> float:
    """Start a LocalCluster of two workers, connect, and close it."""
    start = time.perf_counter()
    with cluster_client("local:2"):
        pass
    return time.perf_counter() - start


def simulate(tmp: Path, costs: dict, record_cpu: float, startup: float, simulated: int = SIMULATED) -> dict:
    """Grade ``simulated`` ex1/ex2 submissions on local:2 and compare with the model."""
    layout = make_course(tmp / "simulation")
    counts = small_mix(layout, simulated)
    predicted = predict_wall(counts, costs, workers=2, record_cpu=record_cpu, startup=startup)
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    states = autograde_on_cluster(layout, "local:2", settings=QUICK)
    measured = time.perf_counter() - start
    return {"submissions": len(states), "predicted_s": round(predicted, 1), "measured_s": round(measured, 1),
            "measured_over_predicted": round(measured / predicted, 2),
            "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2),
            "failed": sum(s.status == "failed" for s in StateStore(layout).all())}


def plan(rows: list[dict], record_cpu: float) -> list[dict]:
    """Wall time of the 1,000-student course (the measured levels) on PLAN_WORKERS workers."""
    costs = cost_table(rows, course_limits())
    levels = [a for a in LEVELS if any(r["assignment"] == a for r in rows)]
    counts = {(a, o): round(STUDENTS * share) for a in levels for o, share in COURSE_MIX.items()}
    notebook_limits = [load_limits(REPO, a) for a in levels]
    slowest = max([max(costs.values()), *(lim.notebook_timeout for lim in notebook_limits if lim)])
    recorders = 4
    out = []
    for workers in PLAN_WORKERS:
        wall = predict_wall(counts, costs, workers, record_cpu, recorders=recorders, slowest=slowest)
        out.append({"workers": workers, "submissions": sum(counts.values()),
                    "cpu_total_s": round(sum(costs[k] * n for k, n in counts.items())),
                    "coordinator_s": round(sum(counts.values()) * record_cpu / recorders),
                    "slowest_s": round(slowest), "wall_min": round(wall / 60, 1),
                    "within_15_min": wall <= TARGET_SECONDS})
    return out


USAGE = """usage: python -m benchmarks.bench_cluster [costs | quick | --help]
  (none)  everything: costs of ex1-ex3, --jobs 2 vs --cluster local:2 on $NNBASICS_BENCH_CLUSTER_MIXED
          (default 40) submissions, the 1,000-student plan, the model check on
          $NNBASICS_BENCH_CLUSTER_SIM (default 200; 0 skips) submissions
  costs   the costs and the plan alone
  quick   a smoke run of every part: ex1 and ex2 only, 4 mixed and 4 simulated submissions
needs MNIST for ex3: NNBASICS_DATA=/path/to/data"""


def main(argv: list[str]) -> None:
    """All parts; ``costs``: the costs and the plan alone; ``quick``: a small run of each part."""
    if argv not in ([], ["costs"], ["quick"]):
        print(USAGE)
        sys.exit(0 if argv in (["-h"], ["--help"]) else 2)
    costs_only, quick = argv == ["costs"], argv == ["quick"]
    mixed, simulated = (4, 4) if quick else (MIXED, SIMULATED)
    with tempfile.TemporaryDirectory(prefix="nnbasics-bench-cluster-") as name:
        tmp = Path(name)
        print(f"load average at start: {os.getloadavg()} on {os.cpu_count()} cores", flush=True)
        rows = measure_costs(tmp, LEVELS[:2] if quick else LEVELS)
        print_table(rows, "Cost of one submission (worker task in-process, unsandboxed; record = coordinator)")
        record_cpu = max(r["record_cpu_s"] for r in rows)
        comparison, simulation, startup = None, None, None
        if not costs_only:
            startup = cluster_startup_seconds()
            print(f"LocalCluster(2) start + stop: {startup:.1f} s", flush=True)
            comparison = compare_modes(tmp, cost_table(rows), record_cpu, startup, mixed)
            print_table([comparison], f"{mixed} mixed submissions: --jobs 2 vs --cluster local:2 (wall s)")
            record_cpu = max(record_cpu, comparison["coordinator_cpu_per_submission_s"])
        planned = plan(rows, record_cpu)
        print_table(planned, f"Plan: {STUDENTS} students x {len(rows) // len(OUTCOMES)} assignments, mix {COURSE_MIX}, "
                             "4 recorder processes, PostgreSQL")
        if simulated > 0 and not costs_only:
            simulation = simulate(tmp, cost_table(rows), record_cpu, startup, simulated)
            print_table([simulation], f"Model check: {simulated} submissions on local:2")
    if comparison is not None:
        print(f"cluster overhead vs --jobs 2: {comparison['ratio'] - 1:+.1%} (target <= +10%).")
    print(f"Shared machine: load average now {os.getloadavg()} on {os.cpu_count()} cores.")
    write_results("cluster_costs" if costs_only else "cluster_quick" if quick else "cluster",
                  {"costs": rows, "comparison": comparison, "plan": planned, "simulation": simulation,
                   "cluster_startup_s": startup})
    wrong = [r for r in rows if r["status"] != EXPECTED_STATUS[r["outcome"]]]
    if wrong or (comparison is not None and not comparison["same_results"]):
        print(f"unexpected outcomes (is MNIST reachable? NNBASICS_DATA): {wrong}")
        if comparison is not None:
            print(f"same results in both modes: {comparison['same_results']}")
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])

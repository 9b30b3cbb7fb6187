"""``autograde --cluster``: a real Dask scheduler and two worker processes on loopback.

The same zoo of submissions (right, wrong, broken JSON, endless loop, ``os._exit``, changed
test cell) is graded serially and on the cluster: states, gradebook grades, autograded
notebooks and feedback must be the same. Faults: a worker killed mid-submission (graded once,
on the other worker), a scheduler that goes away (clear error; the rerun grades only the
rest), and a PostgreSQL gradebook written by the coordinator alone.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time

import nbformat
import pytest
from dask_processes import dask_scheduler, dask_workers, stop
from grading_pipeline_helpers import FAST_SETTINGS, TINY, GradingSettings, TinyCourse

from autograder.autograde import autograde
from autograder.cluster import ClusterLostError, autograde_on_cluster, parse_cluster_address
from autograder.feedback import generate_feedback
from autograder.gradebook import open_gradebook
from autograder.layout import CourseLayout
from autograder.states import UNFINISHED_REASON, StateStore

pytestmark = pytest.mark.slow
SLOW_ADD = "import time\ntime.sleep({seconds})\ndef add(a, b):\n    return a + b"
MUL = "def mul(a, b):\n    return a * b"
PATIENT = GradingSettings(cell_timeout=30, notebook_timeout=60)  # a slow cell is no timeout


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):
    """``(address, worker processes)`` of a scheduler with two workers, for this module."""
    logs = tmp_path_factory.mktemp("dask-logs")
    with dask_scheduler(logs) as (address, _), dask_workers(address, 2, logs) as workers:
        yield address, workers


def submit_zoo(course: TinyCourse) -> None:
    course.submit_solution("right")
    course.submit_notebook("wrong", course.released())
    course.submit_text("broken", "{ this is not a notebook")
    course.submit_with("endless", add="while True:\n    pass")
    course.submit_with("exits", add="import os\nos._exit(3)")
    course.submit_with("tamper", test_mul="pass  # the test is gone")


def state_facts(layout: CourseLayout) -> dict:
    return {
        (s.student, s.assignment): (s.status, s.score, s.max_score, s.reason, s.flags, s.sandboxed,
                                    s.submission_hash)
        for s in StateStore(layout).all()
    }


def gradebook_facts(layout: CourseLayout) -> dict:
    facts = {}
    with open_gradebook(layout) as gradebook:
        for submission in gradebook.find_assignment(TINY).submissions:
            facts[submission.student.id] = (
                submission.score, submission.max_score, str(submission.timestamp),
                sorted((notebook.name, grade.name, grade.auto_score, grade.needs_manual_grade)
                       for notebook in submission.notebooks for grade in notebook.grades),
            )
    return facts


def autograded_facts(layout: CourseLayout) -> dict:
    facts = {}
    for path in sorted(layout.autograded_dir.rglob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        facts[str(path.relative_to(layout.autograded_dir))] = [
            (cell.source, [
                {key: value for key, value in output.items() if key != "execution_count"}
                for output in cell.get("outputs", [])
            ])
            for cell in notebook.cells
        ]
    return facts


def feedback_facts(layout: CourseLayout) -> list:
    return [(r.student, [page.name for page in r.pages], r.problem,
             [page.read_text() for page in r.pages]) for r in generate_feedback(layout, TINY)]


def worker_pids(address: str) -> dict[str, int]:
    from distributed import Client

    with Client(address, timeout=30) as client:
        return client.run(os.getpid)


def test_cluster_gives_the_same_results_as_a_serial_run(cluster, make_tiny_course):
    address, _ = cluster
    serial, distributed = make_tiny_course("serial"), make_tiny_course("distributed")
    submit_zoo(serial)
    shutil.copytree(serial.layout.submitted_dir, distributed.layout.submitted_dir, dirs_exist_ok=True)
    pids_before = worker_pids(address)

    local_states = autograde(serial.layout, settings=FAST_SETTINGS, jobs=1)
    shown = []
    cluster_states = autograde_on_cluster(distributed.layout, address, settings=FAST_SETTINGS,
                                          progress=shown.append)

    assert [s.status for s in local_states] == [s.status for s in cluster_states]
    assert {s.status for s in cluster_states} == {"graded", "failed", "flagged"}
    assert sorted(s.student for s in shown) == sorted(s.student for s in cluster_states)
    assert state_facts(distributed.layout) == state_facts(serial.layout)
    assert gradebook_facts(distributed.layout) == gradebook_facts(serial.layout)
    assert autograded_facts(distributed.layout) == autograded_facts(serial.layout)
    feedback = feedback_facts(distributed.layout)
    assert feedback == feedback_facts(serial.layout)
    assert [r[0] for r in feedback if r[1]] == ["right", "tamper", "wrong"]
    # os._exit killed a kernel, not a worker: the same two worker processes are still there
    assert worker_pids(address) == pids_before


def assignment_arrivals_per_worker(address: str) -> dict[str, dict[str, int]]:
    from distributed import Client

    from autograder.bundle import assignment_arrivals

    with Client(address, timeout=30) as client:
        return client.run(assignment_arrivals)


def test_assignment_files_reach_each_worker_once(cluster, tiny_course):
    address, _ = cluster
    for index in range(6):
        tiny_course.submit_with(f"once-{index}", add=SLOW_ADD.format(seconds=1), mul=MUL)
    before = assignment_arrivals_per_worker(address)

    states = autograde_on_cluster(tiny_course.layout, address, settings=PATIENT)

    assert [(s.status, s.score) for s in states] == [("graded", 3.0)] * 6
    after = assignment_arrivals_per_worker(address)
    arrivals = {worker: sum(counts.values()) - sum(before.get(worker, {}).values())
                for worker, counts in after.items()}
    # six submissions on two workers: with the files in every task they would arrive 6 times.
    # A worker receives them once as the small task's argument or as its result; the worker that
    # ran that task may also fetch the result once more (seen once in 4 full runs: {A: 2, B: 1})
    assert set(arrivals.values()) <= {0, 1, 2} and 1 <= sum(arrivals.values()) <= 3, arrivals


def test_a_worker_killed_mid_submission_is_graded_once_elsewhere(cluster, tiny_course):
    from distributed import Client

    address, _ = cluster
    layout = tiny_course.layout
    tiny_course.submit_with("victim", add=SLOW_ADD.format(seconds=5), mul=MUL)
    shown, errors = [], []

    def grade() -> None:
        try:
            autograde_on_cluster(layout, address, settings=PATIENT, progress=shown.append)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    runner = threading.Thread(target=grade)
    runner.start()
    with Client(address, timeout=30) as client:
        killed = None
        deadline = time.monotonic() + 60
        while killed is None and time.monotonic() < deadline:
            busy = [worker for worker, keys in client.processing().items() if keys]
            if busy:
                time.sleep(2)  # well inside the notebook run
                pid = client.run(os.getpid, workers=busy)[busy[0]]
                os.kill(pid, signal.SIGKILL)
                killed = busy[0]
            time.sleep(0.1)
        runner.join(timeout=120)
        client.wait_for_workers(2, timeout=60)  # the nanny restarts the killed worker
    assert killed is not None, "the submission never reached a worker"
    assert not runner.is_alive() and not errors, errors
    assert [(s.student, s.status, s.score, s.reason) for s in shown] == [("victim", "graded", 3.0, "")]
    assert StateStore(layout).read("victim", TINY).score == 3.0
    with open_gradebook(layout) as gradebook:
        assert [s.student.id for s in gradebook.find_assignment(TINY).submissions] == ["victim"]


def test_lost_scheduler_stops_the_run_and_a_rerun_grades_only_the_rest(cluster, tmp_path, tiny_course):
    layout = tiny_course.layout
    tiny_course.submit_solution("first")
    for student in ("second", "third"):
        tiny_course.submit_with(student, add=SLOW_ADD.format(seconds=2), mul=MUL)
    logs = tmp_path / "logs"
    logs.mkdir()
    store = StateStore(layout)
    with dask_scheduler(logs) as (address, scheduler), dask_workers(address, 1, logs):
        def kill_scheduler_after_the_first(state) -> None:
            stop(scheduler)

        with pytest.raises(ClusterLostError, match="rerun the same command"):
            autograde_on_cluster(layout, address, settings=PATIENT,
                                 progress=kill_scheduler_after_the_first)
    finished = [s for s in store.all() if s.reason != UNFINISHED_REASON]
    unfinished = [s.student for s in store.all() if s.reason == UNFINISHED_REASON]
    assert finished and unfinished and len(finished) + len(unfinished) == 3
    kept = finished[0]

    shown, counts = [], []
    states = autograde_on_cluster(layout, cluster[0], settings=PATIENT, progress=shown.append,
                                  started=lambda *c: counts.append(c))
    assert counts == [(len(unfinished), len(finished))]
    assert sorted(s.student for s in shown) == sorted(unfinished)
    assert [(s.status, s.score, s.reason) for s in states] == [("graded", 3.0, "")] * 3
    assert store.read(kept.student, TINY).recorded_at == kept.recorded_at  # not regraded


def test_postgresql_gradebook_is_written_by_the_coordinator(cluster, tiny_course, monkeypatch):
    from postgres_server import postgres_server

    address, _ = cluster
    layout = tiny_course.layout
    tiny_course.submit_solution("pg-right")
    tiny_course.submit_notebook("pg-wrong", tiny_course.released())
    with postgres_server() as server:
        monkeypatch.setenv("NNBASICS_GRADEBOOK_URL", server.create_database("gradebook"))
        states = autograde_on_cluster(layout, address, settings=FAST_SETTINGS)
        assert [(s.student, s.status, s.score) for s in states] == [
            ("pg-right", "graded", 3.0), ("pg-wrong", "graded", 0.0)]
        with open_gradebook(layout) as gradebook:  # what formgrader reads
            scores = {d["student"]: d["score"] for d in gradebook.submission_dicts(TINY)}
        assert scores == {"pg-right": 3.0, "pg-wrong": 0.0}
        pages = {r.student: r.pages for r in generate_feedback(layout, TINY)}
        assert all(pages.values()) and set(pages) == {"pg-right", "pg-wrong"}
    monkeypatch.delenv("NNBASICS_GRADEBOOK_URL")
    with open_gradebook(layout) as local:  # nothing went to the course's sqlite gradebook
        assert local.find_assignment(TINY).submissions == []


@pytest.mark.parametrize("text", ["local:0", "local:x", "http://host:1", "host:8786"])
def test_bad_cluster_addresses_say_what_is_expected(text):
    with pytest.raises(ValueError, match="--cluster"):
        parse_cluster_address(text)


def test_unreachable_scheduler_gives_a_clear_error(tiny_course):
    from dask_processes import free_port

    from autograder.cluster import ClusterError

    tiny_course.submit_solution("nobody")
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler"):
        autograde_on_cluster(tiny_course.layout, f"tcp://127.0.0.1:{free_port()}",
                             settings=FAST_SETTINGS, connect_timeout=2)
    assert StateStore(tiny_course.layout).read("nobody", TINY) is None  # nothing marked


def test_command_line_grades_on_the_cluster(cluster, tiny_course, capsys):
    import importlib.util

    from autograder.cli import main

    address, _ = cluster
    tiny_course.submit_solution("cli-student")
    root = ["--root", str(tiny_course.layout.root), "--cell-timeout", "30", "--notebook-timeout", "60"]
    assert main([*root, "autograde", "--cluster", address]) == 0
    shown = capsys.readouterr()
    assert "cli-student" in shown.out and "graded" in shown.out
    dashboard = "unavailable" if importlib.util.find_spec("bokeh") is None else "http://"
    assert f"Dask dashboard: {dashboard}" in shown.out + shown.err
    assert main([*root, "autograde", "--cluster", address, "--jobs", "2"]) == 2
    assert "exclude each other" in capsys.readouterr().err

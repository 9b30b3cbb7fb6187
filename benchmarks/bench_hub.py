"""The class hub (classroom/): start time, one server's spawn time, a 30-student round, idle memory.

Needs root (real Unix accounts, as in the tests); otherwise it says so and exits 0.

- ``hub_start_s``: ``launcher.start`` until ``/hub/api`` answers (environment already built;
  ``prepare_s`` is the idempotent preparation before it: accounts, exchange, course copy, configs).
- ``spawn_s``: one student's server, from the spawn request to its ``/api/status`` (median of 3).
- ``idle_server_mb``: resident memory (PSS where the kernel reports it) of that user's processes
  after 5 s idle, i.e. one JupyterLab single-user server without a kernel.
- the round: 30 students, six at a time, each through the hub's REST API only (as the load test:
  ``tests/classroom/student_round.py``): sign-up and login, an API token, their own server started,
  ex1 listed, fetched, signed and submitted through that server's APIs, the server stopped; then
  one ``make collect EXCHANGE=1``. ``students_round_s`` is the students' part, ``round_s`` with collect.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from benchmarks.reporting import print_table, write_results

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "tests" / "classroom"))

N_STUDENTS = 30
PASSWORD = "Correct-horse-42"


def user_memory_mb(username: str) -> float:
    total = 0
    for process in psutil.process_iter(["username"]):
        if process.info["username"] != username:
            continue
        try:
            info = process.memory_full_info()
            total += getattr(info, "pss", 0) or info.rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total / 2**20


def main() -> int:
    if os.geteuid() != 0:
        print("bench_hub: skipped, the class hub needs root (it creates Unix accounts)")
        return 0
    from hub_fixtures import HUB_ENV, running_hub
    from student_round import log_in, student_round

    from classroom import launcher
    from classroom.environment import ensure_environment

    began = time.perf_counter()
    ensure_environment(HUB_ENV)
    env_s = time.perf_counter() - began
    with running_hub(HUB_ENV, "nnbt-bench-", n_students=N_STUDENTS) as hub:
        launcher.stop(hub.settings)
        restart = launcher.start(hub.settings)
        first = log_in(hub.url, hub.students[0], PASSWORD)
        spawns = []
        for _ in range(3):
            spawns.append(first.start_server())
            time.sleep(5)
            idle_mb = user_memory_mb(hub.students[0])
            first.stop_server()
            time.sleep(2)

        hub.instructor_make("hub-release", "ASSIGNMENT=ex1_perceptron")
        round_began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(lambda name: student_round(hub.url, name, PASSWORD, "ex1_perceptron",
                                                     "perceptron.ipynb"), hub.students))
        submit_s = time.perf_counter() - round_began
        collect_began = time.perf_counter()
        hub.instructor_make("collect", "EXCHANGE=1", "ASSIGNMENT=ex1_perceptron")
        collect_s = time.perf_counter() - collect_began
        collected = len(list((hub.settings.course_dir / "autograder" / "submitted").iterdir()))
        round_s = time.perf_counter() - round_began

    results = {
        "environment_check_s": round(env_s, 2), "prepare_s": round(restart.seconds_prepare, 2),
        "hub_start_s": round(restart.seconds_start, 2), "spawn_s": round(statistics.median(spawns), 2),
        "idle_server_mb": round(idle_mb, 1), "students": N_STUDENTS, "round_s": round(round_s, 1),
        "students_round_s": round(submit_s, 1), "collect_s": round(collect_s, 1),
        "collected": collected, "load_average": round(os.getloadavg()[0], 1),
    }
    print_table([results], "class hub (2 cores; seconds)")
    write_results("hub", results)
    return 0 if collected == N_STUDENTS else 1


if __name__ == "__main__":
    sys.exit(main())

"""30 students at once through the hub, a hub restart mid-class, and a PostgreSQL gradebook.

Thirty single-user servers do not fit on two cores, so the students log in through the hub's REST
API (NativeAuthenticator sign-up and login, concurrently) and fetch and submit with nbgrader's
exchange as their own Unix users (runuser), six at a time, half before and half after a restart of
the hub. The instructor collects with ``make collect EXCHANGE=1`` in the hub's course copy; every
submission must be collected exactly once and be the student's own last one. Two are autograded
into PostgreSQL, and after another restart the instructor's formgrader still reads their scores.
"""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from hub_client import HubUser
from hub_fixtures import running_hub
from postgres_server import postgres_server

pytestmark = pytest.mark.slow

PREFIX = "nnbt-l-"
PASSWORD = "Correct-horse-42"
N_STUDENTS = 30
ROUND_SCRIPT = Path(__file__).with_name("student_round.py")


@pytest.fixture(scope="module")
def class_of_30(hub_env):
    with postgres_server() as server:
        url = server.create_database("gradebook")
        with running_hub(hub_env, PREFIX, n_students=N_STUDENTS, gradebook_url=url) as hub:
            yield hub


def _log_in(hub, name: str) -> HubUser:
    user = HubUser(hub.url, name, PASSWORD)
    user.sign_up()
    user.log_in()
    return user


def _round(hub, name: str, script: Path, twice: bool = False) -> None:
    hub.as_user(name, [str(hub.settings.env_dir / "bin" / "python"), str(script), str(hub.settings.exchange),
                       "ex1_perceptron", f"mark-{name}", *(["--submit-twice"] if twice else [])], timeout=300)


def test_thirty_students_submit_through_a_restart_and_nothing_is_lost(class_of_30):
    from classroom import launcher

    hub = class_of_30
    with ThreadPoolExecutor(max_workers=6) as pool:
        users = list(pool.map(lambda name: _log_in(hub, name), hub.students))
    me = users[0].hub_api("GET", f"/users/{hub.students[0]}")
    assert me.status_code == 200 and me.json()["name"] == hub.students[0]

    hub.instructor_make("hub-release", "ASSIGNMENT=ex1_perceptron")
    script = hub.folder / ROUND_SCRIPT.name  # the tests may live under /root, unreadable for students
    shutil.copy(ROUND_SCRIPT, script)
    script.chmod(0o644)
    first, second = hub.students[:15], hub.students[15:]
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda name: _round(hub, name, script, twice=name.endswith(("1", "7"))), first))
    launcher.stop(hub.settings)  # the hub goes down mid-class and comes back
    assert not launcher.is_answering(hub.settings)
    launcher.start(hub.settings)
    assert _log_in(hub, second[0]).hub_api("GET", f"/users/{second[0]}").status_code == 200
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda name: _round(hub, name, script), second))

    hub.instructor_make("collect", "EXCHANGE=1", "ASSIGNMENT=ex1_perceptron")
    hub.instructor_make("collect", "EXCHANGE=1", "ASSIGNMENT=ex1_perceptron")  # a second collect changes nothing
    submitted = hub.settings.course_dir / "autograder" / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == sorted(hub.students)
    for name in hub.students:
        folders = list((submitted / name).iterdir())
        assert [f.name for f in folders] == ["ex1_perceptron"], folders
        notebook = nbformat.read(folders[0] / "perceptron.ipynb", as_version=4)
        assert notebook.metadata["nnbasics_test_mark"] == f"{name}:mark-{name}"


def test_grades_in_postgresql_survive_a_restart_and_formgrader_reads_them(class_of_30):
    from classroom import launcher

    hub = class_of_30
    graded = hub.students[:2]
    for name in graded:
        hub.instructor_make("autograde", "ASSIGNMENT=ex1_perceptron", f"STUDENT={name}")
    assert not (hub.settings.course_dir / "autograder" / "gradebook.db").exists(), "the gradebook must be PostgreSQL"
    launcher.stop(hub.settings)
    launcher.start(hub.settings)
    teacher = _log_in(hub, hub.instructors[0])
    teacher.start_server()
    response = teacher.server("GET", "/formgrader/api/submissions/ex1_perceptron")
    assert response.status_code == 200, response.text[:500]
    rows = {row["student"]: row for row in json.loads(response.text)}
    for name in graded:
        assert rows[name]["autograded"] and rows[name]["max_score"] == 7, rows[name]
        assert rows[name]["score"] is not None

"""30 students at once through the hub, a hub restart mid-class, and a PostgreSQL gradebook.

Each student is a client of the hub's REST API: NativeAuthenticator sign-up and login, an API
token of their own (``/hub/api/users/<name>/tokens``), their single-user server started through
``/hub/api``, then nbgrader's Assignments API of that server (list, fetch, submit) and the Jupyter
contents API to sign the notebook, all with that token. Six
students work at once (each server is stopped when its student is done, as a culler would), half
before and half after ``make hub-stop`` / ``make hub`` in the middle of the class. The instructor
collects with ``make collect EXCHANGE=1`` in the hub's course copy; every submission must be collected
exactly once and be the student's own last one. Two are autograded into PostgreSQL, and after
another restart the instructor's formgrader still reads their scores, and the roster's names.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
import requests
from hub_client import HubUser
from hub_fixtures import running_hub
from postgres_server import postgres_server
from student_round import log_in, ok_json, student_round

pytestmark = pytest.mark.slow

PREFIX = "nnbt-l-"
PASSWORD = "Correct-horse-42"
N_STUDENTS = 30


@pytest.fixture(scope="module")
def class_of_30(hub_env):
    with postgres_server() as server:
        url = server.create_database("gradebook")
        with running_hub(hub_env, PREFIX, n_students=N_STUDENTS, gradebook_url=url) as hub:
            yield hub


def _log_in(hub, name: str) -> HubUser:
    return log_in(hub.url, name, PASSWORD)


def _class_round(hub, names: list[str], twice: set[str] = frozenset()) -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda name: student_round(hub.url, name, PASSWORD, "ex1_perceptron", "perceptron.ipynb",
                                                 twice=name in twice), names))


def test_thirty_students_submit_through_a_restart_and_nothing_is_lost(class_of_30):
    hub = class_of_30
    hub.instructor_make("hub-release", "ASSIGNMENT=ex1_perceptron")
    first, second = hub.students[:15], hub.students[15:]
    _class_round(hub, first, twice={first[0], first[6]})
    hub.make("hub-stop")  # the hub goes down mid-class and comes back
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{hub.url}/hub/api/", timeout=5)
    hub.make("hub")
    _class_round(hub, second)

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
    hub = class_of_30
    graded = hub.students[:2]
    for name in graded:
        hub.instructor_make("autograde", "ASSIGNMENT=ex1_perceptron", f"STUDENT={name}")
    assert not (hub.settings.course_dir / "autograder" / "gradebook.db").exists(), "the gradebook must be PostgreSQL"
    hub.make("hub-stop")
    hub.make("hub")
    teacher = _log_in(hub, hub.instructors[0])
    teacher.start_server()
    response = teacher.server("GET", "/formgrader/api/submissions/ex1_perceptron")
    assert response.status_code == 200, response.text[:500]
    rows = {row["student"]: row for row in json.loads(response.text)}
    for name in graded:
        assert rows[name]["autograded"] and rows[name]["max_score"] == 7, rows[name]
        assert rows[name]["score"] is not None
    students = {row["id"]: row for row in ok_json(teacher.server("GET", "/formgrader/api/students"), "students")}
    assert set(hub.students) <= set(students)  # the roster's students, also those not graded yet
    fifth = students[hub.students[4]]
    assert (fifth["first_name"], fifth["last_name"]) == ("Test", "Student5")  # the roster's name

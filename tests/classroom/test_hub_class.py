"""A class hub with one instructor and two students: real logins, each role's tools, the exchange's
permissions and who can read what, checked as the Unix users themselves."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest
from hub_client import HubUser
from hub_fixtures import running_hub

pytestmark = pytest.mark.slow

PREFIX = "nnbt-c-"
PASSWORD = "Correct-horse-42"


@pytest.fixture(scope="module")
def hub(hub_env):
    with running_hub(hub_env, PREFIX, n_students=2) as hub:
        yield hub


@pytest.fixture(scope="module")
def people(hub):
    """Everyone signed up (NativeAuthenticator), logged in and with a running server."""
    users = {}
    for name in [*hub.instructors, *hub.students]:
        user = HubUser(hub.url, name, PASSWORD)
        user.sign_up()
        user.log_in()
        user.start_server()
        users[name] = user
    return users


def test_nativeauthenticator_login_is_real(hub, people):
    student = hub.students[0]
    assert not HubUser(hub.url, student, "Wrong-password-1").try_log_in()
    # someone not on the roster can sign up but not log in before an instructor approves them
    stranger = HubUser(hub.url, f"{PREFIX}x", PASSWORD)
    stranger.sign_up()
    assert not stranger.try_log_in()
    teacher = people[hub.instructors[0]]
    assert teacher.session.get(f"{hub.url}/hub/authorize/{PREFIX}x", timeout=30).status_code == 200
    assert stranger.try_log_in()
    # and a student is no admin: the approval page refuses them
    assert people[student].session.get(f"{hub.url}/hub/authorize", timeout=30).status_code in (403, 404)


def _page_config(user: HubUser) -> dict:
    page = user.server("GET", "/lab").text
    match = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)
    assert match, page[:500]
    return json.loads(match.group(1))


def test_students_get_student_tools_instructors_get_formgrader(hub, people):
    teacher, student = people[hub.instructors[0]], people[hub.students[0]]
    student_config = _page_config(student)
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= set(
        student_config["disabledExtensions"])
    assert "@jupyter/nbgrader:assignment-list" not in student_config["disabledExtensions"]
    assert student.server("GET", "/formgrader").status_code == 404
    listing = student.server("GET", "/assignments", params={"course_id": "nnbasics"})
    assert listing.status_code == 200 and listing.json()["success"], listing.text
    assert _page_config(teacher)["disabledExtensions"] == []
    assert teacher.server("GET", "/formgrader").status_code in (200, 302)
    # the instructor's server is rooted in the course copy; a student's in their home with the chapters
    teacher_files = {item["name"] for item in teacher.server("GET", "/api/contents").json()["content"]}
    assert {"solutions", "course", "Makefile", "nbgrader_config.py"} <= teacher_files
    student_files = {item["name"] for item in student.server("GET", "/api/contents").json()["content"]}
    assert "chapters" in student_files and "solutions" not in student_files
    chapters = student.server("GET", "/api/contents/chapters").json()["content"]
    assert len([c for c in chapters if c["name"].endswith(".ipynb")]) == 9


def test_exchange_round_trip_and_who_may_touch_what(hub, people):
    s1, s2 = hub.students
    hub.instructor_make("hub-release", "ASSIGNMENT=ex1_perceptron")
    exchange = hub.settings.exchange
    assert oct(exchange.stat().st_mode & 0o7777) == "0o1777"
    # s1 through the Assignments panel's API, s2 with the nbgrader command line
    fetched = people[s1].server("POST", "/assignments/fetch",
                                data={"course_id": "nnbasics", "assignment_id": "ex1_perceptron"})
    assert fetched.json()["success"], fetched.text
    submitted = people[s1].server("POST", "/assignments/submit",
                                  data={"course_id": "nnbasics", "assignment_id": "ex1_perceptron"})
    assert submitted.json()["success"], submitted.text
    hub.as_user(s2, ["nbgrader", "fetch_assignment", "ex1_perceptron"])
    hub.as_user(s2, ["nbgrader", "submit", "ex1_perceptron"])

    inbound = exchange / "nnbasics" / "inbound"
    denied = hub.as_user(s2, ["ls", str(inbound)], check=False)
    assert denied.returncode != 0 and "Permission denied" in denied.stderr
    for private in (hub.home(s1) / "ex1_perceptron" / "perceptron.ipynb",
                    hub.settings.course_dir / "solutions" / "ex1_perceptron" / "perceptron.ipynb",
                    hub.home(hub.instructors[0])):
        attempt = hub.as_user(s2, ["ls", "-l", str(private)], check=False)
        assert attempt.returncode != 0 and "Permission denied" in attempt.stderr, (private, attempt.stdout)
    # s2 forges a newer submission in s1's name: collect refuses it and keeps s1's own
    s1_folder = next(p for p in _as_root_listing(inbound) if p.name.startswith(f"{s1}+"))
    forged = inbound / f"{s1}+ex1_perceptron+2099-01-01 00:00:00.000000 UTC+forged"
    hub.as_user(s2, ["cp", "-r", str(hub.home(s2) / "ex1_perceptron"), str(forged)])
    for name in ("timestamp.txt", "submission_secret.txt"):
        hub.as_user(s2, ["cp", str(s1_folder / name), str(forged / name)], check=False)
    hub.as_user(s2, ["sh", "-c", f"echo '2099-01-01 00:00:00.000000 UTC' > '{forged}/timestamp.txt'"])
    time.sleep(1)
    collected = hub.instructor_make("collect", "EXCHANGE=1", "ASSIGNMENT=ex1_perceptron")
    submitted_dir = hub.settings.course_dir / "autograder" / "submitted"
    assert sorted(p.name for p in submitted_dir.iterdir()) == sorted([s1, s2]), collected.stdout
    stamp = (submitted_dir / s1 / "ex1_perceptron" / "timestamp.txt").read_text()
    assert "2099" not in stamp, "a forged submission was collected in another student's name"
    # the collected copies are the instructors' only: students cannot read the course copy at all
    assert hub.as_user(s1, ["ls", str(submitted_dir)], check=False).returncode != 0


def _as_root_listing(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


def test_make_hub_is_idempotent_and_keeps_state_outside_the_repo(hub):
    secret = hub.settings.state_dir / "jupyterhub_cookie_secret"
    before = secret.read_bytes()
    assert "class hub already running" in hub.make("hub")
    assert "class hub: running at" in hub.make("hub-status")
    assert secret.read_bytes() == before and oct(secret.stat().st_mode & 0o777) == "0o600"
    repo = Path(__file__).resolve().parents[2]
    assert repo not in hub.settings.state_dir.parents
    assert shutil.which("configurable-http-proxy") is None or True  # no global proxy is needed:
    assert (hub.settings.env_dir / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy").exists()


def test_hub_stop_stops_the_proxy_and_every_server(hub, people):
    import psutil

    from classroom import launcher

    users = set(hub.students) | set(hub.instructors)
    assert any(p.info["username"] in users for p in psutil.process_iter(["username"])), "servers should run"
    proxy_pid = int((hub.settings.state_dir / "proxy.pid").read_text())
    assert "class hub stopped" in hub.make("hub-stop")
    time.sleep(1)
    assert not launcher.is_answering(hub.settings)
    left = [p.info for p in psutil.process_iter(["username", "cmdline"]) if p.info["username"] in users]
    assert left == [], left
    assert not psutil.pid_exists(proxy_pid)

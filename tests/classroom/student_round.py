"""One student's round through the hub's REST API, as the load test and ``bench_hub`` run it.

Sign up and log in (NativeAuthenticator), take an API token (``/hub/api/users/<name>/tokens``),
start the single-user server through ``/hub/api``, then with that token: list and fetch the
assignment in nbgrader's Assignments API, sign the notebook through the Jupyter contents API
(``nnbasics_test_mark`` in its metadata, so a test can tell whose and which version was
collected), submit it (twice: a first and a final version) and stop the server.
"""

from __future__ import annotations

from hub_client import HubUser

COURSE_ID = "nnbasics"


def ok_json(response, what: str):
    assert response.status_code == 200, f"{what}: HTTP {response.status_code} {response.text[:500]}"
    return response.json()


def assignment_list(response, what: str) -> list[dict]:
    """The list nbgrader's Assignments API answers as ``{"success": true, "value": [...]}``."""
    body = ok_json(response, what)
    assert body.get("success"), f"{what} failed: {body}"
    return body["value"]


def log_in(url: str, name: str, password: str) -> HubUser:
    user = HubUser(url, name, password)
    user.sign_up()
    user.log_in()
    return user


def student_round(url: str, name: str, password: str, assignment: str, notebook: str,
                  twice: bool = False) -> None:
    """Fetch ``assignment``, sign ``notebook`` (``name:mark-<name>``) and submit it, via REST only."""
    user = log_in(url, name, password)
    user.use_api_token()
    user.start_server(timeout=240)
    course = {"course_id": COURSE_ID, "assignment_id": assignment}
    path = f"/api/contents/{assignment}/{notebook}"
    try:
        listed = assignment_list(user.server("GET", "/assignments", params={"course_id": COURSE_ID}), "list")
        assert any(a["assignment_id"] == assignment and a["status"] == "released" for a in listed), listed
        fetched = assignment_list(user.server("POST", "/assignments/fetch", data=course), "fetch")
        assert any(a["assignment_id"] == assignment and a["status"] == "fetched" for a in fetched), fetched
        for mark in ([f"mark-{name}-first", f"mark-{name}"] if twice else [f"mark-{name}"]):
            content = ok_json(user.server("GET", path), "open the notebook")["content"]
            content["metadata"]["nnbasics_test_mark"] = f"{name}:{mark}"
            saved = user.server("PUT", path, json={"type": "notebook", "format": "json", "content": content})
            assert saved.status_code == 200, saved.text[:500]
            submitted = assignment_list(user.server("POST", "/assignments/submit", data=course), "submit")
            assert any(a["assignment_id"] == assignment and a["status"] == "submitted" for a in submitted)
    finally:
        user.stop_server()

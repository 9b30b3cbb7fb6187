"""The whole cycle of a class in a real browser (Debian chromium through Playwright).

One instructor, two students. Each step saves a screenshot in the folder printed at the start
(``NNBASICS_HUB_SCREENSHOTS`` chooses it) and checks what the person sees:

1. the instructor releases ex1 and ex2 (``make hub-release`` in the course copy); formgrader lists them;
2. student 1 logs in (NativeAuthenticator's form), sees both in the Assignments panel, fetches ex1,
   solves ``step``, Validate reports the remaining failures, submits and resubmits; student 2
   submits after the due date;
3. the instructor collects and autogrades (``make collect EXCHANGE=1``, ``make autograde``), sees
   the submissions in formgrader and enters the manual grade of the ex2 reflection there;
4. ``make report LATE_POLICY=per-day:10`` shows that grade and the late penalty with its reason;
5. the instructor generates and releases feedback; student 1 fetches it and sees score and hints,
   and no hidden test;
6. the report also wrote canvas.csv and moodle.csv.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from chromium_browser import chromium_context, require_chromium
from hub_client import HubUser
from hub_fixtures import running_hub

pytestmark = pytest.mark.slow

PREFIX = "nnbt-b-"
PASSWORD = "Correct-horse-42"
TIMEOUT = 120_000  # ms: two busy cores
STEP_SOLUTION = '''def step(z):
    """Heaviside step: 1 where z >= 0, else 0."""
    return (np.asarray(z) >= 0).astype(int)
'''


@pytest.fixture(scope="module")
def hub(hub_env):
    require_chromium()
    with running_hub(hub_env, PREFIX, n_students=2) as hub:
        yield hub


@pytest.fixture(scope="module")
def shots(capsys_module=None):
    folder = Path(os.environ.get("NNBASICS_HUB_SCREENSHOTS")
                  or tempfile.mkdtemp(prefix="nnbasics-hub-screens-", dir="/var/tmp"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _log_in(page, hub, username: str) -> None:
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", username)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    page.wait_for_url(re.compile(r".*/user/[^/]+/lab.*"), timeout=TIMEOUT)
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").wait_for(timeout=TIMEOUT)


def _open_assignments(page) -> None:
    tab = page.locator(".lm-TabBar-tab", has_text="Assignments")
    if tab.count():
        tab.first.click()
    else:
        page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
        page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
    page.locator("#nbgrader-assignment-list").wait_for(timeout=TIMEOUT)
    page.click("#refresh_assignments_list")
    time.sleep(1)


def _row(page, section: str, assignment: str):
    return page.locator(f"#{section}_assignments_list .list_item", has_text=assignment).first


def test_a_class_in_the_browser(hub, shots, capsys):
    with capsys.disabled():
        print(f"\nscreenshots of the class cycle: {shots}")
    teacher, s1, s2 = hub.instructors[0], *hub.students
    for name in (teacher, s1, s2):
        HubUser(hub.url, name, PASSWORD).sign_up()
    course = hub.settings.course_dir

    # 1. the instructor releases ex1 and ex2 ------------------------------------------------------
    hub.instructor_make("hub-release", "ASSIGNMENT=ex1_perceptron ex2_xor")
    with chromium_context(1400, 900) as browser:
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT)
        _log_in(page, hub, teacher)
        page.goto(f"{hub.url}/user/{teacher}/formgrader/manage_assignments")
        page.locator("td", has_text="ex2_xor").first.wait_for()
        page.screenshot(path=str(shots / "1-instructor-formgrader-assignments.png"))

        # 2. student 1 fetches, solves one function, validates, submits twice ------------------------
        student = browser.new_page()  # same browser, so log the instructor out first
        student.set_default_timeout(TIMEOUT)
        student.goto(f"{hub.url}/hub/logout")
        _log_in(student, hub, s1)
        _open_assignments(student)
        _row(student, "released", "ex2_xor").wait_for()
        _row(student, "released", "ex1_perceptron").wait_for()
        student.screenshot(path=str(shots / "2a-student-sees-released-assignments.png"))
        _row(student, "released", "ex1_perceptron").get_by_role("button", name="Fetch").click()
        _row(student, "fetched", "ex1_perceptron").wait_for()

        student.goto(f"{hub.url}/user/{s1}/lab/tree/ex1_perceptron/perceptron.ipynb")
        student.get_by_text("Python 3 (ipykernel) | Idle").wait_for()
        cell = student.locator(".jp-CodeCell", has_text="def step(z):").first
        cell.locator(".cm-content").click()
        student.keyboard.press("Control+a")
        student.keyboard.insert_text(STEP_SOLUTION)
        student.keyboard.press("Control+s")
        time.sleep(2)
        student.get_by_role("button", name="Validate").click()
        dialog = student.locator(".jp-Dialog-content")
        dialog.wait_for(timeout=TIMEOUT * 2)
        dialog.get_by_text(re.compile("NotImplementedError|failed", re.I)).first.wait_for(timeout=TIMEOUT * 2)
        report = dialog.inner_text()
        student.screenshot(path=str(shots / "2b-student-validate-reports-remaining-failures.png"))
        assert "Perceptron" in report and "def step" not in report, report[:2000]
        dialog.get_by_role("button").last.click()

        _open_assignments(student)
        for attempt in (1, 2):
            _row(student, "fetched", "ex1_perceptron").get_by_role("button", name="Submit").click()
            student.locator("#submitted_assignments_list .list_item", has_text="UTC").nth(attempt - 1).wait_for()
            time.sleep(1.1)
        student.screenshot(path=str(shots / "2c-student-submitted-twice.png"))
        submissions = (hub.home(s1) / ".." / ".." / "exchange").resolve()
        assert submissions.exists()

        # the deadline passes, then student 2 submits (nbgrader's command line, as that Unix user)
        due = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        hub.instructor_make("due", "ASSIGNMENT=ex1_perceptron", f"DUE={due} UTC")
        time.sleep(1.5)
        hub.as_user(s2, ["nbgrader", "fetch_assignment", "ex1_perceptron"])
        hub.as_user(s2, ["nbgrader", "submit", "ex1_perceptron"])
        hub.as_user(s1, ["nbgrader", "fetch_assignment", "ex2_xor"])
        hub.as_user(s1, ["nbgrader", "submit", "ex2_xor"])

        # 3. collect, autograde (sandboxed), formgrader and the manual grade ---------------------------
        for assignment in ("ex1_perceptron", "ex2_xor"):
            hub.instructor_make("collect", "EXCHANGE=1", f"ASSIGNMENT={assignment}")
            hub.instructor_make("autograde", f"ASSIGNMENT={assignment}")
        assert sorted(p.name for p in (course / "autograder" / "submitted").iterdir()) == sorted([s1, s2])
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(f"{hub.url}/hub/logout")
        _log_in(page, hub, teacher)
        page.goto(f"{hub.url}/user/{teacher}/formgrader/manage_submissions/ex1_perceptron")
        page.locator("td", has_text=s2).first.wait_for()
        page.locator("td", has_text=s1).first.wait_for()
        page.screenshot(path=str(shots / "3a-instructor-formgrader-submissions.png"))
        listing = page.request.get(f"{hub.url}/user/{teacher}/formgrader/api/submitted_notebooks/ex2_xor/xor_mlp")
        notebook_id = next(row["id"] for row in listing.json() if row["student"] == s1)
        page.goto(f"{hub.url}/user/{teacher}/formgrader/submissions/{notebook_id}/?index=0")
        score_box = page.locator("input.score#reflection")  # the ex2 reflection: graded by hand, 2 points
        score_box.wait_for()
        score_box.scroll_into_view_if_needed()
        page.wait_for_load_state("networkidle")  # formgrader binds its change handlers after loading
        grades_url = f"{hub.url}/user/{teacher}/formgrader/api/grades?submission_id={notebook_id}"
        for _attempt in range(3):  # typed, then saved by formgrader on "change"; retyped if a busy page missed it
            score_box.fill("1.5")
            score_box.press("Tab")
            for _ in range(30):
                grades = {g["name"]: g for g in page.request.get(grades_url).json()}
                if grades["reflection"]["manual_score"] == 1.5:
                    break
                time.sleep(0.5)
            if grades["reflection"]["manual_score"] == 1.5:
                break
            score_box.fill("")
        assert grades["reflection"]["manual_score"] == 1.5, grades["reflection"]
        page.screenshot(path=str(shots / "3b-instructor-enters-manual-grade.png"))

        # 4. the report shows the manual grade and the late penalty with its reason ------------------------
        hub.instructor_make("report", "LATE_POLICY=per-day:10")
        rows = {(r["student"], r["assignment"]): r
                for r in csv.DictReader((course / "autograder" / "reports" / "grades.csv").open())}
        ex2 = rows[(s1, "ex2_xor")]
        assert float(ex2["score"]) >= 1.5 and "awaiting manual grading" not in ex2["reason"], ex2
        late = rows[(s2, "ex1_perceptron")]
        assert late["late_days"] == "1" and "late" in late["reason"], late
        assert rows[(s1, "ex1_perceptron")]["late_days"] in ("", "0"), rows[(s1, "ex1_perceptron")]
        assert float(rows[(s1, "ex1_perceptron")]["score"]) >= 1.0  # the solved step

        # 5. feedback: generated, released, fetched by the student --------------------------------------
        hub.instructor_make("feedback", "ASSIGNMENT=ex1_perceptron")
        hub.instructor_make("release-feedback", "ASSIGNMENT=ex1_perceptron")
        student.goto(f"{hub.url}/hub/logout")  # one browser: the instructor logged in last, so back to s1
        _log_in(student, hub, s1)
        _open_assignments(student)
        try:
            _row(student, "submitted", "ex1_perceptron").get_by_role("button", name="Fetch Feedback").click()
            student.get_by_text(re.compile("view feedback", re.I)).first.wait_for()
        finally:
            student.screenshot(path=str(shots / "5a-student-fetched-feedback.png"))
        pages = sorted((hub.home(s1) / "ex1_perceptron" / "feedback").glob("*/perceptron.html"))
        assert pages, "no feedback fetched"
        relative = pages[-1].relative_to(hub.home(s1))
        student.goto(f"{hub.url}/user/{s1}/files/{relative}")
        student.get_by_text(re.compile("Hint", re.I)).first.wait_for()
        text = student.inner_text("body")
        student.screenshot(path=str(shots / "5b-student-reads-feedback.png"), full_page=False)
        assert re.search(r"Score: ?\d", text), text[:1000]
        assert "HIDDEN TESTS" not in text
        # formulas pre-rendered at `make feedback` (the exchange hands out the lone .html file)
        assert student.locator("mjx-container svg").count() > 0, "feedback formulas not typeset"
        assert "$y = x$" not in text and "$$" not in text, "raw TeX in the student's feedback"

    # 6. LMS exports ----------------------------------------------------------------------------------
    for name in ("canvas.csv", "moodle.csv"):
        content = (course / "autograder" / "reports" / name).read_text()
        assert s1 in content and s2 in content, (name, content[:500])

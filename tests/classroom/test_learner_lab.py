"""``make lab`` for a learner alone: no broken Assignments panel, no instructor tools, Validate kept."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from chromium_browser import chromium_context, require_chromium
from hub_fixtures import free_port_triple

REPO = Path(__file__).resolve().parents[2]
TOKEN = "nnbasics-learner-test"


@pytest.fixture(scope="module")
def learner_lab():
    port = free_port_triple()
    scratch = Path(tempfile.mkdtemp(prefix="nnbasics-learner-"))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(scratch / "config"), "JUPYTER_RUNTIME_DIR": str(scratch / "rt"),
           "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "ws"), "JUPYTERLAB_SETTINGS_DIR": str(scratch / "settings")}
    args = (f"--no-browser --ServerApp.port={port} --ServerApp.port_retries=0 --IdentityProvider.token={TOKEN}"
            + (" --allow-root" if os.geteuid() == 0 else ""))
    process = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError("make lab did not answer within 120 s")
        yield base
    finally:
        _stop_group(process.pid)


def _stop_group(pgid: int) -> None:
    """SIGTERM to make and JupyterLab (one process group), SIGKILL whatever is left after 5 s (a
    disposable test server: its kernels are in the same group)."""
    os.killpg(pgid, signal.SIGTERM)
    for _ in range(25):
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.killpg(pgid, signal.SIGKILL)


def _status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


def test_make_lab_hides_exchange_panels_and_instructor_tools(learner_lab):
    page = urllib.request.urlopen(f"{learner_lab}/lab?token={TOKEN}", timeout=60).read().decode()
    config = json.loads(re.search(r'id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)[1])
    hidden = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
              "@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:course-list"}
    assert hidden <= set(config["disabledExtensions"])
    assert "@jupyter/nbgrader:validate-assignment" not in config["disabledExtensions"]
    assert _status(f"{learner_lab}/formgrader?token={TOKEN}") == 404
    assert _status(f"{learner_lab}/assignments?course_id=nnbasics&token={TOKEN}") == 404


@pytest.mark.slow
def test_make_lab_in_the_browser_shows_validate_and_no_nbgrader_panels(learner_lab, tmp_path):
    require_chromium()
    with chromium_context(1400, 900) as browser:
        page = browser.new_page()
        page.goto(f"{learner_lab}/lab/tree/exercises/ex1_perceptron/perceptron.ipynb?token={TOKEN}")
        page.get_by_role("button", name="Validate").wait_for(timeout=120_000)
        menu = page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader")
        items = ""
        if menu.count():
            menu.first.click()
            items = page.locator(".lm-Menu-content").inner_text()
        page.screenshot(path=str(tmp_path / "make-lab.png"))
        for tool in ("Formgrader", "Assignment List", "Course List", "Create Assignment"):
            assert tool not in items, items

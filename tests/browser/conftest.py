"""Browser tests: ONE JupyterLab server and ONE chromium for the whole session, stopped on exit.

Every test that needs JupyterLab lives in ``test_in_jupyterlab.py`` (``make test`` gives a whole
file to one xdist worker, so one server serves them all). Screenshots go to
``build/screenshots/`` (or ``$NNBASICS_SCREENSHOTS``); the tests print the folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

BROWSER_DIR = Path(__file__).resolve().parent
REPO_ROOT = BROWSER_DIR.parents[1]
COURSE_DIR = REPO_ROOT / "course"
sys.path.insert(0, str(BROWSER_DIR))
if str(REPO_ROOT) not in sys.path:  # coursesite is not an installed package
    sys.path.append(str(REPO_ROOT))


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    folder = Path(os.environ.get("NNBASICS_SCREENSHOTS", REPO_ROOT / "build" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder

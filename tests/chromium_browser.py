"""Debian's chromium driven by Playwright, with the flags that work on a machine with no internet.

``playwright install`` downloads a browser and fails here, so every browser test launches the
system chromium (``apt-get install chromium``) through :func:`chromium_context`. Tests that need it
call :func:`require_chromium` first, which skips with the install command when it is missing.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    """The system chromium, or None (``NNBASICS_CHROMIUM`` overrides the search)."""
    return os.environ.get("NNBASICS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def require_chromium() -> str:
    """The chromium path; skips the test with the fix when chromium or Playwright is missing."""
    path = chromium_path()
    if path is None:
        pytest.skip("browser tests need chromium: apt-get install -y chromium")
    pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright: pip install playwright")
    return path


_playwright = None


def _shared_playwright():
    """One Playwright driver per test process, started on first use and stopped at exit.

    Playwright's sync API marks its event loop as running for as long as a driver is open, so a
    second ``sync_playwright()`` in the same process fails ("Sync API inside the asyncio loop")
    while a session-scoped browser of another test file is still open. Sharing the driver lets any
    number of browser contexts coexist in one pytest worker.
    """
    global _playwright
    if _playwright is None:
        from playwright.sync_api import sync_playwright

        _playwright = sync_playwright().start()
        atexit.register(_playwright.stop)
    return _playwright


@contextmanager
def chromium_context(width: int = 1400, height: int = 900, **options) -> Iterator[object]:
    """A fresh Playwright ``BrowserContext`` in headless chromium with an empty profile.

    ``options`` go to ``launch_persistent_context`` (e.g. ``offline=True``). The browser and its
    profile folder are removed on exit, also when the test fails.
    """
    executable = require_chromium()
    profile = Path(tempfile.mkdtemp(prefix="nnbasics-chromium-"))
    try:
        context = _shared_playwright().chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": width, "height": height},
            **options,
        )
        try:
            yield context
        finally:
            context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)

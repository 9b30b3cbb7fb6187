"""What a student does in JupyterLab, as Playwright steps: open a notebook, Run All, save, read.

Selectors and timings: ``/work/shared/notes/browser-testing.md``. Every wait has a timeout of
tens of seconds (a busy 2-core machine); a failure names what was waited for.
"""

from __future__ import annotations

import json
import re
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from lab_server import LabServer

OPEN_TIMEOUT_MS = 90_000
RUN_TIMEOUT_MS = 300_000
WIDGET_TIMEOUT_MS = 30_000
IDLE = re.compile(r"\| Idle")
# Run All queues every code cell ("[*]"); when a cell fails the rest are unqueued ("[ ]").
PROMPTS = "[...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(e => e.textContent)"
RUN_STARTED = f"() => {PROMPTS}.some(p => /\\[(\\*|\\d+)\\]/.test(p))"
RUN_FINISHED = f"() => !{PROMPTS}.some(p => p.includes('*'))"
# Label-like elements of controls: a label is clipped when its text is wider than its box.
CLIPPED_LABELS = """(rootSelector) => {
  const labels = 'button, .widget-label, .widget-readout, .widget-toggle-button, .widget-html-content';
  const out = [];
  for (const root of document.querySelectorAll(rootSelector)) {
    for (const e of root.querySelectorAll(labels)) {
      if (!e.offsetParent || e.querySelector('pre, table, img')) continue;   // hidden, or not a label
      if (e.textContent.trim().length === 0 || e.textContent.length > 40) continue;
      if (e.scrollWidth > e.clientWidth + 1)
        out.push({text: e.textContent.trim(), scrollWidth: e.scrollWidth, clientWidth: e.clientWidth,
                  widget: root.className.match(/nnb-[a-z-]+/)[0]});
    }
  }
  return out;
}"""


@dataclass
class NotebookRun:
    """A notebook opened and run in a page: ``page``, ``path`` (relative to the server root),
    ``page_errors`` (uncaught JavaScript errors) and the saved ``notebook`` JSON."""

    page: object
    path: str
    page_errors: list[str] = field(default_factory=list)
    notebook: dict | None = None

    def error_outputs(self) -> list[str]:
        """``ename: evalue`` of every error output in the saved notebook."""
        return [f"cell {index}: {output.get('ename')}: {output.get('evalue')}"
                for index, cell in enumerate((self.notebook or {}).get("cells", []))
                for output in cell.get("outputs", []) if output.get("output_type") == "error"]


def open_notebook(context, lab: LabServer, path: str) -> NotebookRun:
    """A new page with ``path`` open and its kernel idle."""
    page = context.new_page()
    run = NotebookRun(page, path)
    page.on("pageerror", lambda error: run.page_errors.append(str(error)))
    page.goto(lab.url(path))
    page.locator(".jp-Notebook").first.wait_for(timeout=OPEN_TIMEOUT_MS)
    page.get_by_text(IDLE).first.wait_for(timeout=OPEN_TIMEOUT_MS)
    return run


def menu(page, label: str, command: str) -> None:
    """Click menu ``label`` (e.g. "Run") then the entry of ``command`` (e.g. "runmenu:run-all")."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{label}$")).click()
    page.locator(f"li[data-command='{command}']").first.click()


def run_all(lab: LabServer, run: NotebookRun) -> NotebookRun:
    """Run → Run All Cells, wait until no cell is queued (all ran, or one failed), save, read."""
    menu(run.page, "Run", "runmenu:run-all")
    try:
        run.page.wait_for_function(RUN_STARTED, timeout=RUN_TIMEOUT_MS, polling=200)
        run.page.wait_for_function(RUN_FINISHED, timeout=RUN_TIMEOUT_MS, polling=500)
        run.page.get_by_text(IDLE).first.wait_for(timeout=RUN_TIMEOUT_MS)
    finally:  # read what ran, also when a cell failed and Run All stopped early
        save_and_read(lab, run)
    return run


def save_and_read(lab: LabServer, run: NotebookRun) -> dict:
    """File → Save, then the notebook as saved on the server (outputs included)."""
    before = (lab.root / run.path).stat().st_mtime_ns
    menu(run.page, "File", "docmanager:save")
    path = lab.root / run.path
    run.page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=30_000)
    for _ in range(100):
        if path.stat().st_mtime_ns != before:
            break
        run.page.wait_for_timeout(100)
    run.notebook = json.loads(path.read_text())
    return run.notebook


def close(lab: LabServer, run: NotebookRun) -> None:
    """Close the page and shut the notebook's kernel down (frees memory for the next chapter)."""
    run.page.close()
    for session in _api(lab, "sessions"):
        if session.get("path") == run.path:
            _api(lab, f"sessions/{session['id']}", method="DELETE")


def _api(lab: LabServer, route: str, method: str = "GET"):
    request = urllib.request.Request(f"{lab.base_url}/api/{quote(route)}?token={lab.token}",
                                     method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
    return json.loads(body) if body else None


def clipped_labels(page, root_selector: str) -> list[dict]:
    """Labels inside ``root_selector`` whose text does not fit their box."""
    return page.evaluate(CLIPPED_LABELS, root_selector)


def screenshot(locator, folder: Path, name: str) -> Path:
    """A PNG of one element (scrolled into view) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=str(path))
    return path


def number_after(text: str, label: str) -> float:
    """The number that follows ``label`` in ``text`` (e.g. ``"train loss 0.693"``)."""
    match = re.search(re.escape(label) + r"\s*(-?\d[\d,]*\.?\d*(?:e-?\d+)?)", text)
    if match is None:
        raise AssertionError(f"no number after {label!r} in {text!r}")
    return float(match.group(1).replace(",", ""))

"""Playground speed as a student sees it: epochs per second shown in JupyterLab in chromium.

Two notebooks on one JupyterLab server, the playground at its default settings on XOR
(``Playground(dataset="xor")``): one-epoch-per-frame (the old Play, ``MAX_EPOCHS_PER_FRAME = 1``)
and the current Play (several epochs per frame, as many as fit the time of one redraw). Each
plays for ``SECONDS`` s; the epoch counter on the page gives epochs/s, a MutationObserver on
the boundary image gives frames/s. Target: at least 30 epochs/s shown. Needs chromium and
Playwright (as the browser tests); writes ``benchmarks/results/browser.json``.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from benchmarks.reporting import print_table, write_results

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT / "tests"), str(REPO_ROOT / "tests" / "browser")]

TARGET_EPOCHS_PER_SECOND = 30.0
WARMUP_SECONDS = 2.0
SECONDS = 10.0
VARIANTS = {"one epoch per frame (before)": 1, "several epochs per frame (now)": None}
COUNT_FRAMES = """(img) => { window.__frames = 0;
  new MutationObserver(() => window.__frames++).observe(img, {attributes: true, attributeFilter: ['src']}); }"""


def _notebook(max_epochs: int | None) -> nbformat.NotebookNode:
    setup = "import nnbasics.widgets.playground as playground_module\n"
    if max_epochs is not None:
        setup += f"playground_module.MAX_EPOCHS_PER_FRAME = {max_epochs}\n"
    setup += "from nnbasics.widgets import Playground\nplayground = Playground(dataset='xor')\nplayground"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(setup)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def _epoch(playground) -> int:
    return int(re.sub(r"\D", "", playground.locator(".nnb-playground-epoch").inner_text()))


def measure(lab, browser, path: str) -> dict:
    from lab_page import close, open_notebook, run_all

    run = run_all(lab, open_notebook(browser, lab, path))
    try:
        playground = run.page.locator(".nnb-playground").first
        playground.wait_for()
        play = playground.locator("button.nnb-playground-play")
        play.click()
        time.sleep(WARMUP_SECONDS)
        run.page.evaluate(COUNT_FRAMES, playground.locator("img.nnb-playground-boundary").element_handle())
        start_epoch, start = _epoch(playground), time.perf_counter()
        time.sleep(SECONDS)
        epochs, seconds = _epoch(playground) - start_epoch, time.perf_counter() - start
        frames = run.page.evaluate("() => window.__frames")
        play.click()
        return {"epochs_per_second": epochs / seconds, "frames_per_second": frames / seconds,
                "epochs_per_frame": epochs / max(frames, 1)}
    finally:
        close(lab, run)


def main() -> None:
    from chromium_browser import chromium_context
    from lab_server import jupyter_lab

    folder = Path(tempfile.mkdtemp(prefix="nnbasics-bench-browser-"))
    paths = {}
    for index, (label, max_epochs) in enumerate(VARIANTS.items()):
        paths[label] = f"playground_{index}.ipynb"
        nbformat.write(_notebook(max_epochs), folder / paths[label])
    results, rows = {}, []
    with jupyter_lab(folder, siblings=()) as lab, chromium_context(1400, 1000) as browser:
        browser.set_default_timeout(60_000)
        for label, path in paths.items():
            results[label] = measure(lab, browser, path)
            rows.append({"play": label, **{k: round(v, 1) for k, v in results[label].items()}})
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print_table(rows, f"playground in JupyterLab + chromium, XOR, default settings "
                      f"({SECONDS:.0f} s each, load average {load})")
    now = results["several epochs per frame (now)"]["epochs_per_second"]
    before = results["one epoch per frame (before)"]["epochs_per_second"]
    verdict = "meets" if now >= TARGET_EPOCHS_PER_SECOND else "misses"
    print(f"{now:.1f} epochs/s shown ({now / max(before, 1e-9):.1f}x one epoch per frame): "
          f"{verdict} the {TARGET_EPOCHS_PER_SECOND:.0f} epochs/s target")
    write_results("browser", {"target_epochs_per_second": TARGET_EPOCHS_PER_SECOND,
                              "seconds": SECONDS, "load_average_1min": load, "variants": results})


if __name__ == "__main__":
    main()

"""Formulas of HTML pages typeset to SVG ahead of time, so one lone page shows them offline.

nbgrader's exchange hands a student a single feedback ``.html`` file: no ``_static`` folder beside
it, so neither the CDN nor a local MathJax can typeset it offline. :func:`prerender_math` runs
``typeset_math.mjs`` (MathJax 3 from npm ``mathjax-full``, see ``site/package.json``) once over all
pages: every ``$...$``, ``$$...$$``, ``\\(...\\)``, ``\\[...\\]`` and ``\\begin{env}`` of the text
becomes an inline SVG with its CSS in the page, and the MathJax ``<script>`` goes. Code, ``pre``
and ``script`` text is left alone; a formula that does not parse stays TeX and is reported.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from coursesite.assets import SITE_DIR, find_node_module

SCRIPT = Path(__file__).with_name("typeset_math.mjs")
MATHJAX_FULL = Path("mathjax-full") / "js" / "mathjax.js"
# node starts and loads MathJax in about a second; a feedback page takes a fraction of one
BASE_TIMEOUT, PAGE_TIMEOUT = 60.0, 10.0


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def prerender_math(
    pages: Iterable[Path],
    node: str | None = None,
    node_modules: Path | None = None,
    timeout: float | None = None,
    warn: Callable[[str], None] = _stderr,
) -> str | None:
    """Typeset the TeX of ``pages`` (HTML files, rewritten in place) to SVG with one node process.

    Returns None when every page was handled, else why not (node or ``mathjax-full`` missing,
    a timeout, an unreadable page): those pages are unchanged. Formulas that do not parse are
    left as TeX and passed to ``warn``; they do not count as a failure. ``node`` and
    ``node_modules`` default to ``node`` on ``PATH`` and :func:`coursesite.assets.find_node_module`.
    """
    pages = [Path(p) for p in pages]
    if not pages:
        return None
    node = node if node is not None else shutil.which("node")
    if node is None or not Path(node).exists() and shutil.which(node) is None:
        return "pre-rendering formulas needs Node.js (apt-get install -y nodejs npm)"
    modules = node_modules if node_modules is not None else find_node_module(MATHJAX_FULL)
    if modules is None or not (modules / MATHJAX_FULL).is_file():
        return f"mathjax-full is not installed: run npm ci --prefix {SITE_DIR}"
    limit = timeout if timeout is not None else BASE_TIMEOUT + PAGE_TIMEOUT * len(pages)
    try:
        done = subprocess.run([node, str(SCRIPT), str(modules), *map(str, pages)],
                              capture_output=True, text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return f"pre-rendering the formulas of {len(pages)} page(s) took over {limit:.0f} s"
    except OSError as error:
        return f"could not run {node}: {error}"
    reports = _reports(done.stdout)
    broken = [r for r in reports if "error" in r]
    for report in reports:
        for formula in report.get("failed", []):
            warn(f"{Path(report['page']).name}: formula left as TeX ({formula['error']}): {formula['tex']}")
    if done.returncode != 0 or len(reports) != len(pages) or broken:
        details = "; ".join(f"{Path(r['page']).name}: {r['error']}" for r in broken)
        return f"pre-rendering formulas failed ({details or done.stderr.strip()[-1000:] or done.returncode})"
    return None


def _reports(stdout: str) -> list[dict]:
    reports = []
    for line in stdout.splitlines():
        try:
            reports.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return [r for r in reports if isinstance(r, dict) and "page" in r]

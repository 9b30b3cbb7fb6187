"""Build the static course site: the nine chapters, executed, with their widgets and formulas.

Each ``course/NN_*.ipynb`` runs top to bottom in a fresh kernel (nbclient,
``store_widget_state=True``, so the widgets' state is saved with the outputs), is converted by
nbconvert's ``HTMLExporter`` (lab template) with every script taken from the site's own
``_static`` folder (:mod:`coursesite.assets`), and gets a navigation bar. ``index.html`` lists
the chapters. The result works offline from ``file://``.

Why nbconvert and not Jupyter Book: nbconvert is already a pinned dependency (nbgrader uses it),
it renders saved ipywidgets state with the official html-manager, and its three script URLs are
settings, so the site needs no CDN; Jupyter Book would add a large dependency tree for the
same nine pages.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter

from coursesite.assets import copy_static, exporter_settings

COURSE_DIR = Path(__file__).resolve().parents[1] / "course"
STATIC = "_static"
CHAPTER_PATTERN = re.compile(r"^\d\d_.+\.ipynb$")
NAV_CSS = """
<style>
.nnb-site-nav { position: sticky; top: 0; z-index: 1000; background: #1f3b57; padding: 6px 12px;
  display: flex; flex-wrap: wrap; gap: 4px 14px; font: 14px/1.6 system-ui, sans-serif; }
.nnb-site-nav a { color: #e8f0f8; text-decoration: none; white-space: nowrap; }
.nnb-site-nav a.nnb-current { color: #fff; font-weight: bold; border-bottom: 2px solid #ffb347; }
.nnb-site-nav a:hover { text-decoration: underline; }
</style>
"""


class ChapterFailedError(RuntimeError):
    """A chapter raised while it was executed for the site."""


@dataclass
class Chapter:
    """One page: ``source`` notebook, ``page`` file name, ``title`` (its first heading)."""

    source: Path
    page: str
    title: str


@dataclass
class SiteBuild:
    """What :func:`build_site` wrote: the folder, the chapters and the seconds it took."""

    out_dir: Path
    chapters: list[Chapter]
    seconds: float

    @property
    def index(self) -> Path:
        return self.out_dir / "index.html"


def find_chapters(course_dir: Path = COURSE_DIR, only: list[str] | None = None) -> list[Chapter]:
    """The chapter notebooks ``NN_name.ipynb`` of ``course_dir`` in order (``only``: name parts)."""
    sources = sorted(p for p in course_dir.glob("*.ipynb") if CHAPTER_PATTERN.match(p.name))
    if only:
        sources = [p for p in sources if any(part in p.name for part in only)]
        if not sources:
            raise ValueError(f"no chapter of {course_dir} matches {only}; chapters are named "
                             "like 02_core_concepts.ipynb")
    return [Chapter(p, p.with_suffix(".html").name, _title(nbformat.read(p, as_version=4), p))
            for p in sources]


def _title(notebook: nbformat.NotebookNode, path: Path) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.MULTILINE)
            if match:
                return match.group(1).strip()
    return path.stem.replace("_", " ")


def execute(path: Path, timeout: int = 900) -> nbformat.NotebookNode:
    """Run ``path`` in a fresh kernel (working directory: its folder); keep the widget state."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            store_widget_state=True,
                            resources={"metadata": {"path": str(path.parent)}})
    env = {key: value for key, value in os.environ.items() if key != "MPLBACKEND"}  # inline PNGs
    client.execute(env=env)
    return notebook


def navigation(chapters: list[Chapter], current: str | None) -> str:
    """The navigation bar: the index, then every chapter (``current``'s page marked)."""
    links = [f'<a href="index.html"{_current("index.html", current)}>Course</a>']
    for number, chapter in enumerate(chapters, start=1):
        short = re.sub(r"^Chapter\s+\d+\s*[—:-]\s*", "", chapter.title)
        links.append(f'<a href="{chapter.page}"{_current(chapter.page, current)} '
                     f'title="{html.escape(chapter.title)}">{number}. {html.escape(short)}</a>')
    return f'{NAV_CSS}<nav class="nnb-site-nav">{"".join(links)}</nav>'


def _current(page: str, current: str | None) -> str:
    return ' class="nnb-current" aria-current="page"' if page == current else ""


def render_page(notebook: nbformat.NotebookNode, chapter: Chapter, chapters: list[Chapter]) -> str:
    """The chapter's HTML with local scripts and the navigation bar after ``<body>``."""
    exporter = HTMLExporter(template_name="lab", **exporter_settings(STATIC))
    body, _resources = exporter.from_notebook_node(notebook, resources={"metadata": {
        "name": chapter.title}})
    nav = navigation(chapters, chapter.page)
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, body, count=1)


def index_page(chapters: list[Chapter]) -> str:
    items = "".join(f'<li><a href="{c.page}">{html.escape(c.title)}</a></li>' for c in chapters)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Neural Networks Basics"
            f"</title></head><body style='margin:0;font-family:system-ui,sans-serif'>"
            f"{navigation(chapters, 'index.html')}<main style='padding:1em 2em'>"
            f"<h1>Neural Networks Basics</h1><p>The course's chapters, run with their outputs "
            f"and interactive widgets (the widgets show their saved state; sliders need a "
            f"running kernel to recompute: open the notebooks in JupyterLab with "
            f"<code>make lab</code>).</p><ol>{items}</ol></main></body></html>")


def build_site(out_dir: Path, course_dir: Path = COURSE_DIR, only: list[str] | None = None,
               jobs: int = 2, log=print) -> SiteBuild:
    """Execute and convert the chapters into ``out_dir`` (replaced); return what was built."""
    start = time.perf_counter()
    chapters = find_chapters(course_dir, only)
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    staging = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    copy_static(staging, STATIC)

    def one(chapter: Chapter) -> Chapter:
        began = time.perf_counter()
        try:
            notebook = execute(chapter.source)
        except CellExecutionError as error:
            raise ChapterFailedError(f"{chapter.source.name} failed while building the site "
                                     f"(run it in JupyterLab to see the cell):\n{error}") from None
        (staging / chapter.page).write_text(render_page(notebook, chapter, chapters),
                                            encoding="utf-8")
        log(f"  {chapter.page}: {time.perf_counter() - began:.1f} s")
        return chapter

    if not chapters:
        raise ValueError(f"no chapter notebooks (NN_name.ipynb) in {course_dir}")
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, chapters))
    (staging / "index.html").write_text(index_page(chapters), encoding="utf-8")
    shutil.rmtree(out_dir, ignore_errors=True)
    staging.rename(out_dir)  # a failed build leaves the previous site in place
    return SiteBuild(out_dir, chapters, time.perf_counter() - start)

"""The static course site (``make html``) opened offline: widgets and formulas render from local files.

The site is built once for the module (every chapter executed, as ``make html`` does) into a
temporary folder. The browser aborts every request that is not a ``file://`` URL, so a page that
still needs a CDN shows raw ``$$...$$`` or "Loading widget..." and the test fails.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from chromium_browser import chromium_context, require_chromium

pytestmark = [pytest.mark.slow]

WIDGET_CHAPTERS = {"02", "03", "04", "07"}
RAW_MATH = re.compile(r"\$\$[^$]+\$\$|\$[^$\s][^$]*\\[a-zA-Z]+[^$]*\$")  # TeX not typeset
# The widgets' icon font (Play, Step, ... buttons), fetched from the site's own files.
LOAD_ICONS = "async () => (await document.fonts.load('900 16px \"Font Awesome 5 Free\"', '\\uf04b')).length"
# The visible prose of the markdown cells, without code (where a $ may be literal).
PROSE = """() => [...document.querySelectorAll('.jp-MarkdownOutput')].map(cell => {
  const copy = cell.cloneNode(true);
  copy.querySelectorAll('code, pre, script, .MathJax_CHTML, .mjx-chtml').forEach(e => e.remove());
  return copy.textContent;
})"""


def _has_formulas(notebook_path) -> bool:
    """Whether the notebook's markdown (outside code spans) has ``$...$`` or ``$$...$$``."""
    notebook = nbformat.read(notebook_path, as_version=4)
    prose = " ".join(re.sub(r"`[^`]*`", "", c.source) for c in notebook.cells if c.cell_type == "markdown")
    return re.search(r"\$\$.+?\$\$|\$[^$\n]+\$", prose, re.S) is not None


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_chromium()
    from coursesite.assets import MissingAssetsError, ensure_node_modules
    from coursesite.build import build_site

    try:
        ensure_node_modules()  # npm ci on a fresh clone (CI has Node.js 20 and the npm registry)
    except MissingAssetsError as error:
        pytest.fail(str(error))
    result = build_site(tmp_path_factory.mktemp("site") / "html", jobs=1, log=lambda _m: None)
    print(f"site built in {result.seconds:.0f} s")
    return result


@pytest.fixture(scope="module")
def offline_browser():
    with chromium_context(1400, 900) as context:
        blocked: list[str] = []

        def only_files(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", only_files)
        context.blocked = blocked
        yield context


def test_site_has_an_index_and_a_page_per_chapter_with_navigation(site):
    from coursesite.build import find_chapters

    assert [c.page for c in site.chapters] == [c.page for c in find_chapters()]
    assert len(site.chapters) == 9
    index = site.index.read_text()
    for chapter in site.chapters:
        page = (site.out_dir / chapter.page).read_text()
        assert f'href="{chapter.page}" class="nnb-current"' in page  # its own link is marked
        assert f'href="{chapter.page}"' in index
        scripts = ["_static/mathjax/MathJax.js"]
        if chapter.page[:2] in WIDGET_CHAPTERS:
            scripts += ["_static/require.js", "@jupyter-widgets/html-manager/dist/embed-amd.js"]
        for local in scripts:
            assert local in page, f"{chapter.page} does not load {local}"


def test_every_chapter_renders_formulas_and_widgets_offline(site, offline_browser, screenshot_dir):
    page = offline_browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    for chapter in site.chapters:
        page.goto((site.out_dir / chapter.page).as_uri())
        number = chapter.page[:2]
        if _has_formulas(chapter.source):
            page.locator(".MathJax_CHTML, .mjx-chtml").first.wait_for(timeout=60_000)
        page.wait_for_function("() => !document.querySelector('.MathJax_Processing, "
                               ".MathJax_Preview:not(:empty)')", timeout=60_000)
        text = page.evaluate(PROSE)
        raw = [m.group(0) for t in text for m in [RAW_MATH.search(t)] if m]
        assert raw == [], f"{chapter.page}: formulas left as TeX offline: {raw[:3]}"
        if number in WIDGET_CHAPTERS:
            widget = page.locator(".jp-OutputArea-output [class*='nnb-'].widget-vbox").first
            widget.wait_for(timeout=60_000)
            assert widget.locator("img, .widget-slider, button").count() > 0
            assert "Loading widget" not in page.inner_text("body")
            assert page.evaluate(LOAD_ICONS) > 0, f"{chapter.page}: the icon font did not load"
            widget.scroll_into_view_if_needed()
            widget.screenshot(path=str(screenshot_dir / f"site-{number}-widget.png"))
        page.locator(".nnb-site-nav a.nnb-current").wait_for()
    print(f"screenshots: {screenshot_dir}")
    assert errors == []
    assert offline_browser.blocked == [], "the site asked the network for something"

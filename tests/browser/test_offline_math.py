"""Feedback pages show typeset formulas offline: pre-rendered to SVG by
:func:`coursesite.offline_math.offline_formulas` (a lone page, as nbgrader's exchange hands it to a
student), or with a local MathJax beside them (:func:`coursesite.offline_math.localize_mathjax`).

The page is rendered exactly as nbgrader's ``GenerateFeedback`` renders it (``HTMLExporter`` with
nbgrader's ``feedback`` template) from the released ex2 notebook, then opened in a browser that
aborts every non-``file://`` request.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from chromium_browser import chromium_context, require_chromium

REPO_ROOT = Path(__file__).resolve().parents[2]
RELEASED = REPO_ROOT / "course" / "exercises" / "ex2_xor" / "xor_mlp.ipynb"
TYPESET = ".MathJax_CHTML, .mjx-chtml"
PRERENDERED = "mjx-container svg"
RAW_TEX = re.compile(r"\$\$|\$[^$\s][^$]*\$|\\\(|\\\[")  # $$, $...$, \( or \[ left in the visible text


def _feedback_html(notebook_path: Path) -> str:
    import nbgrader
    from nbconvert import HTMLExporter

    formgrader = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    css = formgrader / "static" / "node_modules" / "bootstrap" / "dist" / "css"
    exporter = HTMLExporter(template_name="feedback",  # GenerateFeedback's settings
                            extra_template_basedirs=[str(formgrader / "templates")],
                            extra_template_paths=[str(css)])
    notebook = nbformat.read(notebook_path, as_version=4)
    max_score = 0.0
    for cell in notebook.cells:  # what nbgrader's GetGrades adds before the template runs
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("grade") or grading.get("task"):
            grading["score"] = 0.0
            max_score += float(grading.get("points", 0))
    resources = {"nbgrader": {"notebook": notebook_path.stem, "score": 0.0, "max_score": max_score,
                              "late_penalty": 0.0}}
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    return body


def _typeset_count(context, page_path: Path) -> tuple[int, str]:
    """How many formulas MathJax typeset on the page, and the page's visible text."""
    page = context.new_page()
    try:
        page.goto(page_path.as_uri())
        page.wait_for_load_state("load")
        if page.evaluate("() => typeof window.MathJax !== 'undefined'"):  # loaded: wait for it
            page.locator(TYPESET).first.wait_for(timeout=30_000)
        return page.locator(TYPESET).count(), page.inner_text("body")
    finally:
        page.close()


def test_feedback_page_formulas_render_offline(tmp_path):
    require_chromium()
    from coursesite.assets import MissingAssetsError, ensure_node_modules
    from coursesite.offline_math import localize_mathjax

    try:
        ensure_node_modules()
    except MissingAssetsError as error:
        pytest.fail(str(error))
    root = tmp_path / "feedback"
    page = root / "student1" / "ex2_xor" / "xor_mlp.html"
    page.parent.mkdir(parents=True)
    page.write_text(_feedback_html(RELEASED), encoding="utf-8")
    with chromium_context(1200, 900, offline=True) as context:
        before, text = _typeset_count(context, page)
        assert before == 0 and "$$" in text  # the defect: raw TeX without the CDN
        assert localize_mathjax([page], root) == [page]
        after, text = _typeset_count(context, page)
        assert after > 0 and "$$" not in text
        moved = tmp_path / "zipped-and-unpacked"  # relative URLs: the folder can travel
        shutil.copytree(root, moved)
        assert _typeset_count(context, moved / "student1" / "ex2_xor" / "xor_mlp.html")[0] == after
    assert localize_mathjax([page], root) == []  # already local: nothing to change


def test_lone_feedback_page_shows_prerendered_formulas_offline(tmp_path):
    """What a student gets from the exchange: the one .html file, no _static folder beside it."""
    require_chromium()
    from coursesite.offline_math import offline_formulas

    root = tmp_path / "feedback"
    page = root / "student1" / "ex2_xor" / "xor_mlp.html"
    page.parent.mkdir(parents=True)
    page.write_text(_feedback_html(RELEASED), encoding="utf-8")
    warnings = []
    assert offline_formulas([page], root, warn=warnings.append) is None
    assert warnings == []  # every formula of the released notebook parses
    assert not (root / "_static").exists()  # nothing beside the page is needed
    alone = tmp_path / "fetched" / page.name  # as nbgrader's exchange copies it
    alone.parent.mkdir()
    shutil.copy2(page, alone)
    with chromium_context(1200, 900, offline=True, java_script_enabled=False) as context:
        view = context.new_page()
        view.goto(alone.as_uri())
        view.wait_for_load_state("load")
        formulas = view.locator(PRERENDERED)
        assert formulas.count() >= 10
        box = formulas.first.bounding_box()  # drawn, with a size: the inline CSS applies
        assert box is not None and box["width"] > 0 and box["height"] > 0
        text = view.inner_text("body")
        assert "Score" in text
        prose = view.evaluate(  # the markdown cells' visible text (code cells may hold a $)
            "() => Array.from(document.querySelectorAll('.jp-MarkdownOutput, .text_cell_render'))"
            ".map(e => e.innerText).join('\\n')")
        assert prose.strip() and not RAW_TEX.search(prose), RAW_TEX.search(prose)
        view.close()


def test_localize_mathjax_refuses_pages_outside_the_root(tmp_path):
    from coursesite.offline_math import localize_mathjax

    (tmp_path / "a.html").write_text("<html></html>")
    with pytest.raises(ValueError, match="must lie under"):
        localize_mathjax([tmp_path / "a.html"], tmp_path / "feedback")


def test_offline_formulas_reports_instead_of_raising(tmp_path, monkeypatch):
    from coursesite import assets, offline_math

    page = tmp_path / "feedback" / "s" / "a" / "nb.html"
    page.parent.mkdir(parents=True)
    page.write_text('<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js"></script>')
    monkeypatch.setattr(offline_math, "prerender_math", lambda pages, **_: "no node")
    monkeypatch.setattr(offline_math, "ensure_node_modules",
                        lambda install=False: (_ for _ in ()).throw(assets.MissingAssetsError("npm ci")))
    message = offline_math.offline_formulas([page], tmp_path / "feedback")
    assert "no node" in message and "npm ci" in message and "cdnjs" in page.read_text()  # the page is left as it was

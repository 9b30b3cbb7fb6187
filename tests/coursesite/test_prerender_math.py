"""coursesite.prerender_math: TeX in a page becomes inline SVG, everything else stays as it was."""

from __future__ import annotations

import shutil

import pytest

from coursesite import offline_math
from coursesite.assets import SITE_DIR, find_node_module
from coursesite.prerender_math import MATHJAX_FULL, prerender_math

CDN = ('<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js'
       '?config=TeX-AMS_CHTML-full,Safe"> </script>')
PAGE = f"""<!DOCTYPE html><html><head><title>nb</title>{CDN}</head><body>
<p>Above the line $y = x$, with \\(a &lt; b\\), for \\$5.</p>
<p>$$\\sigma(z) = \\frac{{1}}{{1 + e^{{-z}}}}$$</p>
<pre><code>price = "$5" + "$6"  # $not math$</code></pre>
<script>var s = "$a$";</script>
<p>Broken: $x^1^2$ stays.</p>
</body></html>"""


@pytest.fixture
def page(tmp_path):
    if shutil.which("node") is None:
        pytest.skip("pre-rendering needs Node.js: apt-get install -y nodejs npm")
    if find_node_module(MATHJAX_FULL) is None:
        pytest.fail(f"mathjax-full is not installed: run npm ci --prefix {SITE_DIR} (make test does)")
    path = tmp_path / "feedback" / "s1" / "ex" / "nb.html"
    path.parent.mkdir(parents=True)
    path.write_text(PAGE, encoding="utf-8")
    return path


def test_formulas_become_svg_and_code_is_untouched(page):
    warnings = []
    assert prerender_math([page], warn=warnings.append) is None
    html = page.read_text(encoding="utf-8")
    assert html.count("<mjx-container") == 3 and html.count("<svg") >= 3
    assert 'display="true"' in html  # the $$ formula is displayed
    assert "$y = x$" not in html and "\\sigma" not in html
    assert "for $5." in html  # \$ is a literal dollar, shown without its backslash
    assert '<pre><code>price = "$5" + "$6"  # $not math$</code></pre>' in html
    assert '<script>var s = "$a$";</script>' in html
    assert "cdnjs" not in html and '<style id="MJX-SVG-styles">' in html
    assert "Broken: $x^1^2$ stays." in html  # left as TeX ...
    assert len(warnings) == 1 and "x^1^2" in warnings[0] and "Double exponent" in warnings[0]  # ... and reported
    assert prerender_math([page], warn=warnings.append) is None
    assert page.read_text(encoding="utf-8") == html  # a second run changes nothing


def test_missing_node_falls_back_to_local_mathjax(page, monkeypatch):
    reason = prerender_math([page], node="/nonexistent/node")
    assert reason is not None and "Node.js" in reason
    assert page.read_text(encoding="utf-8") == PAGE
    root = page.parents[2]
    monkeypatch.setattr(offline_math, "prerender_math", lambda pages, **_: reason)
    message = offline_math.offline_formulas([page], root)
    assert "Node.js" in message and "_static" in message
    html = page.read_text(encoding="utf-8")
    assert "cdnjs" not in html and 'src="../../_static/mathjax/MathJax.js?config=' in html
    assert "$y = x$" in html  # not pre-rendered: the local MathJax typesets it in the browser


def test_missing_mathjax_full_and_timeout_leave_the_page(page, tmp_path):
    assert "npm ci" in prerender_math([page], node_modules=tmp_path / "empty")
    assert "took over" in prerender_math([page], timeout=0.01)
    assert page.read_text(encoding="utf-8") == PAGE
    assert not list(page.parent.glob("*.typeset-tmp"))

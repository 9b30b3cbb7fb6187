"""The JavaScript a static page needs, from local files instead of a CDN.

nbconvert's HTML pages load require.js, the widget renderer (``@jupyter-widgets/html-manager``'s
``embed-amd.js``) and MathJax from CDNs, so offline neither widgets nor formulas render. The
three npm packages of ``site/package.json`` (installed with ``npm ci`` into ``site/node_modules``)
hold the same files; :func:`copy_static` copies what a page uses next to the pages (``_static/``,
and ``@jupyter-widgets/html-manager/dist/`` where the renderer's CSS expects its icon fonts), and
:func:`exporter_settings` points an ``HTMLExporter`` at them by relative URLs,
so a folder of pages works from ``file://``, on any web server, and when moved elsewhere.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parents[1] / "site"
NODE_MODULES = SITE_DIR / "node_modules"
# where classroom.environment installs site/package-lock.json into the hub's environment (the
# course copy there runs an installed coursesite, which has no site/ folder beside it)
ENV_NODE_MODULES = Path(sys.prefix) / "site" / "node_modules"
WIDGETS_DIST = Path("@jupyter-widgets") / "html-manager" / "dist"
REQUIRE_JS = Path("requirejs") / "require.js"
MATHJAX = Path("mathjax")
# MathJax 2 (the version nbconvert's template configures) with the TeX input, the CommonHTML
# output and its TeX web fonts: what "TeX-AMS_CHTML-full,Safe" loads.
MATHJAX_PARTS = (
    "MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js", "extensions", "jax/input",
    "jax/element", "jax/output/CommonHTML", "fonts/HTML-CSS/TeX/woff", "localization/en",
)
MATHJAX_CONFIG = "TeX-AMS_CHTML-full,Safe"
FONT_SUFFIXES = {".woff", ".woff2", ".ttf", ".eot", ".svg"}


class MissingAssetsError(RuntimeError):
    """The npm packages are not installed (and could not be)."""


def ensure_node_modules(install: bool = True) -> Path:
    """``site/node_modules`` (or the environment's copy), installed with ``npm ci`` first when missing
    (``install=True``)."""
    for candidate in (NODE_MODULES, ENV_NODE_MODULES):
        if _complete(candidate):
            return candidate
    if not install:
        raise MissingAssetsError(f"the site's JavaScript is not installed in {NODE_MODULES}; "
                                 f"run: npm ci --prefix {SITE_DIR}   (or make html)")
    npm = shutil.which("npm")
    if npm is None:
        raise MissingAssetsError("building the site needs npm (Node.js 20) for its offline "
                                 "JavaScript: install nodejs/npm, then run make html again")
    result = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefix", str(SITE_DIR)],
                            capture_output=True, text=True)
    if result.returncode != 0 or not _complete(NODE_MODULES):
        raise MissingAssetsError(f"npm ci in {SITE_DIR} failed:\n{result.stderr[-2000:]}")
    return NODE_MODULES


def find_node_module(relative: Path | str) -> Path | None:
    """The ``node_modules`` folder (the repository's ``site/``, else the environment's) holding
    ``relative`` (e.g. ``mathjax-full/js/mathjax.js``), or None when neither has it."""
    for candidate in (NODE_MODULES, ENV_NODE_MODULES):
        if (candidate / relative).is_file():
            return candidate
    return None


def _complete(node_modules: Path) -> bool:
    return all((node_modules / part).exists()
               for part in (WIDGETS_DIST / "embed-amd.js", REQUIRE_JS, MATHJAX / "MathJax.js"))


def copy_static(site: Path, static: str = "_static", node_modules: Path | None = None) -> Path:
    """Copy require.js and MathJax into ``site/static``, and the widget renderer into
    ``site/@jupyter-widgets/html-manager/dist`` (where its CSS looks for its icon fonts,
    relative to the page). Returns ``site``."""
    source = ensure_node_modules() if node_modules is None else node_modules
    destination = site / static
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / REQUIRE_JS, destination / "require.js")
    shutil.copytree(source / WIDGETS_DIST, site / WIDGETS_DIST, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("*.map", "*.LICENSE.txt", "embed.js"))
    fonts = [p for p in (source / WIDGETS_DIST).iterdir() if p.suffix in FONT_SUFFIXES]
    for font in fonts:  # a second stylesheet looks for the same fonts one folder up
        shutil.copy2(font, site / WIDGETS_DIST.parts[0] / font.name)
    copy_mathjax(destination / "mathjax", source)
    return site


def copy_mathjax(destination: Path, node_modules: Path | None = None) -> Path:
    """Copy the parts of MathJax 2 that ``MATHJAX_CONFIG`` loads into ``destination``."""
    source = ensure_node_modules() if node_modules is None else node_modules
    for part in MATHJAX_PARTS:
        origin, target = source / MATHJAX / part, destination / part
        if origin.is_dir():
            shutil.copytree(origin, target, dirs_exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target)
    return destination


def exporter_settings(static_url: str) -> dict[str, str]:
    """``HTMLExporter`` traits that load everything from the site (``static_url``, e.g.
    ``"_static"``, relative to pages in the site's root folder, as :func:`copy_static` made it)."""
    base = static_url.rstrip("/")
    return {
        "require_js_url": f"{base}/require.js",
        "widget_renderer_url": f"{WIDGETS_DIST.as_posix()}/embed-amd.js",
        "mathjax_url": f"{base}/mathjax/MathJax.js?config={MATHJAX_CONFIG}",
    }

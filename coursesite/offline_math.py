"""Formulas in pages handed to students (nbgrader feedback) that render offline.

nbgrader's feedback template calls nbconvert's ``mathjax()`` macro without an argument, so the
page always loads MathJax from cdnjs and ignores ``HTMLExporter.mathjax_url``: opened offline it
shows raw ``$$\\sigma(z) = ...$$``. :func:`offline_formulas` first pre-renders the formulas to SVG
(:mod:`coursesite.prerender_math`, needs node and npm ``mathjax-full``): a lone page then shows
them, as nbgrader's exchange hands it to a student. Failing that, :func:`localize_mathjax` copies
MathJax 2 (from ``site/node_modules``, see :mod:`coursesite.assets`) into ``<root>/_static/mathjax``
once and points each page's MathJax ``<script>`` at it by a relative URL, so the pages work while
the whole ``root`` folder (e.g. ``autograder/feedback/``) is copied or zipped; failing that too,
the pages keep loading MathJax from the CDN.

Hook for ``autograder/feedback.py`` (after the pages are checked, before they are returned)::

    offline_formulas(pages, layout.feedback_dir)   # never raises: a page keeps its CDN MathJax
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from coursesite.assets import MATHJAX_CONFIG, MissingAssetsError, copy_mathjax, ensure_node_modules
from coursesite.prerender_math import prerender_math

MATHJAX_CDN = re.compile(r'src="https?://[^"]*/mathjax/[^"]*"', re.IGNORECASE)
STATIC = "_static"


def localize_mathjax(pages: Iterable[Path], root: Path, install: bool = False) -> list[Path]:
    """Make the MathJax of ``pages`` (HTML files under ``root``) load from ``root/_static``.

    Returns the pages that were changed. ``install=True`` runs ``npm ci`` when the JavaScript is
    missing; otherwise :class:`~coursesite.assets.MissingAssetsError` says how to install it.
    Pages outside ``root`` raise ``ValueError`` (their relative URL would break).
    """
    root = Path(root).resolve()
    pages = [Path(p).resolve() for p in pages]
    outside = [p for p in pages if not p.is_relative_to(root)]
    if outside:
        raise ValueError(f"pages must lie under {root} (the folder handed out): {outside[:3]}")
    mathjax_dir = root / STATIC / "mathjax"
    if pages and not (mathjax_dir / "MathJax.js").is_file():
        copy_mathjax(mathjax_dir, ensure_node_modules(install=install))
    changed = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        relative = Path(os.path.relpath(mathjax_dir / "MathJax.js", page.parent)).as_posix()
        local, count = MATHJAX_CDN.subn(f'src="{relative}?config={MATHJAX_CONFIG}"', text)
        if count:
            page.write_text(local, encoding="utf-8")
            changed.append(page)
    return changed


def offline_formulas(pages: Iterable[Path], root: Path, warn: Callable[[str], None] | None = None) -> str | None:
    """Offline formulas for a pipeline that must not fail on them (feedback): pre-rendered SVG,
    else a local MathJax under ``root`` (:func:`localize_mathjax`), else the CDN as before.

    Returns None when the formulas were pre-rendered (each page works alone), else why not.
    Formulas that do not parse stay TeX and go to ``warn`` (default: stderr).
    """
    pages = list(pages)
    reason = prerender_math(pages) if warn is None else prerender_math(pages, warn=warn)
    if reason is None:
        return None
    try:
        localize_mathjax(pages, root)
    except (MissingAssetsError, OSError, ValueError) as error:
        return f"{reason}; feedback formulas need the internet to render: {error}"
    return f"{reason}; formulas render offline only beside {Path(root) / STATIC / 'mathjax'}"

"""The ✓/✗ table of a test cell's named checks, as text (console) and HTML (JupyterLab).

The data is :meth:`CheckSet.summary`: ``{"name", "points", "score", "tampered", "checks": [{
"description", "passed", "hidden", "weight", "hint", "error"}]}``. It also travels in the
cell's output under :data:`CHECKS_MIME`, where the grading pipeline finds it.
"""

from __future__ import annotations

import html
from typing import Any

CHECKS_MIME = "application/vnd.nnbasics.checks+json"
PASS_MARK, FAIL_MARK = "\u2713", "\u2717"


def _row_lines(check: dict[str, Any]) -> tuple[str, list[str]]:
    """The row's headline and its detail lines (error, hint) for a failed check."""
    mark = PASS_MARK if check["passed"] else FAIL_MARK
    label = " (hidden)" if check.get("hidden") else ""
    details = []
    if not check["passed"]:
        error = check.get("error", "")
        hint = check.get("hint", "")
        if error:
            details.append(error)
        tag = hint.split(":", 1)[0] if hint.startswith("Hint [") else hint
        if hint and tag not in error:  # the error's own message may already carry this hint
            details.append(hint)
    return f"{mark} {check['description']}{label}", details


def _headline(data: dict[str, Any]) -> str:
    checks = data["checks"]
    passed = sum(1 for check in checks if check["passed"])
    return (
        f"{data['name']}: {passed} of {len(checks)} checks passed, "
        f"{data['score']:g} of {data['points']:g} points"
    )


_TAMPERED = "numpy was modified by the notebook's code, so no check can be trusted: 0 points."


def render_text(data: dict[str, Any]) -> str:
    """The table as plain text, one line per check, failures followed by their details."""
    lines = [_headline(data)]
    for check in data["checks"]:
        headline, details = _row_lines(check)
        lines.append("  " + headline)
        lines += ["      " + detail for detail in details]
    if data.get("tampered"):
        lines.append("  " + _TAMPERED)
    return "\n".join(lines)


def render_html(data: dict[str, Any]) -> str:
    """The table as an HTML ``<table>`` (all text escaped)."""
    rows = []
    for check in data["checks"]:
        headline, details = _row_lines(check)
        colour = "#1a7f37" if check["passed"] else "#cf222e"
        detail_html = "".join(
            f'<div style="color:#57606a;margin-left:1.5em">{html.escape(d)}</div>' for d in details
        )
        rows.append(
            f'<tr><td style="text-align:left;color:{colour}">{html.escape(headline)}{detail_html}</td></tr>'
        )
    if data.get("tampered"):
        rows.append(f'<tr><td style="text-align:left;color:#cf222e">{html.escape(_TAMPERED)}</td></tr>')
    return (
        f'<table class="nnbasics-checks"><thead><tr><th style="text-align:left">'
        f"{html.escape(_headline(data))}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )

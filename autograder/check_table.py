"""The per-check table of a test cell, as the grading pipeline shows it to a student.

Exercise test cells run their named checks through ``nnbasics.grading.CheckSet``, which puts the
results in the cell's output under :data:`CHECKS_MIME` (the autograder never imports
``nnbasics``; this is the data contract): ``{"name", "points", "score", "tampered", "checks":
[{"description", "passed", "hidden", "weight", "hint", "error"}]}``.

:func:`student_table` keeps only what a student may read: each check's description, pass/fail,
hint, and for a failed *visible* check its ``"Type: message"``; a failed hidden check keeps only
the exception's type. :func:`render_text`/:func:`render_html` draw that table again from those
fields alone, so no other text of the cell's output can reach the feedback.
"""

from __future__ import annotations

import html
from typing import Any

CHECKS_MIME = "application/vnd.nnbasics.checks+json"
PASS_MARK, FAIL_MARK = "\u2713", "\u2717"
_TAMPERED = "numpy was modified by the notebook's code, so no check can be trusted: 0 points."


def _text(value: Any, limit: int = 2000) -> str:
    return str(value or "")[:limit]


def student_table(data: Any) -> dict[str, Any] | None:
    """The student-safe copy of a check table (None when ``data`` is not one)."""
    if not isinstance(data, dict) or not isinstance(data.get("checks"), list):
        return None
    checks = []
    for check in data["checks"]:
        if not isinstance(check, dict):
            continue
        hidden = bool(check.get("hidden", True))
        error = _text(check.get("error"))
        if hidden:
            error = error.split(":", 1)[0].strip()  # the exception's type only
        checks.append({
            "description": _text(check.get("description"), 300),
            "passed": bool(check.get("passed")),
            "hidden": hidden,
            "hint": _text(check.get("hint")),
            "error": "" if check.get("passed") else error,
        })
    try:
        score, points = float(data.get("score", 0.0)), float(data.get("points", 0.0))
    except (TypeError, ValueError):
        score, points = 0.0, 0.0
    return {
        "name": _text(data.get("name"), 100), "points": points, "score": score,
        "tampered": bool(data.get("tampered")), "checks": checks,
    }


def failed_messages(table: dict[str, Any]) -> list[str]:
    """One line per failed check: ``"✗ description: error. hint"`` (hidden checks: type only)."""
    messages = []
    for check in table["checks"]:
        if check["passed"]:
            continue
        label = " (hidden)" if check["hidden"] else ""
        details = " ".join(filter(None, _details(check)))
        messages.append(f"{FAIL_MARK} {check['description']}{label}" + (f": {details}" if details else ""))
    if table.get("tampered"):
        messages.append(_TAMPERED)
    return messages


def _details(check: dict[str, Any]) -> list[str]:
    if check["passed"]:
        return []
    error, hint = check["error"], check["hint"]
    tag = hint.split(":", 1)[0] if hint.startswith("Hint [") else hint
    return [error] + ([hint] if hint and tag not in error else [])


def _headline(table: dict[str, Any]) -> str:
    passed = sum(1 for check in table["checks"] if check["passed"])
    return (
        f"{table['name']}: {passed} of {len(table['checks'])} checks passed, "
        f"{table['score']:g} of {table['points']:g} points"
    )


def render_text(table: dict[str, Any]) -> str:
    """The table as plain text: a headline, then one line per check and its details."""
    lines = [_headline(table)]
    for check in table["checks"]:
        mark = PASS_MARK if check["passed"] else FAIL_MARK
        lines.append(f"  {mark} {check['description']}" + (" (hidden)" if check["hidden"] else ""))
        lines += [f"      {detail}" for detail in _details(check) if detail]
    if table["tampered"]:
        lines.append("  " + _TAMPERED)
    return "\n".join(lines)


def render_html(table: dict[str, Any]) -> str:
    """The table as escaped HTML."""
    rows = []
    for check in table["checks"]:
        mark = PASS_MARK if check["passed"] else FAIL_MARK
        colour = "#1a7f37" if check["passed"] else "#cf222e"
        label = " (hidden)" if check["hidden"] else ""
        details = "".join(
            f'<div style="color:#57606a;margin-left:1.5em">{html.escape(d)}</div>'
            for d in _details(check) if d
        )
        headline = f"{mark} {check['description']}{label}"
        rows.append(
            f'<tr><td style="text-align:left;color:{colour}">{html.escape(headline)}{details}</td></tr>'
        )
    if table["tampered"]:
        rows.append(f'<tr><td style="text-align:left;color:#cf222e">{html.escape(_TAMPERED)}</td></tr>')
    return (
        f'<table class="nnbasics-checks"><thead><tr><th style="text-align:left">'
        f"{html.escape(_headline(table))}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )

"""The hidden tests' source lines, to prove that a student-facing file does not contain them."""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat

BEGIN = "BEGIN HIDDEN TESTS"
MIN_LINE_LENGTH = 8
_TAG = re.compile(r"<[^>]*>")
END = "END HIDDEN TESTS"


def hidden_test_lines(source: Path, released: Path | None = None) -> set[str]:
    """Stripped, non-empty lines inside ``### BEGIN/END HIDDEN TESTS`` blocks of ``source``.

    Lines that also occur outside those blocks (in the solutions, the visible tests, or the
    ``released`` notebook: e.g. a loop header the solution shares) are left out, since finding
    them in a student-facing file proves nothing.
    """
    hidden: set[str] = set()
    public: set[str] = set()
    for cell in nbformat.read(source, as_version=4).cells:
        inside = False
        for line in cell.source.splitlines():
            if BEGIN in line:
                inside = True
            elif END in line:
                inside = False
            elif line.strip():
                (hidden if inside else public).add(line.strip())
    if released is not None and released.exists():
        public |= {
            line.strip()
            for cell in nbformat.read(released, as_version=4).cells
            for line in cell.source.splitlines()
        }
    return hidden - public


def leaked_lines(text: str, hidden: set[str]) -> list[str]:
    """Hidden lines that occur as whole lines of ``text`` (plain or HTML, tags and entities
    removed), sorted. Trivial lines (``pass``, ``)``...) are ignored: they prove nothing."""
    plain = html.unescape(_TAG.sub("", text))
    present = {line.strip() for line in plain.splitlines()} | {line.strip() for line in text.splitlines()}
    return sorted(line for line in hidden if len(line) >= MIN_LINE_LENGTH and line in present)

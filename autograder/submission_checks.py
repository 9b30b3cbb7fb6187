"""Checks on a submitted assignment folder before anything runs: files present and readable."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat


def notebook_problem(path: Path) -> str | None:
    """Why ``path`` is not a gradable notebook, or None if it is one."""
    name = path.name
    if not path.exists():
        return f"missing notebook: {name}"
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return f"invalid notebook {name}: cannot be read ({error})"
    if not raw.strip():
        return f"invalid notebook {name}: the file is empty"
    try:
        json.loads(raw)
    except json.JSONDecodeError as error:
        return f"invalid notebook {name}: not valid JSON ({error.msg} at line {error.lineno})"
    try:
        notebook = nbformat.reads(raw, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # noqa: BLE001 - nbformat raises several error types
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"invalid notebook {name}: not in the Jupyter notebook format ({first_line})"
    return None


def submission_problems(folder: Path, notebooks: list[str]) -> list[str]:
    """Every problem of a submission folder that should hold ``notebooks`` (names, no suffix)."""
    if not folder.is_dir():
        return [f"missing submission folder: {folder}"]
    problems = []
    for name in notebooks:
        problem = notebook_problem(folder / f"{name}.ipynb")
        if problem:
            problems.append(problem)
    if problems and any(p.startswith("missing notebook") for p in problems):
        found = sorted(p.name for p in folder.glob("*.ipynb"))
        problems.append(f"notebooks found: {', '.join(found) or 'none'}")
    return problems


def submission_fingerprint(folder: Path) -> str:
    """SHA-256 over the relative paths and bytes of every file under ``folder`` ("" if absent):
    equal fingerprints mean the same submitted files (the resume rule of autograde)."""
    if not folder.is_dir():
        return ""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()

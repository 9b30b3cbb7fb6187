"""The class roster: who is who, for the gradebook's names (formgrader) and the LMS grade exports.

A CSV file: the path in ``NNBASICS_ROSTER``, else ``autograder/roster.csv``, else the JupyterHub
class roster ``NNBASICS_HUB_ROSTER`` (:mod:`classroom.roster` parses it with the same :func:`parse_people`). Columns
``username,role,name,email,sis_id,section``; only ``username`` is required, role ``student``
(default) or ``instructor``. The header line is optional (without one the columns are in that
order) and ``#`` lines are comments, as in the hub's roster. Without a roster the exports fall
back to the nbgrader student id (the JupyterHub username).
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from autograder.layout import CourseLayout

ROSTER_ENV = "NNBASICS_ROSTER"
HUB_ROSTER_ENV = "NNBASICS_HUB_ROSTER"
COLUMNS = ("username", "role", "name", "email", "sis_id", "section")
ROLES = ("student", "instructor")


class RosterError(ValueError):
    """The roster file is malformed."""


@dataclass(frozen=True)
class Person:
    """One roster line (empty strings for columns the roster leaves out)."""

    username: str
    role: str = "student"
    name: str = ""
    email: str = ""
    sis_id: str = ""
    section: str = ""

    @property
    def is_instructor(self) -> bool:
        return self.role == "instructor"

    @property
    def first_and_last_name(self) -> tuple[str, str]:
        """("Ada", "Lovelace") from "Ada Lovelace" or "Lovelace, Ada"; the username if no name."""
        name = self.name.strip() or self.username
        if "," in name:
            last, first = (part.strip() for part in name.split(",", 1))
            return first, last
        first, _, last = name.rpartition(" ")
        return (first, last) if first else (name, "")


def roster_path(layout: CourseLayout) -> Path:
    configured = os.environ.get(ROSTER_ENV, "").strip()
    if configured:
        return Path(configured)
    local, hub = layout.work_dir / "roster.csv", os.environ.get(HUB_ROSTER_ENV, "").strip()
    return Path(hub) if hub and not local.exists() else local


def parse_people(text: str, source: str = "roster") -> dict[str, Person]:
    """username -> :class:`Person` of roster CSV ``text``; raises :class:`RosterError` naming the
    first bad line as ``<source>:<line>: ...`` and the fix."""
    lines = [
        (number, line) for number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    rows = [(number, [cell.strip() for cell in cells])
            for (number, _), cells in zip(lines, csv.reader(line for _, line in lines), strict=True)]
    header = list(COLUMNS)
    if rows and any(cell.lower() in COLUMNS for cell in rows[0][1]):
        header = [cell.lower() for cell in rows.pop(0)[1]]
        if "username" not in header:
            raise RosterError(f"{source}: no 'username' column; the header must be {','.join(COLUMNS)}")
    people: dict[str, Person] = {}
    for line, cells in rows:
        if len(cells) > len(header):
            raise RosterError(f"{source}:{line}: {len(cells)} columns, but the roster has {len(header)} "
                              f"({','.join(header)}); quote a name that holds a comma")
        values = dict(zip(header, cells, strict=False))
        username = values.get("username", "")
        role = (values.get("role", "") or "student").lower()
        if not username:
            raise RosterError(f"{source}:{line}: empty username")
        if role not in ROLES:
            raise RosterError(f"{source}:{line}: role {role!r} of {username}; use one of {ROLES}")
        if username in people:
            raise RosterError(f"{source}:{line}: {username} is listed twice")
        people[username] = Person(username, role, *(values.get(key, "") for key in COLUMNS[2:]))
    return people


def read_roster(layout: CourseLayout) -> dict[str, Person] | None:
    """username -> :class:`Person` of the roster, or None when there is no roster file."""
    path = roster_path(layout)
    if not path.exists():
        if os.environ.get(ROSTER_ENV, "").strip():
            raise RosterError(f"{ROSTER_ENV}={path} does not exist; unset it or point it at the roster CSV")
        return None
    return parse_people(path.read_text(encoding="utf-8"), str(path))

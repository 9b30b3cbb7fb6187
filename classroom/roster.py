"""The class list: a CSV file with one person per line, ``username,role`` (role ``instructor`` or
``student``). A header line ``username,role`` and ``#`` comments are allowed. Example:
``classroom/roster.example.csv``.

Usernames become Unix accounts and nbgrader student ids, so they follow Debian's rules for user
names (lower-case letter first, then lower-case letters, digits, ``-`` and ``_``, at most 32).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

ROLES = ("instructor", "student")
_USERNAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


class RosterError(ValueError):
    """The roster file is missing or has a bad line; the message names the line and the fix."""


@dataclass(frozen=True)
class Person:
    username: str
    role: str

    @property
    def is_instructor(self) -> bool:
        return self.role == "instructor"


@dataclass(frozen=True)
class Roster:
    people: tuple[Person, ...]

    @property
    def instructors(self) -> list[str]:
        return [p.username for p in self.people if p.is_instructor]

    @property
    def students(self) -> list[str]:
        return [p.username for p in self.people if not p.is_instructor]

    def role_of(self, username: str) -> str | None:
        return next((p.role for p in self.people if p.username == username), None)


def check_username(name: str, where: str = "") -> str:
    if not _USERNAME.match(name):
        raise RosterError(
            f"{where}invalid username {name!r}: use a lower-case letter first, then lower-case letters, "
            "digits, '-' or '_' (at most 32 characters), as for Unix accounts"
        )
    return name


def parse_roster(text: str, source: str = "roster") -> Roster:
    """Parse roster CSV text; raises :class:`RosterError` naming the first bad line."""
    people: dict[str, Person] = {}
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [cell.strip() for cell in row]
        if not cells or not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and [c.lower() for c in cells[:2]] == ["username", "role"]:
            continue
        where = f"{source} line {number}: "
        if len(cells) != 2:
            raise RosterError(f"{where}expected 'username,role', got {','.join(cells)!r}")
        name, role = check_username(cells[0], where), cells[1].lower()
        if role not in ROLES:
            raise RosterError(f"{where}role must be 'instructor' or 'student', got {cells[1]!r}")
        if name in people:
            raise RosterError(f"{where}{name!r} is listed twice")
        people[name] = Person(name, role)
    roster = Roster(tuple(people.values()))
    if not roster.instructors:
        raise RosterError(f"{source}: no instructor; add a line 'yourname,instructor'")
    return roster


def load_roster(path: Path) -> Roster:
    path = Path(path)
    if not path.is_file():
        raise RosterError(
            f"roster {path} not found: copy classroom/roster.example.csv, list your class "
            "(username,role per line) and pass it as ROSTER=path"
        )
    return parse_roster(path.read_text(), str(path))

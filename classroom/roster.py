"""The class list: the course's roster CSV (:mod:`autograder.roster`), one person per line,
``username,role[,name,email,sis_id,section]``, role ``instructor`` or ``student``. A header line
and ``#`` comments are allowed. Example: ``classroom/roster.example.csv``.

Usernames become Unix accounts and nbgrader student ids, so they follow Debian's rules for user
names (lower-case letter first, then lower-case letters, digits, ``-`` and ``_``, at most 32). The
names go into the gradebook, so formgrader and the LMS exports show them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from autograder.roster import Person, RosterError, parse_people

__all__ = ["Person", "Roster", "RosterError", "check_username", "load_roster", "parse_roster"]

_USERNAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


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
    people = parse_people(text, source)
    for person in people.values():
        check_username(person.username, f"{source}: ")
    roster = Roster(tuple(people.values()))
    if not roster.instructors:
        raise RosterError(f"{source}: no instructor; add a line 'yourname,instructor'")
    return roster


def load_roster(path: Path) -> Roster:
    path = Path(path)
    if not path.is_file():
        raise RosterError(
            f"roster {path} not found: copy classroom/roster.example.csv, list your class "
            "(username,role[,name,email] per line) and pass it as ROSTER=path"
        )
    return parse_roster(path.read_text(encoding="utf-8"), str(path))

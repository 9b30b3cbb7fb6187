"""Due dates, kept where nbgrader keeps them: ``Assignment.duedate`` in the gradebook.

``set-due ASSIGNMENT "YYYY-MM-DD HH:MM[:SS][ TZ]"`` stores one (formgrader shows it, nbgrader
computes each submission's ``total_seconds_late`` from it, and the late policy of
:mod:`autograder.late_policy` penalises by it); ``--clear`` removes it. TZ is an offset
(``+0200``), ``UTC`` or a zone name (``Europe/Berlin``); without one the time is UTC. nbgrader
stores due dates as naive UTC datetimes.
"""

from __future__ import annotations

import re
from datetime import datetime

import dateutil.tz
from nbgrader.api import MissingEntry

from autograder.gradebook import open_gradebook
from autograder.layout import CourseLayout

_DUE_FORMAT = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}(?::\d{2})?)(?: (\S+))?$")
FORMAT_HINT = 'use "YYYY-MM-DD HH:MM[:SS][ TZ]", e.g. "2026-12-01 23:59 Europe/Berlin" or "2026-12-01 23:59:00 +0100"'


def parse_due_date(text: str) -> datetime:
    """``"YYYY-MM-DD HH:MM[:SS][ TZ]"`` -> naive UTC datetime; ValueError saying what is wrong."""
    match = _DUE_FORMAT.match(text.strip())
    if not match:
        raise ValueError(f"invalid due date {text!r}: {FORMAT_HINT}")
    stamp, zone = match.groups()
    try:
        local = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S" if stamp.count(":") == 2 else "%Y-%m-%d %H:%M")
    except ValueError as error:
        raise ValueError(f"invalid due date {text!r}: {error}; {FORMAT_HINT}") from None
    if zone is None:
        return local
    tz = _timezone(zone)
    if tz is None:
        raise ValueError(f"unknown time zone {zone!r} in {text!r}: use an offset like +0100, UTC, "
                         "or a zone name like Europe/Berlin")
    aware = local.replace(tzinfo=tz)
    return (aware - aware.utcoffset()).replace(tzinfo=None)


def _timezone(zone: str):
    if re.fullmatch(r"[+-]\d{4}", zone):
        sign = 1 if zone[0] == "+" else -1
        return dateutil.tz.tzoffset(zone, sign * (int(zone[1:3]) * 3600 + int(zone[3:]) * 60))
    return dateutil.tz.gettz(zone)


def set_due_date(layout: CourseLayout, assignment: str, due: datetime | None) -> datetime | None:
    """Store (or with ``None`` remove) ``assignment``'s due date (naive UTC); return it."""
    layout.require_assignment(assignment)
    with open_gradebook(layout) as gradebook:
        gradebook.update_or_create_assignment(assignment, duedate=due)
    return due


def due_date(layout: CourseLayout, assignment: str) -> datetime | None:
    """The stored due date of ``assignment`` (naive UTC), or None."""
    with open_gradebook(layout) as gradebook:
        try:
            return gradebook.find_assignment(assignment).duedate
        except MissingEntry:
            return None


def format_due(due: datetime | None) -> str:
    return "no due date" if due is None else f"{due:%Y-%m-%d %H:%M:%S} UTC"

"""The CLI commands for running a class: ``release-feedback``, ``set-due``, ``--late-policy``.

Kept out of :mod:`autograder.cli` (which registers them) so each command stays short::

    nnbasics-grade release-feedback [ASSIGNMENT] [--student S]
    nnbasics-grade set-due ASSIGNMENT "YYYY-MM-DD HH:MM[:SS][ TZ]"   (or --clear; no date: show it)
    nnbasics-grade --late-policy per-day:10 autograde ...              (or NNBASICS_LATE_POLICY)
"""

from __future__ import annotations

import argparse
import os
import sys

from autograder.layout import CourseLayout


def add_class_commands(commands: argparse._SubParsersAction) -> None:
    """Register the subcommands on the CLI's subparsers."""
    release = commands.add_parser(
        "release-feedback", help="put feedback HTML into the exchange for nbgrader fetch_feedback")
    release.add_argument("assignment", nargs="?", help="default: every assignment")
    release.add_argument("--student", help="default: every student")

    due = commands.add_parser("set-due", help="store an assignment's due date in the gradebook")
    due.add_argument("assignment")
    due.add_argument("due", nargs="?", help='"YYYY-MM-DD HH:MM[:SS][ TZ]" (TZ: +0100, UTC, Europe/Berlin; '
                     "default UTC); omit to show the current one")
    due.add_argument("--clear", action="store_true", help="remove the due date")


def use_late_policy(text: str | None) -> None:
    """Check ``--late-policy`` and hand it to every nbgrader config of this process and its
    workers (through ``NNBASICS_LATE_POLICY``); None keeps the environment's. ValueError if bad."""
    from autograder.late_policy import ENV_VAR, parse_late_policy

    if text is not None:
        os.environ[ENV_VAR] = str(parse_late_policy(text))
    else:
        parse_late_policy(os.environ.get(ENV_VAR))  # fail early on a bad environment value


def run_release_feedback(layout: CourseLayout, settings, args) -> int:
    from autograder.release_feedback import release_feedback

    results = release_feedback(layout, args.assignment, args.student, settings)
    released = [result for result in results if result.released]
    for result in released:
        for path in result.released:
            print(f"released {result.student}/{result.assignment} -> {path}")
    for result in results:
        if not result.released:
            print(f"skipped {result.student}/{result.assignment}: {result.skipped}", file=sys.stderr)
    print(f"feedback released for {len(released)} submission(s), {len(results) - len(released)} skipped")
    return 0


def run_set_due(layout: CourseLayout, settings, args) -> int:
    from autograder.deadlines import due_date, format_due, parse_due_date, set_due_date

    if args.clear and args.due:
        raise ValueError("set-due takes either a date or --clear, not both")
    if args.clear:
        set_due_date(layout, args.assignment, None)
    elif args.due:
        set_due_date(layout, args.assignment, parse_due_date(args.due))
    else:
        layout.require_assignment(args.assignment)
    print(f"{args.assignment}: {format_due(due_date(layout, args.assignment))}")
    return 0

"""Command line of the pipeline: ``nnbasics-grade <command>`` (or ``python -m autograder``).

Instructor commands::

    nnbasics-grade release [ASSIGNMENT ...] [--check]
    nnbasics-grade collect PATH_OR_ZIP [--assignment A]
    nnbasics-grade collect --exchange --assignment A [--exchange-root DIR]
    nnbasics-grade autograde [ASSIGNMENT] [--student S] [--jobs N]
    nnbasics-grade feedback [ASSIGNMENT] [--student S]
    nnbasics-grade report [--out DIR]

Student commands::

    nnbasics-grade validate NOTEBOOK.ipynb     exit 1 when a visible test fails
    nnbasics-grade check ASSIGNMENT            self-grade course/exercises/ASSIGNMENT with all tests

Common options: ``--root`` (course folder; default: found from the current directory),
``--cell-timeout`` and ``--notebook-timeout`` (seconds), ``--kernel`` (kernelspec name),
``--sandbox`` (autograde runs every kernel under bubblewrap; see ``autograder.sandbox``) with
``--memory-limit-mb``.
Exit status: 0 done, 1 a check failed (a test in validate/check, release --check, a leak in
feedback), 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.config import GradingSettings
from autograder.layout import CourseLayout, LayoutError, find_course_root


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nnbasics-grade", description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, help="course folder (default: found from cwd)")
    parser.add_argument("--cell-timeout", type=int, help="seconds a cell may run")
    parser.add_argument("--notebook-timeout", type=int, help="seconds a notebook may run")
    parser.add_argument("--kernel", help="kernelspec that runs submissions")
    parser.add_argument("--sandbox", action="store_true", default=None,
                        help="run each submission's kernel in a bubblewrap sandbox (needs bwrap)")
    parser.add_argument("--memory-limit-mb", type=int,
                        help="address-space limit of a sandboxed kernel in MB (default 4096)")
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser("release", help="generate course/exercises from solutions")
    release.add_argument("assignments", nargs="*", help="default: every assignment")
    release.add_argument("--check", action="store_true",
                         help="do not write; fail if course/exercises differs from a fresh release")

    collect = commands.add_parser("collect", help="collect submissions")
    collect.add_argument("path", nargs="?", type=Path, help="folder or zip of submissions")
    collect.add_argument("--assignment", help="assignment of a <student>/<notebook> layout")
    collect.add_argument("--exchange", action="store_true", help="collect from the nbgrader exchange")
    collect.add_argument("--exchange-root", type=Path, help="exchange folder (default autograder/exchange)")

    for name, text in (("autograde", "grade submissions"), ("feedback", "write feedback HTML")):
        command = commands.add_parser(name, help=text)
        command.add_argument("assignment", nargs="?", help="default: every assignment")
        command.add_argument("--student", help="default: every student")
        if name == "autograde":
            command.add_argument("--jobs", type=int, default=1,
                                 help="students graded at once, one process each (default 1)")

    report = commands.add_parser("report", help="write grades.csv and scores.png")
    report.add_argument("--out", type=Path, help="folder (default autograder/reports)")

    validate = commands.add_parser("validate", help="run a notebook's visible tests")
    validate.add_argument("notebook", type=Path)

    check = commands.add_parser("check", help="self-grade an exercise with the full tests")
    check.add_argument("assignment")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit status."""
    args = build_parser().parse_args(argv)
    layout = CourseLayout(args.root or find_course_root())
    try:
        settings = GradingSettings.from_environment(
            cell_timeout=args.cell_timeout,
            notebook_timeout=args.notebook_timeout,
            kernel_name=args.kernel,
            sandbox=args.sandbox,
            memory_limit_mb=args.memory_limit_mb,
        )
        return COMMANDS[args.command](layout, settings, args)
    except (LayoutError, ValueError, LookupError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except RuntimeError as error:  # ReleaseError, CollectError
        print(f"error: {error}", file=sys.stderr)
        return 1


def _release(layout: CourseLayout, settings: GradingSettings, args) -> int:
    from autograder.release import release, release_drift

    if args.check:
        differences = release_drift(layout, args.assignments or None)
        for line in differences:
            print(line)
        print("release is up to date" if not differences else f"{len(differences)} difference(s)")
        return 1 if differences else 0
    for result in release(layout, args.assignments or None, settings):
        for path in result.notebooks:
            print(f"released {path.relative_to(layout.root)}")
    return 0


def _collect(layout: CourseLayout, settings: GradingSettings, args) -> int:
    from autograder.collect import collect_from_exchange, collect_from_path

    if args.exchange:
        if not args.assignment:
            raise LayoutError("collect --exchange needs --assignment")
        result = collect_from_exchange(layout, args.assignment, settings, args.exchange_root)
    elif args.path is not None:
        result = collect_from_path(layout, args.path, args.assignment)
    else:
        raise LayoutError("collect needs a folder or zip, or --exchange --assignment A")
    for student, assignment in result.collected:
        print(f"collected {student}/{assignment}")
    for line in result.skipped:
        print(f"skipped {line}")
    print(f"{len(result.collected)} submission(s) collected, {len(result.skipped)} skipped")
    return 0


def _autograde(layout: CourseLayout, settings: GradingSettings, args) -> int:
    from autograder.autograde import autograde

    def show(state) -> None:
        score = "" if state.score is None else f"{state.score:g}/{state.max_score:g}"
        print(f"{state.student:<20} {state.assignment:<18} {state.status:<8} {score:<9} "
              f"{state.seconds:6.1f}s  {state.reason}", flush=True)

    states = autograde(layout, args.assignment, args.student, settings, progress=show, jobs=args.jobs)
    failed = sum(state.status == "failed" for state in states)
    print(f"{len(states)} submission(s) graded, {failed} failed")
    return 0


def _feedback(layout: CourseLayout, settings: GradingSettings, args) -> int:
    from autograder.feedback import generate_feedback

    leaks = 0
    for result in generate_feedback(layout, args.assignment, args.student, settings):
        if result.pages:
            for page in result.pages:
                print(f"feedback {page.relative_to(layout.root)}")
        else:
            print(f"no feedback for {result.student}/{result.assignment}: {result.problem}")
            leaks += "hidden test" in result.problem
    return 1 if leaks else 0


def _report(layout: CourseLayout, settings: GradingSettings, args) -> int:
    from autograder.report import write_report

    files = write_report(layout, args.out)
    print(f"{len(files.rows)} row(s) -> {files.csv_path}\nhistogram -> {files.histogram_path}")
    return 0


def _validate(layout: CourseLayout, settings: GradingSettings, args) -> int:
    from autograder.validate import format_validation, validate_notebook

    result = validate_notebook(args.notebook, settings)
    print(format_validation(result))
    return 0 if result.ok else 1


def _check(layout: CourseLayout, settings: GradingSettings, args) -> int:
    from autograder.check import format_check, self_check

    result = self_check(layout, args.assignment, settings)
    print(format_check(result))
    all_passed = all(test.passed for tests in result.tests.values() for test in tests)
    return 0 if result.state.status != "failed" and all_passed else 1


COMMANDS = {
    "release": _release,
    "collect": _collect,
    "autograde": _autograde,
    "feedback": _feedback,
    "report": _report,
    "validate": _validate,
    "check": _check,
}


if __name__ == "__main__":
    sys.exit(main())

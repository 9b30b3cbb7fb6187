"""Command line of the pipeline: ``nnbasics-grade <command>`` (or ``python -m autograder``).

Instructor commands::

    nnbasics-grade release [ASSIGNMENT ...] [--check]
    nnbasics-grade collect PATH_OR_ZIP [--assignment A]
    nnbasics-grade collect --exchange --assignment A [--exchange-root DIR]
    nnbasics-grade autograde [ASSIGNMENT] [--student S] [--jobs N | --cluster ADDRESS] [--regrade]
    nnbasics-grade review STUDENT ASSIGNMENT --clear|--confirm [--note TEXT]
    nnbasics-grade limits [ASSIGNMENT ...]     measure the reference solutions' time limits
    nnbasics-grade feedback [ASSIGNMENT] [--student S]
    nnbasics-grade report [--out DIR]
    nnbasics-grade release-feedback [ASSIGNMENT] [--student S]
    nnbasics-grade set-due ASSIGNMENT ["YYYY-MM-DD HH:MM[:SS][ TZ]" | --clear]

Student commands::

    nnbasics-grade validate NOTEBOOK.ipynb     exit 1 when a visible test fails
    nnbasics-grade check ASSIGNMENT            self-grade course/exercises/ASSIGNMENT with all tests

Common options: ``--root`` (course folder; default: found from the current directory),
``--cell-timeout`` and ``--notebook-timeout`` (seconds), ``--kernel`` (kernelspec name),
``--sandbox`` / ``--no-sandbox`` (autograde runs every kernel under bubblewrap wherever it
works, by default; ``--sandbox`` requires it; see ``autograder.sandbox``) with
``--memory-limit-mb``, ``--late-policy none|zero|per-day:P`` (see ``autograder.late_policy``).
Exit status: 0 done, 1 a check failed (a test in validate/check, release --check, a leak in
feedback), 2 bad input. autograde: 0 every submission graded, 1 at least one failed (no score),
3 none failed but at least one is flagged (score withheld until ``review``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.class_commands import add_class_commands, run_release_feedback, run_set_due, use_late_policy
from autograder.config import GradingSettings
from autograder.layout import CourseLayout, LayoutError, find_course_root


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nnbasics-grade", description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, help="course folder (default: found from cwd)")
    parser.add_argument("--cell-timeout", type=int, help="seconds a cell may run")
    parser.add_argument("--notebook-timeout", type=int, help="seconds a notebook may run")
    parser.add_argument("--kernel", help="kernelspec that runs submissions")
    parser.add_argument("--sandbox", action="store_true", default=None,
                        help="require the bubblewrap sandbox (default: used wherever it works)")
    parser.add_argument("--no-sandbox", action="store_false", dest="sandbox",
                        help="grade without the sandbox (on purpose; the report says 'unsandboxed')")
    parser.add_argument("--memory-limit-mb", type=int,
                        help="address-space limit of a sandboxed kernel in MB (default 4096)")
    parser.add_argument("--late-policy", help="none (default), zero, or per-day:P (P %% of the "
                        "maximum per started day late); env NNBASICS_LATE_POLICY")
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
            command.add_argument("--jobs", type=int, default=None,
                                 help="students graded at once, one process each "
                                      "(default: the number of cores)")
            command.add_argument("--regrade", action="store_true",
                                 help="grade again submissions already graded with unchanged files")
            command.add_argument("--cluster", metavar="tcp://HOST:PORT|local:N",
                                 help="grade on a Dask cluster: a running scheduler, or N local "
                                      "worker processes (see docs/scale.md); replaces --jobs")

    review = commands.add_parser("review", help="decide on a flagged submission")
    review.add_argument("student")
    review.add_argument("assignment")
    decision = review.add_mutually_exclusive_group(required=True)
    decision.add_argument("--clear", action="store_const", const="clear", dest="decision",
                          help="harmless: release the score")
    decision.add_argument("--confirm", action="store_const", const="confirm", dest="decision",
                          help="cheating: record it with a score of 0")
    review.add_argument("--note", default="", help="why (kept in the reason)")

    limits = commands.add_parser("limits", help="time the reference solutions, store their limits")
    limits.add_argument("assignments", nargs="*", help="default: every assignment")

    report = commands.add_parser("report", help="write grades.csv and scores.png")
    report.add_argument("--out", type=Path, help="folder (default autograder/reports)")

    add_class_commands(commands)  # release-feedback, set-due (autograder.class_commands)

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
        use_late_policy(args.late_policy)
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
    _record_roster_names(layout)
    return 0


def _record_roster_names(layout: CourseLayout) -> None:
    """The roster's names into the gradebook (formgrader shows them); a bad roster is reported,
    never a reason to stop collecting or grading."""
    from autograder.gradebook import record_roster
    from autograder.roster import RosterError

    try:
        record_roster(layout)
    except RosterError as error:
        print(f"warning: the roster's names were not recorded in the gradebook: {error}", file=sys.stderr)


def _autograde(layout: CourseLayout, settings: GradingSettings, args) -> int:
    from autograder.autograde import autograde
    from autograder.progress import GradingProgress
    from autograder.states import ENVIRONMENT_BROKEN, FAILED, FLAGGED

    _record_roster_names(layout)
    with GradingProgress() as progress:
        if args.cluster:  # the same selection, resume rule and progress, on Dask workers
            from autograder.cluster import autograde_on_cluster

            if args.jobs is not None:
                raise ValueError("--jobs and --cluster exclude each other: the cluster's workers "
                                 "set the parallelism (local:N for N local processes)")
            states = autograde_on_cluster(layout, args.cluster, args.assignment, args.student,
                                          settings, progress=progress, regrade=args.regrade,
                                          notice=progress.write, started=progress.start)
        else:
            states = autograde(layout, args.assignment, args.student, settings, progress=progress,
                               jobs=args.jobs, regrade=args.regrade, started=progress.start,
                           notice=progress.notice)
    failed = [state for state in states if state.status == FAILED]
    flagged = sum(state.status == FLAGGED for state in states)
    broken = sum(state.reason.startswith(ENVIRONMENT_BROKEN) for state in failed)
    unsandboxed = sum(state.sandboxed is False for state in states)
    print(f"{len(states)} submission(s): {len(states) - len(failed) - flagged} graded, "
          f"{len(failed)} failed, {flagged} flagged (review them: python -m autograder review "
          "STUDENT ASSIGNMENT --clear|--confirm)" + (f", {unsandboxed} unsandboxed" if unsandboxed else ""))
    if broken:
        print(f"{broken} failure(s) are the grading environment's, not the students': fix it and "
              "run autograde again", file=sys.stderr)
    return 1 if failed else 3 if flagged else 0


def _review(layout: CourseLayout, settings: GradingSettings, args) -> int:
    from autograder.review import review_submission

    state = review_submission(layout, args.student, args.assignment, args.decision, args.note)
    score = "" if state.score is None else f" {state.score:g}/{state.max_score:g}"
    print(f"{state.student}/{state.assignment}: {state.status}{score} ({state.reason})")
    return 0


def _limits(layout: CourseLayout, settings: GradingSettings, args) -> int:
    from autograder.limits import measure_reference, write_limits

    for assignment in args.assignments or layout.assignments():
        layout.require_assignment(assignment)
        limits = measure_reference(layout, assignment, settings)
        path = write_limits(layout, limits)
        print(f"{assignment}: reference {limits.total_seconds:.1f} s (slowest cell "
              f"{limits.slowest_cell_seconds:.1f} s) -> limits {limits.cell_timeout} s per cell, "
              f"{limits.notebook_timeout} s per notebook ({path.relative_to(layout.root)})")
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
    if files.lms is not None:
        print(f"LMS imports -> {files.lms.canvas_path}, {files.lms.moodle_path}")
        for line in files.lms.withheld:
            print(f"not exported (no grade in the LMS files): {line}", file=sys.stderr)
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
    "release-feedback": run_release_feedback,
    "set-due": run_set_due,
    "release": _release,
    "collect": _collect,
    "autograde": _autograde,
    "review": _review,
    "limits": _limits,
    "feedback": _feedback,
    "report": _report,
    "validate": _validate,
    "check": _check,
}


if __name__ == "__main__":
    sys.exit(main())

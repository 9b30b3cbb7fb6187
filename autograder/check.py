"""``make check EX=<assignment>``: self-study grading of the learner's own copy.

The learner's notebooks in ``course/exercises/<assignment>/`` are graded exactly like a
submission, with the full tests (hidden ones included, from ``solutions/``), in a throw-away
course folder with its own gradebook; nothing in the repository is written. The printout gives
the score, PASS/FAIL per test (one test cell per function) and the hints, never the hidden
tests' code.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.autograde import grade_submission
from autograder.config import GradingSettings
from autograder.layout import CourseLayout, LayoutError
from autograder.release import release
from autograder.states import FAILED, GradingState
from autograder.test_results import TestResult, grade_cell_results

SELF = "me"


@dataclass
class CheckResult:
    """Self-check of one assignment: the grading state and per-notebook test results."""

    assignment: str
    state: GradingState
    tests: dict[str, list[TestResult]] = field(default_factory=dict)


def self_check(
    layout: CourseLayout,
    assignment: str,
    settings: GradingSettings | None = None,
    notebooks_dir: Path | None = None,
) -> CheckResult:
    """Grade ``notebooks_dir`` (default: ``course/exercises/<assignment>/``) with the full tests."""
    layout.require_assignment(assignment)
    learner_dir = Path(notebooks_dir or layout.release_dir / assignment)
    if not learner_dir.is_dir():
        raise LayoutError(f"no exercise folder {learner_dir}: nothing to check")
    settings = settings or GradingSettings.from_environment()
    with tempfile.TemporaryDirectory(prefix="nnbasics-check-") as tmp:
        scratch = CourseLayout(Path(tmp))
        shutil.copytree(layout.solutions_dir / assignment, scratch.solutions_dir / assignment)
        release(scratch, [assignment], settings)
        submitted = scratch.submission_dir(SELF, assignment)
        shutil.copytree(
            learner_dir, submitted, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
        )
        state = grade_submission(scratch, SELF, assignment, settings)
        result = CheckResult(assignment, state)
        graded_dir = scratch.autograded_submission_dir(SELF, assignment)
        for path in sorted(graded_dir.glob("*.ipynb")):
            result.tests[path.stem] = grade_cell_results(nbformat.read(path, as_version=4))
    return result


def format_check(result: CheckResult) -> str:
    """The text ``make check`` prints."""
    state = result.state
    lines = [f"Self-check of {result.assignment} (full tests, hidden ones included)"]
    if state.status == FAILED:
        lines.append(f"NOT GRADED: {state.reason}")
        return "\n".join(lines)
    for notebook, tests in result.tests.items():
        lines.append(f"{notebook}.ipynb")
        for test in tests:
            lines.append("  " + test.line())
            lines += [f"      {message}" for message in test.messages]
    lines.append(f"Score: {state.score:g} / {state.max_score:g}")
    if state.reason:
        lines.append(f"Note: {state.reason}")
    return "\n".join(lines)

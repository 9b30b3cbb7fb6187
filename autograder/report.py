"""``report``: ``grades.csv`` (one row per submission) and ``scores.png`` (a histogram per assignment).

CSV columns: student, assignment, score, max_score, status, reason. A submission that could not
be graded has status ``failed``, its reason, and an empty score (never a 0 it did not earn).
A collected submission that was never autograded is reported as failed, "not graded yet".
Scores of graded submissions are read from the gradebook (so manual adjustments show).
``flagged`` rows (possible cheating, :mod:`autograder.integrity`) have an empty score until an
instructor reviews them (:mod:`autograder.review`); ``cheating`` rows have 0. ``flags`` lists
the findings; ``sandbox`` says whether the kernel ran ``sandboxed`` or ``unsandboxed``.
late_days/penalty: see :mod:`autograder.lateness`; canvas.csv/moodle.csv: :mod:`autograder.lms_export`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from autograder import gradebook
from autograder.lateness import apply_gradebook_facts
from autograder.layout import CourseLayout
from autograder.lms_export import LmsExport, write_lms_exports
from autograder.states import FAILED, FLAGGED, GRADED, StateStore

COLUMNS = ("student", "assignment", "score", "max_score", "status", "reason", "late_days", "penalty",
           "flags", "sandbox")
NOT_GRADED_REASON = "not graded yet: run autograde"


@dataclass
class ReportRow:
    student: str
    assignment: str
    score: float | None
    max_score: float | None
    status: str
    reason: str
    late_days: int | None = None  # started days past the due date (autograder.lateness)
    penalty: float | None = None  # points the late policy takes off ``score``
    flags: str = ""  # integrity findings (autograder.integrity), "; "-separated
    sandbox: str = ""  # "sandboxed" / "unsandboxed": how the kernel ran ("" if never graded)

    def as_csv(self) -> dict[str, str]:
        return {
            "student": self.student,
            "assignment": self.assignment,
            "score": _number(self.score),
            "max_score": _number(self.max_score),
            "status": self.status,
            "reason": self.reason,
            "late_days": "" if self.late_days is None else str(self.late_days),
            "penalty": _number(self.penalty),
            "flags": self.flags,
            "sandbox": self.sandbox,
        }


@dataclass
class ReportFiles:
    csv_path: Path
    histogram_path: Path
    rows: list[ReportRow]
    lms: LmsExport | None = None  # canvas.csv, moodle.csv and the grades they leave out


def report_rows(layout: CourseLayout) -> list[ReportRow]:
    """One row per collected or graded submission, sorted by assignment then student."""
    store = StateStore(layout)
    collected = set(layout.submissions())
    pairs = collected | {(s.student, s.assignment) for s in store.all()}
    rows = []
    for student, assignment in sorted(pairs, key=lambda pair: (pair[1], pair[0])):
        state = store.read(student, assignment)
        if state is None:
            rows.append(ReportRow(student, assignment, None, None, FAILED, NOT_GRADED_REASON))
            continue
        score, max_score, reason = state.score, state.max_score, state.reason
        if (student, assignment) not in collected:
            reason = "; ".join(filter(None, [reason, "submission folder removed after grading"]))
        if state.status in (GRADED, FLAGGED):
            total = gradebook.submission_score(layout, student, assignment)
            if total is not None:
                score, max_score = total.score, total.max_score
        if state.status == FLAGGED:  # withheld until an instructor reviews it (autograder.review)
            score = None
        sandbox = {True: "sandboxed", False: "unsandboxed"}.get(state.sandboxed, "")
        rows.append(ReportRow(student, assignment, score, max_score, state.status, reason,
                              flags="; ".join(state.flags), sandbox=sandbox))
    apply_gradebook_facts(layout, rows)
    return rows


def write_report(layout: CourseLayout, out_dir: Path | None = None) -> ReportFiles:
    """Write ``grades.csv`` and ``scores.png`` into ``out_dir`` (default ``autograder/reports``)."""
    out_dir = Path(out_dir or layout.reports_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = report_rows(layout)
    csv_path = out_dir / "grades.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(row.as_csv())
    histogram_path = write_histogram(rows, out_dir / "scores.png")
    return ReportFiles(csv_path, histogram_path, rows, write_lms_exports(layout, rows, out_dir))


def write_histogram(rows: list[ReportRow], path: Path) -> Path:
    """A PNG with one histogram of scores per assignment (failed submissions counted in titles)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    assignments = sorted({row.assignment for row in rows}) or ["(no submissions)"]
    fig, axes = plt.subplots(1, len(assignments), figsize=(4 * len(assignments), 3.2), squeeze=False)
    for ax, assignment in zip(axes[0], assignments, strict=True):
        mine = [row for row in rows if row.assignment == assignment]
        scores = [row.score for row in mine if row.status != FAILED and row.score is not None]
        maxima = [row.max_score for row in mine if row.max_score]
        top = max(maxima) if maxima else 1.0
        ax.hist(scores, bins=min(10, max(1, int(top))) if scores else 1, range=(0, top),
                color="tab:blue", edgecolor="white")
        failed = sum(row.status == FAILED for row in mine)
        ax.set_title(f"{assignment}\n{len(scores)} graded, {failed} failed", fontsize=10)
        ax.set_xlabel(f"score (max {top:g})")
        ax.set_ylabel("submissions")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"

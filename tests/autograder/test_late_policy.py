"""Due dates in the gradebook and the late policies none / zero / per-day, at autograde and in the report."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import datetime

import pytest
from grading_pipeline_helpers import FAST_SETTINGS, TINY
from nbgrader.api import Gradebook

from autograder.autograde import autograde
from autograder.cli import main
from autograder.deadlines import due_date, parse_due_date
from autograder.late_policy import (
    ENV_VAR,
    LatePolicy,
    PerDayLatePenalty,
    days_late,
    late_penalty,
    parse_late_policy,
)

SETTINGS = replace(FAST_SETTINGS, sandbox=False)
HOUR = 3600.0


def test_policies_parse_and_bad_ones_say_what_is_accepted():
    assert parse_late_policy(None) == LatePolicy("none")
    assert parse_late_policy(" Zero ") == LatePolicy("zero")
    assert parse_late_policy("per-day:12.5") == LatePolicy("per-day", 12.5)
    assert str(parse_late_policy("per-day:10%")) == "per-day:10"
    for bad in ("per-day", "per-day:0", "per-day:150", "half", "per-week:10"):
        with pytest.raises(ValueError, match="use none, zero or per-day:P"):
            parse_late_policy(bad)


def test_penalty_counts_started_days_and_is_capped_at_the_score():
    assert [days_late(s) for s in (0, 1, 24 * HOUR, 24 * HOUR + 1, 49 * HOUR)] == [0, 1, 1, 2, 3]
    per_day = LatePolicy("per-day", 10)
    assert late_penalty(per_day, 8, 10, 30 * HOUR).penalty == pytest.approx(2.0)
    assert late_penalty(per_day, 8, 10, 30 * HOUR).reason == "late 2 days: -20% (per-day:10)"
    capped = late_penalty(per_day, 1, 10, 5 * 24 * HOUR)
    assert capped.penalty == 1 and "capped at the score" in capped.reason
    assert late_penalty(per_day, 8, 10, 0).penalty == 0 and late_penalty(per_day, 8, 10, 0).reason == ""
    assert late_penalty(LatePolicy("zero"), 8, 10, 1).penalty == 8
    assert late_penalty(LatePolicy("none"), 8, 10, HOUR).reason == "late 1 day: no penalty (none)"
    plugin = PerDayLatePenalty(percent_per_day=25, max_score=4.0)
    assert plugin.late_submission_penalty("ann", 3.0, 30 * HOUR) == 2.0
    assert plugin.late_submission_penalty("ann", 1.0, 30 * HOUR) == 1.0


def test_due_dates_parse_with_time_zones_and_bad_ones_are_explained():
    assert parse_due_date("2026-12-01 23:59") == datetime(2026, 12, 1, 23, 59)
    assert parse_due_date("2026-12-01 23:59:30 +0130") == datetime(2026, 12, 1, 22, 29, 30)
    assert parse_due_date("2026-12-01 23:59 Europe/Berlin") == datetime(2026, 12, 1, 22, 59)
    assert parse_due_date("2026-07-01 12:00 UTC") == datetime(2026, 7, 1, 12, 0)
    with pytest.raises(ValueError, match="YYYY-MM-DD HH:MM"):
        parse_due_date("next friday")
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Base'"):
        parse_due_date("2026-12-01 23:59 Mars/Base")
    with pytest.raises(ValueError, match="invalid due date .2026-13-01 23:59.: time data"):
        parse_due_date("2026-13-01 23:59")


def _submit_at(course, student: str, stamp: str) -> None:
    folder = course.submit_solution(student).parent
    (folder / "timestamp.txt").write_text(stamp)


def _report(root, policy: str, capsys) -> tuple[dict[str, dict], dict[str, list[str]]]:
    assert main(["--root", str(root), "--late-policy", policy, "report"]) == 0
    capsys.readouterr()
    reports = root / "autograder" / "reports"
    with (reports / "grades.csv").open() as stream:
        rows = {row["student"]: row for row in csv.DictReader(stream)}
    with (reports / "canvas.csv").open() as stream:
        canvas = {line[3]: line for line in csv.reader(stream)}
    return rows, canvas


def test_late_submissions_are_penalised_at_autograde_and_in_the_report(tiny_course, monkeypatch, capsys):
    layout, root = tiny_course.layout, tiny_course.layout.root
    monkeypatch.setenv(ENV_VAR, "none")  # restored after the test; the CLI sets it in-process
    _submit_at(tiny_course, "gus", "2026-03-10 13:00:00.000000 UTC")  # 1 h late: day 1
    _submit_at(tiny_course, "hal", "2026-03-11 14:00:00.000000 UTC")  # 26 h late: day 2
    assert main(["--root", str(root), "set-due", TINY, "2026-03-10 13:00 Europe/Berlin"]) == 0
    assert "2026-03-10 12:00:00 UTC" in capsys.readouterr().out
    assert due_date(layout, TINY) == datetime(2026, 3, 10, 12, 0)

    monkeypatch.setenv(ENV_VAR, "per-day:10")
    states = autograde(layout, TINY, settings=SETTINGS)
    assert {s.student: (s.status, s.score) for s in states} == {"gus": ("graded", 3), "hal": ("graded", 3)}
    with Gradebook(layout.db_url, "nnbasics") as gradebook:  # nbgrader's own record (formgrader shows it)
        stored = {s: gradebook.find_submission(TINY, s).late_submission_penalty for s in ("gus", "hal")}
    assert stored == pytest.approx({"gus": 0.3, "hal": 0.6})

    rows, canvas = _report(root, "per-day:10", capsys)
    assert (rows["hal"]["late_days"], rows["hal"]["penalty"], rows["hal"]["score"]) == ("2", "0.6", "3")
    assert "late 2 days: -20% (per-day:10)" in rows["hal"]["reason"]
    assert (rows["gus"]["late_days"], rows["gus"]["penalty"]) == ("1", "0.3")
    assert (canvas["gus"][5], canvas["hal"][5]) == ("2.7", "2.4")

    rows, canvas = _report(root, "zero", capsys)
    assert (rows["gus"]["penalty"], canvas["gus"][5]) == ("3", "0")
    assert "late 1 day: score set to 0 (zero)" in rows["gus"]["reason"]

    rows, canvas = _report(root, "none", capsys)
    assert (rows["hal"]["penalty"], canvas["hal"][5]) == ("0", "3")
    assert "late 2 days: no penalty (none)" in rows["hal"]["reason"]

    assert main(["--root", str(root), "set-due", TINY, "--clear"]) == 0
    assert due_date(layout, TINY) is None
    rows, canvas = _report(root, "per-day:10", capsys)
    assert (rows["hal"]["late_days"], rows["hal"]["penalty"], canvas["hal"][5]) == ("0", "0", "3")


def test_bad_policy_or_due_date_on_the_command_line_exits_2(tiny_course, monkeypatch, capsys):
    monkeypatch.setenv(ENV_VAR, "none")
    root = str(tiny_course.layout.root)
    assert main(["--root", root, "--late-policy", "half", "report"]) == 2
    assert "invalid late policy 'half'" in capsys.readouterr().err
    assert main(["--root", root, "set-due", TINY, "31.12.2026"]) == 2
    assert "invalid due date" in capsys.readouterr().err
    assert main(["--root", root, "set-due", "nope", "2026-12-31 23:59"]) == 2
    assert "unknown assignment 'nope'" in capsys.readouterr().err

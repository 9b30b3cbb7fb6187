"""Collecting submissions from a folder, a zip, and an nbgrader exchange."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from grading_pipeline_helpers import TINY

from autograder.collect import CollectError, collect_from_exchange, collect_from_path


def _folder_of_submissions(root: Path, students: dict[str, bytes], nested: bool = True) -> Path:
    for student, content in students.items():
        folder = root / student / TINY if nested else root / student
        folder.mkdir(parents=True)
        (folder / f"{TINY}.ipynb").write_bytes(content)
    return root


def test_collect_from_folder_in_nbgrader_layout(tiny_course, tmp_path):
    source = _folder_of_submissions(tmp_path / "in", {"ann": b"{}", "ben": b"broken"})
    result = collect_from_path(tiny_course.layout, source)
    assert result.collected == [("ann", TINY), ("ben", TINY)]
    stored = tiny_course.layout.submission_dir("ben", TINY)
    assert (stored / f"{TINY}.ipynb").read_bytes() == b"broken", "copied byte for byte"
    assert (stored / "timestamp.txt").read_text().endswith("UTC")


def test_collect_from_zip_with_a_wrapping_folder_and_flat_layout(tiny_course, tmp_path):
    archive = tmp_path / "subs.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr(f"submissions/cat/{TINY}.ipynb", "{}")
        bundle.writestr(f"submissions/dan/{TINY}.ipynb", "{}")
        bundle.writestr("submissions/__MACOSX/junk", "x")
    result = collect_from_path(tiny_course.layout, archive, assignment=TINY)
    assert result.collected == [("cat", TINY), ("dan", TINY)]
    assert (tiny_course.layout.submission_dir("dan", TINY) / f"{TINY}.ipynb").exists()


def test_bad_student_names_and_unknown_assignments_are_skipped_with_reasons(tiny_course, tmp_path):
    source = tmp_path / "in"
    (source / "bad name" / TINY).mkdir(parents=True)
    (source / "eve" / "no_such_assignment").mkdir(parents=True)
    _folder_of_submissions(source, {"fay": b"{}"})
    result = collect_from_path(tiny_course.layout, source)
    assert result.collected == [("fay", TINY)]
    assert any(line.startswith("bad name: invalid student name") for line in result.skipped)
    assert any("no_such_assignment: unknown assignment" in line for line in result.skipped)


def test_recollecting_archives_the_previous_submission(tiny_course, tmp_path):
    first = _folder_of_submissions(tmp_path / "one", {"gus": b"first"})
    second = _folder_of_submissions(tmp_path / "two", {"gus": b"second"})
    collect_from_path(tiny_course.layout, first)
    collect_from_path(tiny_course.layout, second)
    current = tiny_course.layout.submission_dir("gus", TINY) / f"{TINY}.ipynb"
    assert current.read_bytes() == b"second"
    archived = list((tiny_course.layout.work_dir / "archive" / "gus" / TINY).glob(f"*/{TINY}.ipynb"))
    assert [p.read_bytes() for p in archived] == [b"first"]


def test_zip_with_paths_outside_the_target_is_refused(tiny_course, tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr(f"../../escape/{TINY}.ipynb", "{}")
    with pytest.raises(CollectError, match="unsafe member path"):
        collect_from_path(tiny_course.layout, archive)


def test_missing_source_is_a_clear_error(tiny_course, tmp_path):
    with pytest.raises(CollectError, match="does not exist"):
        collect_from_path(tiny_course.layout, tmp_path / "nowhere")


def test_collect_from_nbgrader_exchange_takes_the_newest_submission(tiny_course, tmp_path):
    exchange = tmp_path / "exchange"
    inbound = exchange / "nnbasics" / "inbound"
    for stamp, content in (("2026-01-01 10:00:00.000000 UTC", b"old"),
                           ("2026-01-02 10:00:00.000000 UTC", b"new")):
        folder = inbound / f"hal+{TINY}+{stamp}+abc{content.decode()}"
        folder.mkdir(parents=True)
        (folder / f"{TINY}.ipynb").write_bytes(content)
        (folder / "timestamp.txt").write_text(stamp)
        (folder / "submission_secret.txt").write_text("secret")  # nbgrader submit writes it last
    result = collect_from_exchange(tiny_course.layout, TINY, exchange_root=exchange)
    assert result.collected == [("hal", TINY)]
    stored = tiny_course.layout.submission_dir("hal", TINY) / f"{TINY}.ipynb"
    assert stored.read_bytes() == b"new"


def test_collect_from_a_missing_exchange_fails_clearly(tiny_course, tmp_path):
    with pytest.raises(CollectError, match="exchange failed"):
        collect_from_exchange(tiny_course.layout, TINY, exchange_root=tmp_path / "none")


def test_a_new_submission_drops_the_old_grade_from_the_report(tiny_course, tmp_path):
    from autograder.report import NOT_GRADED_REASON, report_rows
    from autograder.states import GradingState, StateStore

    collect_from_path(tiny_course.layout, _folder_of_submissions(tmp_path / "a", {"ida": b"1"}))
    StateStore(tiny_course.layout).write(GradingState("ida", TINY, "graded", score=3, max_score=3))
    collect_from_path(tiny_course.layout, _folder_of_submissions(tmp_path / "b", {"ida": b"2"}))
    [row] = report_rows(tiny_course.layout)
    assert (row.status, row.score, row.reason) == ("failed", None, NOT_GRADED_REASON)

"""release-feedback: feedback goes through the nbgrader exchange to the student who submitted it."""

from __future__ import annotations

from dataclasses import replace

from exchange_helpers import fetch_feedback, release_to_exchange, submit
from grading_pipeline_helpers import (
    FAST_SETTINGS,
    HIDDEN_SENTINEL,
    MUL_HINT,
    TEST_MUL,
    TINY,
    fill_solutions,
    replace_cell,
)
from nbgrader.api import Gradebook

from autograder.autograde import autograde
from autograder.cli import main
from autograder.collect import collect_from_exchange, collect_from_path
from autograder.feedback import generate_feedback
from autograder.release_feedback import release_feedback
from autograder.states import GradingState, StateStore

SETTINGS = replace(FAST_SETTINGS, sandbox=False)  # the sandbox has tests of its own


def test_released_feedback_reaches_only_final_submissions_and_has_no_hidden_test(
    tiny_course, tmp_path, monkeypatch, capsys
):
    layout = tiny_course.layout
    exchange, homes = tmp_path / "exchange", tmp_path / "homes"
    monkeypatch.setenv("NNBASICS_EXCHANGE", str(exchange))  # what layout.exchange_dir and the CLI use
    release_to_exchange(layout, exchange, TINY)
    solved = fill_solutions(tiny_course.released(), tiny_course.solution())
    submit(exchange, homes, "ann", TINY, {TINY: solved})
    submit(exchange, homes, "bob", TINY, {TINY: replace_cell(solved, "mul", "def mul(a, b):\n    return a + b")})
    tampered = replace_cell(solved, "test_mul", TEST_MUL.replace("== 6", "== 5 or True"))
    submit(exchange, homes, "cat", TINY, {TINY: tampered})
    assert sorted(collect_from_exchange(layout, TINY).collected) == [(s, TINY) for s in ("ann", "bob", "cat")]
    assert (layout.submission_dir("ann", TINY) / "submission_secret.txt").exists()
    states = {state.student: state.status for state in autograde(layout, TINY, settings=SETTINGS)}
    assert states == {"ann": "graded", "bob": "graded", "cat": "flagged"}
    generate_feedback(layout, TINY, settings=SETTINGS)

    assert main(["--root", str(layout.root), "release-feedback", TINY]) == 0
    out, err = capsys.readouterr()
    assert "released ann/tiny" in out and "released bob/tiny" in out
    assert "skipped cat/tiny: flagged for review" in err
    assert "feedback released for 2 submission(s), 1 skipped" in out

    [ann_page] = fetch_feedback(exchange, homes, "ann", TINY)
    [bob_page] = fetch_feedback(exchange, homes, "bob", TINY)
    assert fetch_feedback(exchange, homes, "cat", TINY) == []
    ann_html, bob_html = ann_page.read_text(), bob_page.read_text()
    assert ann_page.name == f"{TINY}.html"
    assert (ann_page.read_bytes() == (layout.feedback_submission_dir("ann", TINY) / f"{TINY}.html").read_bytes())
    assert f"AssertionError: {MUL_HINT}" in bob_html, "bob's failing test is in his feedback"
    assert "AssertionError" not in ann_html, "each student gets their own feedback"
    assert HIDDEN_SENTINEL not in ann_html + bob_html

    with Gradebook(layout.db_url, "nnbasics") as gradebook:  # a grade changed in formgrader since
        gradebook.find_grade("test_mul", TINY, TINY, "bob").manual_score = 1
        gradebook.db.commit()
    [result] = release_feedback(layout, TINY, "bob")
    assert result.skipped == "feedback is older than the grades (tiny: page says 2, gradebook 3): run make feedback"


def test_feedback_of_a_replaced_or_unkeyed_submission_is_not_released(tiny_course, tmp_path, monkeypatch):
    layout = tiny_course.layout
    exchange, homes = tmp_path / "exchange", tmp_path / "homes"
    monkeypatch.setenv("NNBASICS_EXCHANGE", str(exchange))
    release_to_exchange(layout, exchange, TINY)
    solved = fill_solutions(tiny_course.released(), tiny_course.solution())
    submit(exchange, homes, "eve", TINY, {TINY: solved})
    collect_from_exchange(layout, TINY)
    # graded feedback of the first submission exists, then eve submits again and it is collected
    StateStore(layout).write(GradingState("eve", TINY, "graded", score=3, max_score=3))
    feedback = layout.feedback_submission_dir("eve", TINY)
    feedback.mkdir(parents=True)
    (feedback / f"{TINY}.html").write_text("<html>old</html>")
    for name in ("timestamp.txt", "submission_secret.txt"):
        (feedback / name).write_text((layout.submission_dir("eve", TINY) / name).read_text())
    submit(exchange, homes, "eve", TINY, {TINY: solved})
    collect_from_exchange(layout, TINY)
    StateStore(layout).write(GradingState("eve", TINY, "graded", score=3, max_score=3))
    # a folder-collected submission has no submission secret to key feedback to
    source = tmp_path / "folder" / "fay" / TINY
    source.mkdir(parents=True)
    (source / f"{TINY}.ipynb").write_text(tiny_course.released_path.read_text())
    collect_from_path(layout, tmp_path / "folder")
    StateStore(layout).write(GradingState("fay", TINY, "graded", score=3, max_score=3))
    fay_feedback = layout.feedback_submission_dir("fay", TINY)
    fay_feedback.mkdir(parents=True)
    (fay_feedback / f"{TINY}.html").write_text("<html>fay</html>")

    results = {r.student: r for r in release_feedback(layout, TINY)}
    assert not results["eve"].released
    assert results["eve"].skipped.startswith("feedback is for an earlier submission")
    assert results["fay"].skipped.startswith("not submitted through the exchange")
    assert not (exchange / "nnbasics" / "feedback").exists() or not any((exchange / "nnbasics" / "feedback").iterdir())

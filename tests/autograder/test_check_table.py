"""The feedback's rebuilding of a test cell's outputs (autograder.scrub + autograder.check_table),
on hand-made outputs: only descriptions, hints, the score and visible errors survive."""

from __future__ import annotations

from nbformat.v4 import new_code_cell, new_output

from autograder.check_table import CHECKS_MIME, failed_messages, student_table
from autograder.scrub import student_outputs

TABLE = {
    "name": "test_f", "points": 2.0, "score": 1.0, "tampered": False,
    "checks": [
        {"description": "visible ok", "passed": True, "hidden": False, "weight": 1, "hint": "", "error": ""},
        {"description": "visible bad", "passed": False, "hidden": False, "weight": 1, "hint": "Use x * 2.",
         "error": "AssertionError: f(1): expected 2, got 3"},
        # a table written by another version could carry a hidden message: it must be cut
        {"description": "hidden bad", "passed": False, "hidden": True, "weight": 1, "hint": "Negatives.",
         "error": "AssertionError: SENTINEL expected -6"},
        {"description": "hidden ok", "passed": True, "hidden": True, "weight": 1, "hint": "", "error": ""},
    ],
}


def _grade_cell(outputs):
    cell = new_code_cell("checks = grading.CheckSet('test_f', points=2)\nchecks.score()", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": "test_f", "points": 2,
        "schema_version": 3}})
    cell.outputs = outputs
    return cell


def test_student_table_keeps_only_the_type_of_a_hidden_error():
    table = student_table(TABLE)
    assert [c["error"] for c in table["checks"]] == [
        "", "AssertionError: f(1): expected 2, got 3", "AssertionError", ""]
    assert failed_messages(table) == [
        "\u2717 visible bad: AssertionError: f(1): expected 2, got 3 Use x * 2.",
        "\u2717 hidden bad (hidden): AssertionError Negatives.",
    ]
    assert student_table({"no": "checks"}) is None


def test_only_the_table_the_score_and_errors_survive_in_a_grade_cell():
    outputs = [
        new_output("stream", name="stdout", text="SENTINEL printed by a hidden test\n"),
        new_output("display_data", data={"text/plain": "'SENTINEL displayed'"}),
        new_output("display_data", data={CHECKS_MIME: TABLE, "text/plain": "SENTINEL in a forged text",
                                         "text/html": "<b>SENTINEL</b>"}),
        new_output("execute_result", data={"text/plain": "1.0", "text/html": "SENTINEL"}, execution_count=3),
        new_output("error", ename="AssertionError", evalue="SENTINEL", traceback=["Cell In[3], line 9\n----> 9 x"]),
    ]
    kept = student_outputs(_grade_cell(outputs))
    assert [o.output_type for o in kept] == ["display_data", "execute_result", "error"]
    assert "SENTINEL" not in str(kept)
    assert "visible bad" in kept[0].data["text/html"] and "Negatives." in kept[0].data["text/plain"]
    assert kept[1].data == {"text/plain": "1"} and kept[1].execution_count == 3
    assert kept[2].traceback == ["AssertionError (raised by a hidden test; its message is not shown)"]

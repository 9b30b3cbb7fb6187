"""Collecting from the nbgrader exchange while a class of 30 submits and resubmits at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from exchange_helpers import release_to_exchange, submit
from grading_pipeline_helpers import TINY, fill_solutions, replace_cell

from autograder.collect import collect_from_exchange

STUDENTS = [f"s{number:02d}" for number in range(30)]


def _version(notebook_text: str) -> str:
    return "v2" if "# version 2" in notebook_text else "v1"


def test_thirty_concurrent_submitters_are_each_collected_once_with_the_newest_version(
    tiny_course, tmp_path, monkeypatch
):
    layout = tiny_course.layout
    exchange, homes = tmp_path / "exchange", tmp_path / "homes"
    monkeypatch.setenv("NNBASICS_EXCHANGE", str(exchange))
    release_to_exchange(layout, exchange, TINY)
    solved = fill_solutions(tiny_course.released(), tiny_course.solution())
    second = replace_cell(solved, "mul", "# version 2\ndef mul(a, b):\n    return a * b")

    def submit_twice(student: str) -> None:
        submit(exchange, homes, student, TINY, {TINY: solved})
        submit(exchange, homes, student, TINY, {TINY: second})

    collected_while_submitting: list[list[tuple[str, str]]] = []
    errors: list[Exception] = []
    done = threading.Event()

    def keep_collecting() -> None:
        while not done.is_set():
            try:
                collected_while_submitting.append(collect_from_exchange(layout, TINY).collected)
            except Exception as error:  # noqa: BLE001 - reported by the test below
                errors.append(error)
                return

    collector = threading.Thread(target=keep_collecting)
    collector.start()
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(submit_twice, STUDENTS))
    finally:
        done.set()
        collector.join()
    assert not errors, errors
    assert collected_while_submitting, "the collector ran while students submitted"
    final = collect_from_exchange(layout, TINY).collected

    for result in [*collected_while_submitting, final]:
        assert len(result) == len(set(result)), "a submission was collected twice in one run"
    inbound = exchange / "nnbasics" / "inbound"
    for student in STUDENTS:
        folder = layout.submission_dir(student, TINY)
        newest = max(path.name.split("+")[2] for path in inbound.glob(f"{student}+{TINY}+*"))
        assert (folder / "timestamp.txt").read_text() == newest, "the newest submission wins"
        assert _version((folder / f"{TINY}.ipynb").read_text()) == "v2"
        assert (folder / "submission_secret.txt").exists()
    # a resubmission replaces the collected one; the replaced one is archived, never lost
    submit(exchange, homes, "s07", TINY, {TINY: solved})
    assert collect_from_exchange(layout, TINY).collected == [("s07", TINY)]
    assert _version((layout.submission_dir("s07", TINY) / f"{TINY}.ipynb").read_text()) == "v1"
    archived = list((layout.work_dir / "archive" / "s07" / TINY).glob(f"*/{TINY}.ipynb"))
    assert "v2" in {_version(path.read_text()) for path in archived}
    assert collect_from_exchange(layout, TINY).collected == [], "nothing new: nothing collected"


def test_a_submission_still_being_written_waits_for_the_next_collect(tiny_course, tmp_path):
    inbound = tmp_path / "exchange" / "nnbasics" / "inbound"
    for stamp, content, complete in (("2026-01-01 10:00:00.000000 UTC", "old", True),
                                     ("2026-01-02 10:00:00.000000 UTC", "new", False)):
        folder = inbound / f"joe+{TINY}+{stamp}+x{content}"
        folder.mkdir(parents=True)
        (folder / f"{TINY}.ipynb").write_text(content)
        (folder / "timestamp.txt").write_text(stamp)
        if complete:
            (folder / "submission_secret.txt").write_text("secret")
    layout = tiny_course.layout
    stored = layout.submission_dir("joe", TINY) / f"{TINY}.ipynb"
    assert collect_from_exchange(layout, TINY, exchange_root=tmp_path / "exchange").collected == [("joe", TINY)]
    assert stored.read_text() == "old", "the half-written newer submission is not taken"
    (inbound / f"joe+{TINY}+2026-01-02 10:00:00.000000 UTC+xnew" / "submission_secret.txt").write_text("s")
    assert collect_from_exchange(layout, TINY, exchange_root=tmp_path / "exchange").collected == [("joe", TINY)]
    assert stored.read_text() == "new"

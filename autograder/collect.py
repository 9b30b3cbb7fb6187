"""``collect``: bring submissions into ``autograder/submitted/<student>/<assignment>/``.

Three sources:

- an nbgrader exchange (``nbgrader submit`` by students): :func:`collect_from_exchange`, which
  runs nbgrader's own ``ExchangeCollect`` (newest submission per student wins, its
  ``timestamp.txt`` and ``submission_secret.txt`` kept for late penalties and feedback release);
  a submission still being written (no secret yet) waits for the next collect;
- a folder or a ``.zip`` (:func:`collect_from_path`) laid out as
  ``<student>/<assignment>/<notebook>.ipynb`` (nbgrader's layout), or, with ``assignment`` given,
  ``<student>/<notebook>.ipynb``. A single top-level folder wrapping that (e.g. ``submitted/``)
  is looked through.

Files are copied byte for byte: a broken notebook is collected as it is and fails at grading
with a reason. A newly collected submission drops the earlier grading state, so the report
says "not graded yet" instead of showing the grade of the previous version. A submission that
replaces an earlier one moves the earlier one to ``autograder/archive/<student>/<assignment>/<time>/``
first, so nothing is ever lost.
"""

from __future__ import annotations

import fcntl
import glob
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from nbgrader.auth import Authenticator
from nbgrader.exchange.default.collect import ExchangeCollect

from autograder.config import GradingSettings, nbgrader_config
from autograder.layout import CourseLayout, LayoutError, check_id
from autograder.nbgrader_run import course_directory, start_and_capture
from autograder.states import StateStore

SKIPPED_NAMES = {".ipynb_checkpoints", "__MACOSX", "__pycache__", ".DS_Store"}


class CollectError(RuntimeError):
    """The source of submissions cannot be read at all."""


@dataclass
class CollectResult:
    """Submissions collected, and entries skipped (with the reason)."""

    collected: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    log: str = ""


def collect_from_path(
    layout: CourseLayout, source: Path, assignment: str | None = None
) -> CollectResult:
    """Collect every submission in a folder or zip file ``source``."""
    source = Path(source)
    if assignment is not None:
        layout.require_assignment(assignment)
    if not source.exists():
        raise CollectError(f"nothing to collect: {source} does not exist")
    if source.is_file():
        if not zipfile.is_zipfile(source):
            raise CollectError(f"{source} is neither a folder nor a zip file")
        with tempfile.TemporaryDirectory(prefix="nnbasics-collect-") as tmp, _collect_lock(layout):
            _extract_zip(source, Path(tmp))
            return _collect_folder(layout, Path(tmp), assignment)
    with _collect_lock(layout):
        return _collect_folder(layout, source, assignment)


def collect_from_exchange(
    layout: CourseLayout,
    assignment: str,
    settings: GradingSettings | None = None,
    exchange_root: Path | None = None,
) -> CollectResult:
    """Collect ``assignment`` from the nbgrader exchange (default ``autograder/exchange``)."""
    layout.require_assignment(assignment)
    config = nbgrader_config(layout, settings)
    if exchange_root is not None:
        config.Exchange.root = str(Path(exchange_root).resolve())
    with _collect_lock(layout):
        before = {pair: _timestamp(layout, *pair) for pair in layout.submissions(assignment)}
        coursedir = course_directory(config, assignment_id=assignment)
        step = CompleteSubmissionsCollect(
            coursedir=coursedir, authenticator=Authenticator(config=config), config=config
        )
        step.update = True
        step.before_replace = lambda student: _archive(layout, student, assignment, move=False)
        outcome = start_and_capture(step)
    if not outcome.success:
        raise CollectError(f"collecting {assignment} from the exchange failed:\n{outcome.text.strip()}")
    result = CollectResult(log=outcome.log)
    for pair in layout.submissions(assignment):
        if before.get(pair, object()) != _timestamp(layout, *pair):
            result.collected.append(pair)
            StateStore(layout).forget(*pair)  # the earlier grade was for another submission
    return result


class CompleteSubmissionsCollect(ExchangeCollect):
    """nbgrader's ``ExchangeCollect`` that takes, per student, the newest *complete* submission
    (``nbgrader submit`` writes ``submission_secret.txt`` last; one still being written is left
    for the next collect) and calls ``before_replace(student)`` before a newer submission
    replaces a collected one (collect archives it)."""

    before_replace: Callable[[str], object] = staticmethod(lambda student: None)

    def init_src(self) -> None:
        super().init_src()
        student_id = self.coursedir.student_id or "*"
        pattern = os.path.join(self.inbound_path, f"{student_id}+{self.coursedir.assignment_id}+*")
        newest: dict[str, dict] = {}
        for path in glob.glob(pattern):
            if not all(os.path.isfile(os.path.join(path, name))
                       for name in ("timestamp.txt", "submission_secret.txt")):
                self.log.warning("Skipping %s: still being submitted", os.path.basename(path))
                continue
            record = self._path_to_record(path)
            if not _submitted_by(path, record["username"]):
                self.log.warning("Refusing %s: it names %s but another account wrote it",
                                 os.path.basename(path), record["username"])
                continue
            current = newest.get(record["username"])
            if current is None or record["timestamp"] > current["timestamp"]:
                newest[record["username"]] = record
        self.src_records = [newest[name] for name in sorted(newest)]

    def init_dest(self) -> None:
        super().init_dest()
        for record in self.src_records:
            dest = self.coursedir.format_path(
                self.coursedir.submitted_directory, record["username"], self.coursedir.assignment_id)
            existing = self.coursedir.get_existing_timestamp(dest)
            if os.path.isdir(dest) and (existing is None or record["timestamp"] > existing):
                self.before_replace(record["username"])


def _submitted_by(path: str, student: str) -> bool:
    """True when the exchange folder ``path`` and every file in it belong to ``student``'s Unix
    account, or to the account collecting (a single-user exchange, tests). On a shared hub this
    stops one student from submitting in another's name or slipping files into another's
    submission (nbgrader makes the folder mode 777 and its own owner check only warns)."""
    try:
        import pwd

        student_uid = pwd.getpwnam(student).pw_uid
    except (ImportError, KeyError):
        student_uid = None
    allowed = {os.geteuid(), student_uid}
    owners = {os.stat(path).st_uid}
    for folder, _dirs, files in os.walk(path):
        owners.update(os.stat(os.path.join(folder, name)).st_uid for name in files)
    return owners <= allowed


@contextmanager
def _collect_lock(layout: CourseLayout) -> Iterator[None]:
    """One collect at a time per course (a second one waits)."""
    layout.work_dir.mkdir(parents=True, exist_ok=True)
    with open(layout.work_dir / ".collect.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _collect_folder(layout: CourseLayout, folder: Path, assignment: str | None) -> CollectResult:
    folder = _unwrap(folder, assignment)
    result = CollectResult()
    for student_dir in sorted(p for p in folder.iterdir() if p.name not in SKIPPED_NAMES):
        if not student_dir.is_dir():
            result.skipped.append(f"{student_dir.name}: not a student folder")
            continue
        try:
            student = check_id("student", student_dir.name)
        except LayoutError as error:
            result.skipped.append(f"{student_dir.name}: {error}")
            continue
        if assignment is not None:
            units = [(assignment, student_dir)]
        else:
            units = [(p.name, p) for p in sorted(student_dir.iterdir()) if p.is_dir()]
            if not units:
                result.skipped.append(f"{student}: no assignment folder inside")
        for name, files in units:
            if name not in layout.assignments():
                result.skipped.append(f"{student}/{name}: unknown assignment")
                continue
            _store(layout, student, name, files)
            result.collected.append((student, name))
    return result


def _unwrap(folder: Path, assignment: str | None) -> Path:
    """Look through single wrapping folders (``submissions/submitted/...``)."""
    for _ in range(3):
        entries = [p for p in folder.iterdir() if p.name not in SKIPPED_NAMES]
        if len(entries) == 1 and entries[0].is_dir() and entries[0].name in {"submitted", "submissions"}:
            folder = entries[0]
        else:
            break
    return folder


def _store(layout: CourseLayout, student: str, assignment: str, files: Path) -> None:
    destination = layout.submission_dir(student, assignment)
    if destination.exists():
        _archive(layout, student, assignment, move=True)
    shutil.copytree(files, destination, ignore=shutil.ignore_patterns(*SKIPPED_NAMES))
    StateStore(layout).forget(student, assignment)  # the earlier grade was for another submission
    stamp = destination / "timestamp.txt"
    if not stamp.exists():
        stamp.write_text(datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC"))


def _archive(layout: CourseLayout, student: str, assignment: str, *, move: bool) -> Path:
    """Keep a copy of the current submission under ``autograder/archive/``."""
    current = layout.submission_dir(student, assignment)
    target = layout.work_dir / "archive" / student / assignment / time.strftime("%Y%m%dT%H%M%S")
    suffix = 0
    while target.exists():
        suffix += 1
        target = target.with_name(f"{target.name.split('-')[0]}-{suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    if move:
        shutil.move(str(current), str(target))
    else:
        shutil.copytree(current, target)
    return target


def _timestamp(layout: CourseLayout, student: str, assignment: str) -> str | None:
    stamp = layout.submission_dir(student, assignment) / "timestamp.txt"
    return stamp.read_text().strip() if stamp.exists() else None


def _extract_zip(archive: Path, target: Path) -> None:
    """Extract ``archive`` into ``target``, refusing members that would land outside it."""
    with zipfile.ZipFile(archive) as bundle:
        for member in bundle.namelist():
            resolved = (target / member).resolve()
            if not resolved.is_relative_to(target.resolve()):
                raise CollectError(f"{archive} has an unsafe member path: {member}")
        bundle.extractall(target)

"""Helpers of the exchange tests: nbgrader's own exchange steps, as the instructor and as students.

Students are simulated the way ``nbgrader submit`` / ``fetch_feedback`` run for them, as the
current Unix user with ``CourseDirectory.student_id`` set, each with their own home folder
(assignment folder and nbgrader cache) under ``homes``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default import ExchangeFetchFeedback, ExchangeReleaseAssignment, ExchangeSubmit
from traitlets.config import Config

from autograder.config import COURSE_ID, nbgrader_config
from autograder.layout import CourseLayout
from autograder.nbgrader_run import start_and_capture


def _run(step_class: type, config: Config, **coursedir: str):
    directory = CourseDirectory(config=config)
    for name, value in coursedir.items():
        setattr(directory, name, value)
    step = step_class(coursedir=directory, authenticator=Authenticator(config=config), config=config)
    outcome = start_and_capture(step)
    assert outcome.success, outcome.text
    return step


def release_to_exchange(layout: CourseLayout, exchange: Path, assignment: str) -> None:
    """``nbgrader release_assignment``: course/exercises/<assignment> -> exchange outbound."""
    config = nbgrader_config(layout)
    config.Exchange.root = str(exchange)
    _run(ExchangeReleaseAssignment, config, assignment_id=assignment)


def _student_config(exchange: Path, home: Path, student: str) -> Config:
    config = Config()
    config.CourseDirectory.course_id = COURSE_ID
    config.CourseDirectory.student_id = student
    config.Exchange.root = str(exchange)
    config.Exchange.cache = str(home / ".nbgrader_cache")
    config.Exchange.assignment_dir = str(home)
    return config


def submit(exchange: Path, homes: Path, student: str, assignment: str,
           notebooks: dict[str, nbformat.NotebookNode]) -> None:
    """``nbgrader submit`` of ``notebooks`` (name -> notebook) by ``student``."""
    home = homes / student
    folder = home / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for name, notebook in notebooks.items():
        nbformat.write(notebook, folder / f"{name}.ipynb")
    _run(ExchangeSubmit, _student_config(exchange, home, student), assignment_id=assignment)


def fetch_feedback(exchange: Path, homes: Path, student: str, assignment: str) -> list[Path]:
    """``nbgrader fetch_feedback``: the HTML pages the student receives, sorted."""
    home = homes / student
    _run(ExchangeFetchFeedback, _student_config(exchange, home, student), assignment_id=assignment)
    return sorted((home / assignment / "feedback").glob("*/*.html"))

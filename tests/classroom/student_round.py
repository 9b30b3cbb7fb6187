"""One student's round, run as that Unix user: fetch an assignment, sign the notebook, submit it.

Usage: python student_round.py EXCHANGE ASSIGNMENT MARK [--submit-twice]
The mark goes into the notebook's metadata (``nnbasics_test_mark``), so the test can check that each
collected submission is the student's own, last one. Uses nbgrader's exchange classes in one process
(each ``nbgrader`` command would spend ~3 s starting up).
"""

import getpass
import sys
from pathlib import Path

import nbformat
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeSubmit
from traitlets.config import Config


def main(exchange: str, assignment: str, mark: str, twice: bool) -> None:
    config = Config()
    config.CourseDirectory.course_id = "nnbasics"
    config.Exchange.root = exchange
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    auth = Authenticator(config=config)
    if not Path(assignment).is_dir():
        ExchangeFetchAssignment(coursedir=coursedir, authenticator=auth, config=config).start()
    for round_mark in ([f"{mark}-first", mark] if twice else [mark]):
        for path in Path(assignment).glob("*.ipynb"):
            notebook = nbformat.read(path, as_version=4)
            notebook.metadata["nnbasics_test_mark"] = f"{getpass.getuser()}:{round_mark}"
            nbformat.write(notebook, path)
        ExchangeSubmit(coursedir=coursedir, authenticator=auth, config=config).start()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], "--submit-twice" in sys.argv)

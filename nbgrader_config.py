"""nbgrader's settings for formgrader and the nbgrader command line (``make instructor-lab``).

The same configuration the autograder pipeline builds in Python (``autograder.config``): course
root = this repository, sources in ``solutions/``, releases in ``course/exercises/``, the
gradebook and submissions under ``autograder/``.
"""

from pathlib import Path

from autograder.config import nbgrader_config
from autograder.layout import CourseLayout

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file
c.merge(nbgrader_config(CourseLayout(Path(__file__).resolve().parent)))

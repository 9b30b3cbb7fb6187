"""nbgrader's own tools (``nbgrader`` CLI, formgrader) configured like the pipeline.

Usage from the repository root::

    .venv/bin/nbgrader autograde ex1_perceptron --config autograder/nbgrader_config.py
    .venv/bin/nbgrader formgrader --config autograder/nbgrader_config.py

The pipeline itself (``python -m autograder``) does not read this file: it builds the same
configuration in Python (:func:`autograder.config.nbgrader_config`).
"""

from pathlib import Path

from autograder.config import GradingSettings, nbgrader_config
from autograder.layout import CourseLayout

c = get_config()  # noqa: F821 - provided by traitlets when it loads a config file
c.merge(
    nbgrader_config(
        CourseLayout(Path(__file__).resolve().parent.parent), GradingSettings.from_environment()
    )
)

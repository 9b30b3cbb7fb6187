"""nbgrader_config.py (read by formgrader and the nbgrader CLI) describes the same course as the pipeline."""

import os
from pathlib import Path

from nbgrader.apps.baseapp import NbGrader

from autograder.layout import CourseLayout

REPO = Path(__file__).resolve().parents[2]


def test_formgrader_loads_the_pipeline_layout(monkeypatch):
    monkeypatch.chdir(REPO)
    app = NbGrader()
    app.load_config_file()  # what formgrader's load_config does (config files in the cwd)
    course = app.config.CourseDirectory
    layout = CourseLayout(REPO)
    assert Path(course.root) == REPO
    assert (Path(course.root) / course.source_directory) == layout.solutions_dir
    assert (Path(course.root) / course.release_directory) == layout.release_dir
    assert course.db_url == layout.db_url
    assert os.path.isdir(Path(course.root) / course.source_directory / "ex1_perceptron")

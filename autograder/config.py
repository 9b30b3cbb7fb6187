"""nbgrader's configuration for this repository, built in Python (no ``nbgrader_config.py`` lookup).

:func:`nbgrader_config` returns a traitlets ``Config`` that every converter of the pipeline
receives: course paths from :class:`~autograder.layout.CourseLayout`, the time limits of
:class:`GradingSettings`, the execution preprocessor with a whole-notebook deadline, and the
feedback preprocessors that keep hidden tests out of the HTML.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from traitlets.config import Config

from autograder.environment import ensure_interpreter_bin_on_path
from autograder.layout import CourseLayout

COURSE_ID = "nnbasics"


@dataclass(frozen=True)
class GradingSettings:
    """Limits and kernel used when a submission's notebook runs.

    ``cell_timeout``: seconds one cell may run before it is interrupted (the submission then
    fails with a timeout). ``notebook_timeout``: seconds the whole notebook may run. The defaults
    leave room for the MNIST exercise (one training cell of ~30-40 s on 2 cores).
    ``derive_limits``: autograde replaces both limits by the assignment's, derived from its
    reference solution (:mod:`autograder.limits`), when they were measured; explicit limits
    (options, environment) turn this off.
    ``sandbox``: run each kernel in a bubblewrap sandbox (see :mod:`autograder.sandbox`) with
    an address-space limit of ``memory_limit_mb`` and at most ``process_limit`` processes;
    None (the default) = wherever the sandbox works (probed once per run), True = required,
    False = off.
    Environment overrides: ``NNBASICS_CELL_TIMEOUT``, ``NNBASICS_NOTEBOOK_TIMEOUT``,
    ``NNBASICS_GRADING_KERNEL``, ``NNBASICS_GRADING_SANDBOX=1|0``.
    """

    cell_timeout: int = 300
    notebook_timeout: int = 900
    kernel_name: str = "python3"
    course_id: str = COURSE_ID
    sandbox: bool | None = None
    memory_limit_mb: int = 4096
    derive_limits: bool = True
    process_limit: int = 256

    def __post_init__(self) -> None:
        if self.cell_timeout <= 0 or self.notebook_timeout <= 0:
            raise ValueError(
                f"timeouts must be positive seconds, got cell_timeout={self.cell_timeout}, "
                f"notebook_timeout={self.notebook_timeout}"
            )
        if self.memory_limit_mb < 1024:  # a bare kernel already maps about 860 MB
            raise ValueError(f"memory_limit_mb must be at least 1024, got {self.memory_limit_mb}")
        if self.process_limit < 32:  # a kernel alone runs about 20 threads, each counts
            raise ValueError(f"process_limit must be at least 32, got {self.process_limit}")

    @classmethod
    def from_environment(cls, **overrides) -> GradingSettings:
        """Defaults, then environment variables, then keyword ``overrides`` (None = keep)."""
        settings = cls()
        env = os.environ
        if env.get("NNBASICS_CELL_TIMEOUT"):
            settings = replace(settings, cell_timeout=int(env["NNBASICS_CELL_TIMEOUT"]))
        if env.get("NNBASICS_NOTEBOOK_TIMEOUT"):
            settings = replace(settings, notebook_timeout=int(env["NNBASICS_NOTEBOOK_TIMEOUT"]))
        if env.get("NNBASICS_GRADING_KERNEL"):
            settings = replace(settings, kernel_name=env["NNBASICS_GRADING_KERNEL"])
        sandbox = env.get("NNBASICS_GRADING_SANDBOX", "").strip().lower()
        if sandbox in ("1", "true", "yes"):
            settings = replace(settings, sandbox=True)
        elif sandbox in ("0", "false", "no"):
            settings = replace(settings, sandbox=False)
        chosen = {key: value for key, value in overrides.items() if value is not None}
        settings = replace(settings, **chosen)
        explicit = env.get("NNBASICS_CELL_TIMEOUT") or env.get("NNBASICS_NOTEBOOK_TIMEOUT") or \
            "cell_timeout" in chosen or "notebook_timeout" in chosen
        return replace(settings, derive_limits=False) if explicit else settings


def nbgrader_config(layout: CourseLayout, settings: GradingSettings | None = None) -> Config:
    """The full nbgrader ``Config`` of the course at ``layout.root`` (creates ``autograder/``)."""
    from autograder.execution import DeadlineExecute
    from autograder.scrub import ScrubGradeCellTracebacks

    settings = settings or GradingSettings()
    layout.work_dir.mkdir(parents=True, exist_ok=True)  # the gradebook's folder
    ensure_interpreter_bin_on_path()  # nbgrader runs `alembic` to create a gradebook
    c = Config()
    c.CourseDirectory.root = str(layout.root)
    c.CourseDirectory.course_id = settings.course_id
    c.CourseDirectory.source_directory = layout.source_step
    c.CourseDirectory.release_directory = layout.release_step
    c.CourseDirectory.submitted_directory = layout.submitted_step
    c.CourseDirectory.autograded_directory = layout.autograded_step
    c.CourseDirectory.feedback_directory = layout.feedback_step
    c.CourseDirectory.db_url = layout.db_url
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]
    c.Exchange.root = str(layout.exchange_dir)

    # Release: student versions must carry no outputs and no hidden tests (nbgrader's defaults
    # ClearOutput + ClearHiddenTests); keep the default header-less layout.
    c.GenerateAssignment.create_assignment = True

    # Autograde: our Execute subclass adds a whole-notebook deadline; the per-cell timeout is
    # set on both names because nbgrader's ``Execute.timeout`` wins over the nbconvert one.
    autograde_steps = _autograde_preprocessors(DeadlineExecute)
    c.Autograde.autograde_preprocessors = autograde_steps
    c.OverwriteCells.add_missing_cells = True
    for name in ("Execute", "DeadlineExecute"):
        c[name].timeout = settings.cell_timeout
        c[name].kernel_name = settings.kernel_name
        c[name].interrupt_on_timeout = True
        c[name].raise_on_iopub_timeout = True
    c.DeadlineExecute.notebook_timeout = settings.notebook_timeout

    # Feedback: grades, hidden tests removed, tracebacks of grade cells reduced to
    # "ename: evalue" (the hint stays, the hidden test lines go), then the HTML header.
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import ClearHiddenTests, GetGrades

    c.GenerateFeedback.preprocessors = [
        GetGrades,
        ClearHiddenTests,
        ScrubGradeCellTracebacks,
        CSSHTMLHeaderPreprocessor,
    ]
    from autograder.late_policy import late_policy_config

    c.merge(late_policy_config())  # --late-policy / NNBASICS_LATE_POLICY: penalties at autograde
    return c


def _autograde_preprocessors(execute_class: type) -> list[type]:
    """nbgrader's default autograde preprocessors with ``Execute`` replaced by ``execute_class``."""
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import Execute

    defaults = Autograde.class_traits()["autograde_preprocessors"].default()
    return [execute_class if step is Execute else step for step in defaults]

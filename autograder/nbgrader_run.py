"""Run one nbgrader converter in-process and keep what it logged.

nbgrader's converters (GenerateAssignment, Autograde, GenerateFeedback) report problems through
their logger and end with ``NbGraderException`` when a notebook failed. :func:`run_converter`
starts one, captures its log and exception, and returns a :class:`ConverterResult`; nothing
is printed unless ``echo`` is set. Using the classes directly avoids the ~3 s start-up of
the nbgrader CLI.
"""

from __future__ import annotations

import io
import logging
import traceback
import warnings
from dataclasses import dataclass

from nbgrader.coursedir import CourseDirectory
from sqlalchemy.exc import SAWarning
from traitlets.config import Config


@dataclass
class ConverterResult:
    """What one converter run produced: success, its captured log, and the error if any."""

    success: bool
    log: str
    error: str = ""

    @property
    def text(self) -> str:
        """Log and error together (what failure classification reads)."""
        return f"{self.log}\n{self.error}"


def course_directory(config: Config, **overrides: str) -> CourseDirectory:
    """A ``CourseDirectory`` from ``config`` with some traits (assignment_id, student_id...) set."""
    coursedir = CourseDirectory(config=config)
    for name, value in overrides.items():
        setattr(coursedir, name, value)
    return coursedir


def run_converter(
    converter_class: type,
    config: Config,
    *,
    echo: bool = False,
    force: bool = True,
    **coursedir_overrides: str,
) -> ConverterResult:
    """Build ``converter_class`` for the course in ``config`` and run it; never raises for
    failures inside nbgrader (they are returned), only for programming errors before start."""
    coursedir = course_directory(config, **coursedir_overrides)
    converter = converter_class(coursedir=coursedir, config=config)
    converter.force = force
    return start_and_capture(converter, echo=echo)


def start_and_capture(app, *, echo: bool = False) -> ConverterResult:
    """Call ``app.start()`` (an nbgrader converter or exchange step) and capture its log."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    logger = app.log
    previous_level = logger.level
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    propagate = getattr(logger, "propagate", True)
    if not echo:
        logger.propagate = False
    try:
        with warnings.catch_warnings():
            # nbgrader's gradebook updates make SQLAlchemy warn about autoflush; harmless
            warnings.simplefilter("ignore", SAWarning)
            app.start()
    except Exception:  # noqa: BLE001 - nbgrader reports every failure as an exception
        return ConverterResult(False, buffer.getvalue(), traceback.format_exc())
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
        logger.propagate = propagate
    return ConverterResult(True, buffer.getvalue())

"""Late submissions: the ``--late-policy`` option as nbgrader late-submission plugins.

Policies (global option ``--late-policy``, env ``NNBASICS_LATE_POLICY``, make ``LATE_POLICY=``):

- ``none`` (default): no penalty;
- ``zero``: a late submission scores 0 (nbgrader's own :class:`LateSubmissionPlugin`,
  ``penalty_method = "zero"``);
- ``per-day:P``: ``P`` percent of the maximum score per *started* day late, capped at the score
  (:class:`PerDayLatePenalty`); ``per-day:10`` and 2 h late is -10 %, 25 h late is -20 %.

Lateness is nbgrader's: the submission's timestamp (``timestamp.txt``, kept by collect) minus
the assignment's due date in the gradebook (see :mod:`autograder.deadlines`). The plugin is set
with ``c.AssignLatePenalties.plugin_class`` (:func:`late_policy_config`), so autograde stores the
penalty per notebook in the gradebook and formgrader shows it. :func:`late_penalty` computes the
same penalty for a whole submission from its current score (the report uses it, so a manual grade
entered after autograde is penalised too).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float
from traitlets.config import Config

SECONDS_PER_DAY = 86400.0
ENV_VAR = "NNBASICS_LATE_POLICY"
_PER_DAY = re.compile(r"^per-day:(\d+(?:\.\d+)?)%?$")


@dataclass(frozen=True)
class LatePolicy:
    """A parsed policy: ``kind`` in {"none", "zero", "per-day"}; ``percent_per_day`` for per-day."""

    kind: str = "none"
    percent_per_day: float = 0.0

    def __str__(self) -> str:
        return f"per-day:{self.percent_per_day:g}" if self.kind == "per-day" else self.kind


def parse_late_policy(text: str | None) -> LatePolicy:
    """``"none"``, ``"zero"`` or ``"per-day:P"`` (0 < P <= 100) -> :class:`LatePolicy`.

    Raises ValueError saying what is accepted."""
    value = (text or "none").strip().lower()
    if value in ("none", "zero"):
        return LatePolicy(value)
    match = _PER_DAY.match(value)
    if match and 0 < float(match.group(1)) <= 100:
        return LatePolicy("per-day", float(match.group(1)))
    raise ValueError(
        f"invalid late policy {text!r}: use none, zero or per-day:P with P the percent of the "
        "maximum score taken per started day late (0 < P <= 100), e.g. per-day:10"
    )


def policy_from_environment() -> LatePolicy:
    """The policy in ``NNBASICS_LATE_POLICY`` (default none)."""
    return parse_late_policy(os.environ.get(ENV_VAR))


def days_late(seconds_late: float) -> int:
    """Started days late: 0 for on time, 1 for up to 24 h late, 2 for up to 48 h..."""
    return math.ceil(seconds_late / SECONDS_PER_DAY) if seconds_late > 0 else 0


class PerDayLatePenalty(LateSubmissionPlugin):
    """nbgrader plugin: ``percent_per_day`` % of the notebook's maximum score per started day late.

    nbgrader calls it once per notebook of a late submission; the maximum score is read from the
    notebook being graded (the calling ``AssignLatePenalties`` preprocessor's gradebook), or from
    ``max_score`` when set. nbgrader caps the penalty at the notebook's score.
    """

    percent_per_day = Float(10.0, help="percent of the maximum score per started day late").tag(config=True)
    max_score = Float(None, allow_none=True, help="maximum score (default: the notebook's)").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float:
        maximum = self.max_score if self.max_score is not None else self._notebook_max_score(score)
        penalty = days_late(total_seconds_late) * self.percent_per_day / 100.0 * maximum
        self.log.info("late %s day(s) at %g%% per day: penalty %g", days_late(total_seconds_late),
                      self.percent_per_day, penalty)
        return min(score, penalty)

    def _notebook_max_score(self, fallback: float) -> float:
        step = self.parent  # nbgrader's AssignLatePenalties, inside its open gradebook
        try:
            notebook = step.gradebook.find_submission_notebook(
                step.notebook_id, step.assignment_id, step.student_id)
            return float(notebook.max_score)
        except Exception:  # noqa: BLE001 - called outside autograde: no notebook to look at
            return fallback


def late_policy_config(policy: LatePolicy | None = None) -> Config:
    """nbgrader config selecting the plugin of ``policy`` (default: from the environment)."""
    policy = policy or policy_from_environment()
    c = Config()
    if policy.kind == "per-day":
        c.AssignLatePenalties.plugin_class = PerDayLatePenalty
        c.PerDayLatePenalty.percent_per_day = policy.percent_per_day
    else:
        c.AssignLatePenalties.plugin_class = LateSubmissionPlugin
        c.LateSubmissionPlugin.penalty_method = policy.kind
    return c


@dataclass(frozen=True)
class LatePenalty:
    """A submission's lateness and penalty (in points) under a policy."""

    days_late: int
    penalty: float
    reason: str


def late_penalty(policy: LatePolicy, score: float, max_score: float, seconds_late: float) -> LatePenalty:
    """Penalty of a whole submission with ``score`` of ``max_score``, ``seconds_late`` late.

    Same rule as the plugins: zero takes the score; per-day takes P % of ``max_score`` per started
    day, at most the score. ``reason`` is e.g. ``"late 2 days: -20% (per-day:10)"``.
    """
    days = days_late(seconds_late)
    if days == 0:
        return LatePenalty(0, 0.0, "")
    when = f"late {days} day{'s' if days != 1 else ''}"
    if policy.kind == "none":
        return LatePenalty(days, 0.0, f"{when}: no penalty (none)")
    if policy.kind == "zero":
        return LatePenalty(days, score, f"{when}: score set to 0 (zero)")
    percent = days * policy.percent_per_day
    penalty = min(score, percent / 100.0 * max_score)
    capped = " (capped at the score)" if penalty < percent / 100.0 * max_score else ""
    return LatePenalty(days, penalty, f"{when}: -{percent:g}%{capped} ({policy})")

"""Exceptions raised while training."""

from __future__ import annotations

__all__ = ["StopTraining", "TrainingDivergedError"]


class TrainingDivergedError(FloatingPointError):
    """The training loss became NaN or infinite (the weights blew up).

    Usual cures: a lower learning rate, gradient clipping (``fit(..., clip=1.0)``),
    or inputs scaled to a small range (e.g. pixels divided by 255).
    """


class StopTraining(Exception):  # noqa: N818 - the name the course uses
    """Raise from a ``fit`` callback to stop training after the current epoch."""

"""Read a loss curve that missed its target and name the likely mistake.

Used by the training tests of the exercises: when a model is not good enough, the feedback says
*why* (learning rate too high or too low, gradient ascent) instead of only "accuracy too low".
"""

from __future__ import annotations

from collections.abc import Sequence

from nnbasics.grading._numpy import SAFE, verify_numpy_intact
from nnbasics.grading.hints import hint


def diagnose_losses(
    losses: Sequence[float],
    learning_rate: float | None = None,
    low_learning_rate: float | None = None,
    what: str = "the loss",
) -> str:
    """A hint naming the most likely cause of a failed training run, from its loss per epoch.

    Rules, in order: a NaN/inf loss means the learning rate is too high; a loss that goes up in
    most epochs and ends higher than it started means gradient ascent; any other loss that ends
    higher than it started, or a bumpy curve (up in more than 1% of the epochs) means the
    learning rate is too high; a ``learning_rate`` below ``low_learning_rate``, or a curve still
    falling by more than 1% over its last fifth, means it is too low. Otherwise the message says the
    loss got stuck (returned without a catalog hint).
    """
    verify_numpy_intact()
    curve = SAFE.asarray(losses, dtype=float).reshape(-1)
    epochs = curve.size
    if epochs == 0:
        return "no loss was recorded: return one loss value per epoch"
    rate = f"learning_rate={learning_rate:g}: " if learning_rate is not None else ""
    finite = SAFE.isfinite(curve)
    if not bool(SAFE.all(finite)):
        first = int(SAFE.argmax(~finite))
        return hint("lr_too_high", f"{rate}{what} became {curve[first]} after {first + 1} epoch(s)")
    if epochs == 1:
        return f"{what} is {curve[0]:.4g} after a single epoch: train for more epochs"
    rises = int(SAFE.count_nonzero(SAFE.diff(curve) > 1e-12))
    start, end = float(curve[0]), float(curve[-1])
    if rises > 0.5 * (epochs - 1) and end > start:
        return hint(
            "gradient_ascent",
            f"{what} went up in {rises} of {epochs - 1} epochs (from {start:.4g} to {end:.4g})",
        )
    if end > start * 1.01:
        return hint(
            "lr_too_high", f"{rate}{what} ended higher than it started ({start:.4g} -> {end:.4g})"
        )
    if rises > 0.01 * (epochs - 1):
        return hint(
            "lr_too_high",
            f"{rate}{what} jumped up in {rises} of {epochs - 1} epochs instead of falling steadily",
        )
    tail = float(curve[-max(2, epochs // 5)])
    still_falling = end > 0 and (tail - end) / end > 0.01
    too_small = (
        learning_rate is not None
        and low_learning_rate is not None
        and learning_rate < low_learning_rate
    )
    if too_small or still_falling:
        return hint(
            "lr_too_low",
            f"{rate}after {epochs} epochs {what} only fell from {start:.4g} to {end:.4g}",
        )
    return (
        f"{what} got stuck at {end:.4g} (from {start:.4g}): try another learning rate, more "
        "hidden units or more epochs"
    )

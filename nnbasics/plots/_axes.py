"""Small shared helpers: get an Axes to draw on, and the course's colours."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

POSITIVE = "#2b6cb0"  # blue: positive values (as in TensorFlow Playground)
NEGATIVE = "#dd6b20"  # orange: negative values
NEUTRAL = "#b0b7c3"
CLASS_COLOURS = ["#dd6b20", "#2b6cb0", "#38a169", "#805ad5", "#d53f8c", "#718096"]


def axes_or_new(ax: Axes | None, figsize: tuple[float, float] = (5.0, 4.0)) -> Axes:
    """Return ``ax``, or the Axes of a new figure of ``figsize`` when ``ax`` is None."""
    if ax is not None:
        return ax
    _, new_ax = plt.subplots(figsize=figsize)
    return new_ax

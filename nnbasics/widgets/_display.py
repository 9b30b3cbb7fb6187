"""Shared plumbing of the widgets: notebook display, figures rendered to PNG, heatmap images.

Figures are drawn with matplotlib's Agg canvas (no pyplot, so nothing is shown twice and no global
figure state is kept) and shipped to the browser as PNG bytes in an ``ipywidgets.Image``: updating
``image.value`` swaps the picture without the flicker of clearing an ``Output``.
"""

from __future__ import annotations

import io
from typing import Any

import ipywidgets as ipw
import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage


class WidgetBase:
    """Base of every course widget: ``display(w)`` shows ``w.widget``, the root container."""

    widget: ipw.Widget

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def rgba_to_png(rgba: np.ndarray, compress_level: int = 1) -> bytes:
    """Encode an ``(h, w, 4)`` or ``(h, w, 3)`` uint8 image as PNG bytes (fast, light compression)."""
    buffer = io.BytesIO()
    PILImage.fromarray(np.ascontiguousarray(rgba)).save(
        buffer, format="png", compress_level=compress_level
    )
    return buffer.getvalue()


def heatmap_png(values: np.ndarray, vmin: float, vmax: float, cmap: str = "RdBu") -> bytes:
    """Colour a ``(h, w)`` array with ``cmap`` over ``[vmin, vmax]`` and encode it as PNG bytes.

    Row 0 is drawn at the bottom (the y axis points up, as on a plot).
    """
    if values.ndim != 2:
        raise ValueError(f"heatmap_png expects a 2-D array, got shape {values.shape}")
    span = vmax - vmin if vmax > vmin else 1.0
    scaled = np.clip((np.nan_to_num(values) - vmin) / span, 0.0, 1.0)
    rgba = mpl.colormaps[cmap](scaled[::-1], bytes=True)
    return rgba_to_png(rgba)


class FigureImage:
    """A matplotlib ``Figure`` shown as a PNG in ``self.image``; call :meth:`render` after changes.

    Attributes: ``figure`` (the Figure, draw on its axes), ``image`` (the ``ipywidgets.Image``),
    ``renders`` (how many times it was rendered: tests use it to check what is redrawn).
    """

    def __init__(self, figsize: tuple[float, float], dpi: int = 80, css_class: str = "") -> None:
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self.image = ipw.Image(format="png")
        if css_class:
            self.image.add_class(css_class)
        self.renders = 0

    def render(self) -> None:
        """Draw the figure and send it to the browser as PNG bytes."""
        self.canvas.draw()
        self.image.value = rgba_to_png(np.asarray(self.canvas.buffer_rgba()))
        self.renders += 1


def labelled(description: str, control: ipw.Widget, width: str = "120px") -> ipw.HBox:
    """A row with a fixed-width label in front of ``control``."""
    return ipw.HBox([ipw.Label(description, layout=ipw.Layout(width=width)), control])

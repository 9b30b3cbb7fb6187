"""Shared plumbing of the widgets: notebook display, figures shipped as PNG/JPEG images.

Figures are drawn with matplotlib's Agg canvas (no pyplot, so nothing is shown twice and no global
figure state is kept) and shipped to the browser as PNG bytes in an ``ipywidgets.Image``: updating
``image.value`` swaps the picture without the flicker of clearing an ``Output``.
"""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import ipywidgets as ipw
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
    """Encode an ``(h, w, 4)`` RGBA or ``(h, w, 3)`` RGB uint8 image as PNG bytes.

    A minimal encoder (no row filters, light zlib compression): much less overhead than PIL
    for the many small heatmaps a frame sends.
    """
    if rgba.ndim != 3 or rgba.shape[2] not in (3, 4) or rgba.dtype != np.uint8:
        raise ValueError(f"expected an (h, w, 3|4) uint8 image, got {rgba.shape} {rgba.dtype}")
    height, width, channels = rgba.shape
    rows = np.zeros((height, width * channels + 1), dtype=np.uint8)  # filter byte 0 per row
    rows[:, 1:] = rgba.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if channels == 4 else 2, 0, 0, 0)
    return b"".join([
        b"\x89PNG\r\n\x1a\n",
        _png_chunk(b"IHDR", header),
        _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), compress_level)),
        _png_chunk(b"IEND", b""),
    ])


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def rgb_to_jpeg(rgba: np.ndarray, quality: int = 90) -> bytes:
    """Encode the colour channels of an ``(h, w, 4)``/``(h, w, 3)`` uint8 image as JPEG bytes.

    About ten times faster than PNG for a large figure, at the cost of faint halos on text.
    """
    buffer = io.BytesIO()
    PILImage.fromarray(np.ascontiguousarray(rgba[..., :3])).save(buffer, format="jpeg",
                                                                 quality=quality)
    return buffer.getvalue()


class Overlay:
    """A transparent RGBA layer to paint over frames: only its visible pixels are blended.

    ``rgba``: ``(h, w, 4)`` uint8 with straight alpha. :meth:`over` blends it onto an opaque
    frame of the same size and returns a new array (the frame is not modified).
    """

    def __init__(self, rgba: np.ndarray) -> None:
        self.shape = rgba.shape
        flat = rgba.reshape(-1, 4)
        self.index = np.flatnonzero(flat[:, 3])
        alpha = flat[self.index, 3:4].astype(np.uint16)
        self.premultiplied = flat[self.index, :3].astype(np.uint16) * alpha
        self.inverse_alpha = 255 - alpha

    def over(self, frame: np.ndarray) -> np.ndarray:
        if frame.shape != self.shape:
            raise ValueError(f"overlay of shape {self.shape} cannot cover a frame of {frame.shape}")
        out = np.array(frame)
        flat = out.reshape(-1, 4)
        below = flat[self.index, :3].astype(np.uint16)
        flat[self.index, :3] = (self.premultiplied + below * self.inverse_alpha + 127) // 255
        return out


class FigureImage:
    """A matplotlib ``Figure`` shown as a PNG in ``self.image``.

    Call :meth:`render` after changing the figure. Artists that move often (a probe marker, a
    trajectory) can be registered with :meth:`set_animated`: :meth:`render` then draws everything
    else once and keeps it as a background, and :meth:`blit` redraws only those artists on it,
    which skips the costly text and tick drawing.

    ``image_format="jpeg"`` encodes about ten times faster than PNG (for figures redrawn every
    frame). Attributes: ``figure`` (draw on its axes), ``image`` (the ``ipywidgets.Image``),
    ``renders`` and ``blits`` (counts, so tests can check what was redrawn).
    """

    def __init__(
        self,
        figsize: tuple[float, float],
        dpi: int = 80,
        css_class: str = "",
        image_format: str = "png",
    ) -> None:
        if image_format not in ("png", "jpeg"):
            raise ValueError(f"image_format must be 'png' or 'jpeg', got {image_format!r}")
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self.image_format = image_format
        self.image = ipw.Image(format=image_format)
        if css_class:
            self.image.add_class(css_class)
        self.renders = 0
        self.blits = 0
        self._animated: list = []
        self._overlay_artists: list = []
        self._overlay: Overlay | None = None
        self._background = None

    def set_animated(self, artists: list) -> None:
        """Mark ``artists`` as the ones :meth:`blit` redraws (drawn on top of the background)."""
        for artist in self._animated:
            artist.set_animated(False)
        self._animated = list(artists)
        for artist in self._animated:
            artist.set_animated(True)
        self._background = None

    def replace_animated(self, artists: list) -> None:
        """Make ``artists`` the animated ones but keep the background: for artists that take
        the place of animated ones (removed from the figure), the background is still valid."""
        self._animated = list(artists)
        for artist in self._animated:
            artist.set_animated(True)

    def set_overlay(self, artists: list) -> None:
        """Static ``artists`` that lie *above* the animated ones (e.g. scatter points over a
        changing shading): :meth:`render` paints them once into a transparent layer, and every
        frame composites that layer instead of drawing them again."""
        for artist in self._overlay_artists:
            artist.set_animated(False)
        self._overlay_artists = list(artists)
        for artist in self._overlay_artists:
            artist.set_animated(True)
        self._overlay = None
        self._background = None

    def render(self) -> None:
        """Draw the whole figure and send it to the browser."""
        self.canvas.draw()
        if self._animated or self._overlay_artists:
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        if self._overlay_artists:
            self.canvas.get_renderer().clear()  # transparent
            for artist in self._overlay_artists:
                artist.axes.draw_artist(artist)
            self._overlay = Overlay(np.asarray(self.canvas.buffer_rgba()))
            self.canvas.restore_region(self._background)
        self._draw_animated()
        self._send()
        self.renders += 1

    def blit(self) -> None:
        """Redraw only the animated artists over the saved background (or render if none)."""
        if self._background is None:
            self.render()
            return
        self.canvas.restore_region(self._background)
        self._draw_animated()
        self._send()
        self.blits += 1

    def _draw_animated(self) -> None:
        for artist in self._animated:
            if artist.axes is not None and artist.figure is self.figure:
                artist.axes.draw_artist(artist)

    def _send(self) -> None:
        pixels = np.asarray(self.canvas.buffer_rgba())
        if self._overlay is not None:
            pixels = self._overlay.over(pixels)
        self.image.value = rgb_to_jpeg(pixels) if self.image_format == "jpeg" else rgba_to_png(pixels)


def labelled(description: str, control: ipw.Widget, width: str = "120px") -> ipw.HBox:
    """A row with a fixed-width label in front of ``control`` (a crowded row cannot shrink it)."""
    layout = ipw.Layout(width=width, min_width=width, flex="0 0 auto")
    return ipw.HBox([ipw.Label(description, layout=layout), control])

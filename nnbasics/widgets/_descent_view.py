"""The descent explorer's figure: the surface's contour map with the path, and the loss curve.

The contour map is drawn once per surface; the path and the curve are blitted over it, with a
full render only when the curve's axis range changes (powers of two in x, decades in y).
"""

from __future__ import annotations

import numpy as np

from nnbasics.widgets._display import FigureImage
from nnbasics.widgets._surfaces import Surface

CONTOUR_GRID = 160


class DescentView:
    """``figure`` (a :class:`FigureImage`) with the surface panel and the loss panel."""

    def __init__(self) -> None:
        self.figure = FigureImage((9.0, 3.8), css_class="nnb-descent-plot")
        self.ax_surface, self.ax_loss = self.figure.figure.subplots(
            1, 2, gridspec_kw={"width_ratios": [1.4, 1.0]}
        )
        self._contour = None
        self._minima_marks = None
        (self.path,) = self.ax_surface.plot([], [], "-o", color="tab:red", ms=3, lw=1.2)
        (self._start_mark,) = self.ax_surface.plot([], [], "s", color="black", ms=6)
        (self.loss_line,) = self.ax_loss.plot([], [], color="tab:red", lw=1.5)
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_title("f(p) - min f")
        self.figure.set_animated([self.path, self._start_mark, self.loss_line])
        self._frame_key: tuple | None = None
        self._surface_name: str | None = None
        self.f_min = 0.0

    def draw_surface(self, surface: Surface) -> None:
        """Draw the contour map of ``log10(f - min f)`` and mark the minima (once per surface)."""
        ax = self.ax_surface
        if self._contour is not None:
            self._contour.remove()
            self._minima_marks.remove()
        xs = np.linspace(*surface.xlim, CONTOUR_GRID)
        ys = np.linspace(*surface.ylim, CONTOUR_GRID)
        values = surface.fn(np.stack(np.meshgrid(xs, ys), axis=-1))
        self.f_min = min(float(surface.fn(np.array(m))) for m in surface.minima)
        self._contour = ax.contourf(xs, ys, np.log10(values - self.f_min + 1e-3), levels=25,
                                    cmap="viridis", zorder=0)
        minima = np.array(surface.minima)
        (self._minima_marks,) = ax.plot(minima[:, 0], minima[:, 1], "*", color="white", ms=12,
                                        mec="black", zorder=4)
        ax.set_xlim(*surface.xlim)
        ax.set_ylim(*surface.ylim)
        ax.set_title(surface.name)
        ax.set_xlabel("p0")
        ax.set_ylabel("p1")
        self.figure.figure.tight_layout()
        self._surface_name = surface.name
        self._frame_key = None  # the background changed

    def draw_walk(self, trajectory: np.ndarray, losses: np.ndarray) -> None:
        """Show ``trajectory: (k + 1, 2)`` on the map and ``losses - min f: (k + 1,)`` beside it."""
        self.path.set_data(trajectory[:, 0], trajectory[:, 1])
        self._start_mark.set_data([trajectory[0, 0]], [trajectory[0, 1]])
        gaps = np.maximum(losses - self.f_min, 1e-12)
        finite = np.isfinite(gaps)
        self.loss_line.set_data(np.arange(len(gaps))[finite], gaps[finite])
        x_max = float(2 ** int(np.ceil(np.log2(max(len(gaps) - 1, 8)))))
        y_range = (10.0 ** np.floor(np.log10(gaps[finite].min())),
                   10.0 ** np.ceil(np.log10(gaps[finite].max())) * 1.01)
        self.ax_loss.set_xlim(0, x_max)
        self.ax_loss.set_ylim(*y_range)
        key = (self._surface_name, x_max, y_range)
        if key != self._frame_key:
            self._frame_key = key
            self.figure.render()
        else:
            self.figure.blit()

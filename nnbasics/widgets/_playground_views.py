"""What the playground draws: the decision boundary with its curves, and a heatmap per neuron.

:class:`BoundaryView` is one figure (one PNG per frame): the boundary
(``plots.plot_decision_boundary``), the train/test loss curves and the per-layer gradient
norms (``plots.plot_gradient_norms``, whose lines are then updated in place).
:class:`NeuronHeatmaps` paints each neuron's output over the plane straight into small PNGs
(no matplotlib per neuron: 50 small axes would take far longer than a frame).
"""

from __future__ import annotations

import ipywidgets as ipw
import numpy as np
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.contour import ContourSet

from nnbasics.plots import decision_grid, plot_decision_boundary, plot_gradient_norms
from nnbasics.plots._axes import CLASS_COLOURS, NEGATIVE, POSITIVE
from nnbasics.widgets._display import FigureImage, rgba_to_png
from nnbasics.widgets._features import FEATURES, feature_matrix

DIVERGING = LinearSegmentedColormap.from_list("nnb_diverging", [NEGATIVE, "#ffffff", POSITIVE])
BOUNDARY_RESOLUTION = 50
HEATMAP_RESOLUTION = 24
HEATMAP_PIXELS = "52px"


def plane_extent(trainer, padding: float = 0.25) -> tuple[float, float, float, float]:
    """``(x_min, x_max, y_min, y_max)`` around all the points (as ``plots.decision_grid``)."""
    points = np.vstack([trainer.X_train, trainer.X_test])
    low, high = points.min(axis=0) - padding, points.max(axis=0) + padding
    return float(low[0]), float(high[0]), float(low[1]), float(high[1])


def plane_grid(extent, resolution: int) -> np.ndarray:
    """Points ``(resolution², 2)`` of a grid over ``extent``, row-major from the bottom-left."""
    xs = np.linspace(extent[0], extent[1], resolution)
    ys = np.linspace(extent[2], extent[3], resolution)
    xx, yy = np.meshgrid(xs, ys)
    return np.column_stack([xx.ravel(), yy.ravel()])


def heatmap_bytes(values: np.ndarray, centre: float = 0.0, faded: bool = False) -> bytes:
    """PNG of ``values: (r, r)`` (row 0 at the bottom), orange below ``centre``, blue above;
    ``faded`` blends it towards white (an input feature that is switched off)."""
    span = float(np.max(np.abs(values - centre))) or 1.0
    scaled = np.clip(0.5 + 0.5 * (values - centre) / span, 0.0, 1.0)
    rgba = DIVERGING(np.nan_to_num(scaled[::-1], nan=0.5), bytes=True)
    if faded:
        rgba[..., :3] = 255 - (255 - rgba[..., :3]) // 4
    return rgba_to_png(rgba)


class BoundaryView:
    """The decision boundary (left), the loss curves and the gradient norms (right).

    ``plots.plot_decision_boundary`` draws the boundary panel when the points change; on later
    frames only its contours are recomputed (same styling) for the new weights. The data
    artists (contours, points, curves) are blitted over a saved background of axes, ticks and
    legends, which is redrawn only when an axis range changes (the ranges grow in steps: epochs
    in powers of two, norms in decades). The figure travels as JPEG (PNG takes ~10× longer).
    """

    def __init__(self) -> None:
        self.figure = FigureImage((9.6, 4.2), css_class="nnb-playground-boundary",
                                  image_format="jpeg")
        fig = self.figure.figure
        grid = fig.add_gridspec(2, 2, width_ratios=[1.15, 1.0], left=0.06, right=0.98,
                                bottom=0.1, top=0.93, wspace=0.22, hspace=0.45)
        self.ax_boundary = fig.add_subplot(grid[:, 0])
        self.ax_loss = fig.add_subplot(grid[0, 1])
        self.ax_norms = fig.add_subplot(grid[1, 1])
        self._loss_lines: list = []
        self._norm_lines: list = []
        self._n_norm_layers = -1
        self._frame_key: tuple | None = None
        self._points_key: tuple | None = None
        self._contours: list = []
        self._points: list = []

    def draw(self, trainer, show_test: bool = True) -> None:
        """Redraw the panels from ``trainer``'s state; a full render only when ranges change."""
        points_key = (id(trainer.X_train), id(trainer.X_test), show_test)
        if points_key != self._points_key:
            self._draw_boundary_and_points(trainer, show_test)
            self._points_key = points_key
        else:
            self._replace_boundary(trainer)
        relayout = self._draw_norms(trainer.gradient_norms)
        epochs_axis = _epoch_range(len(trainer.history["loss"]))
        loss_top = self._draw_losses(trainer.history, epochs_axis)
        self.ax_norms.set_xlim(*epochs_axis)
        key = (points_key, epochs_axis, loss_top, self.ax_norms.get_ylim())
        self.figure.replace_animated(self._contours + self._loss_lines + self._norm_lines)
        if relayout or key != self._frame_key:
            self._frame_key = key
            self.figure.render()
        else:
            self.figure.blit()

    def _draw_boundary_and_points(self, trainer, show_test: bool) -> None:
        """Draw the boundary panel afresh with ``plots.plot_decision_boundary`` (new points)."""
        ax = self.ax_boundary
        for artist in [*ax.collections, *ax.lines]:
            artist.remove()
        self._plane = np.vstack([trainer.X_train, trainer.X_test])
        plot_decision_boundary(
            trainer.predict_points, trainer.X_train, trainer.y_train,
            trainer.X_test if show_test else None, trainer.y_test if show_test else None,
            ax=ax, resolution=BOUNDARY_RESOLUTION,
        )
        self._contours = [a for a in ax.collections if isinstance(a, ContourSet)]
        self._points = [a for a in ax.collections if not isinstance(a, ContourSet)]
        self.figure.set_overlay(self._points)  # static: painted once, composited per frame

    def _replace_boundary(self, trainer) -> None:
        """Recompute the shading for the new weights; the points (and the styling, read back
        from the contours ``plot_decision_boundary`` drew) stay."""
        xx, yy, zz = decision_grid(trainer.predict_points, self._plane, BOUNDARY_RESOLUTION)
        ax, replaced = self.ax_boundary, []
        for old in self._contours:
            style = {"levels": old.levels, "cmap": old.cmap, "norm": old.norm,
                     "alpha": old.get_alpha(), "extend": old.extend, "zorder": old.get_zorder()}
            if old.filled:
                new = ax.contourf(xx, yy, zz, **style)
            else:
                new = ax.contour(xx, yy, zz, linewidths=old.get_linewidth(), **style)
            old.remove()
            replaced.append(new)
        self._contours = replaced

    def _draw_losses(self, history: dict, epochs_axis: tuple[float, float]) -> float:
        ax = self.ax_loss
        if not self._loss_lines:
            self._loss_lines = [ax.plot([], [], color=POSITIVE, label="train")[0],
                                ax.plot([], [], "--", color=NEGATIVE, label="test")[0]]
            ax.set_title("loss", fontsize=10)
            ax.legend(fontsize=8, loc="upper right")
            ax.grid(alpha=0.3)
        epochs = np.arange(len(history["loss"]))
        for line, key in zip(self._loss_lines, ("loss", "val_loss"), strict=True):
            line.set_data(epochs, history[key])
        highest = max([*history["loss"], *history["val_loss"], 0.1])
        top = float(np.ceil(1.1 * highest / 0.25) * 0.25)  # grows in steps of 0.25
        ax.set_xlim(*epochs_axis)
        ax.set_ylim(0.0, top)
        return top

    def _draw_norms(self, norms: list[list[float]]) -> bool:
        """Update the gradient-norm lines; True when the panel was drawn afresh."""
        ax = self.ax_norms
        n_layers = len(norms[0]) if norms else 0
        series = {f"W{k + 1}": [step[k] for step in norms] for k in range(n_layers)}
        fresh = n_layers != self._n_norm_layers
        if fresh:  # a new architecture: draw it with plots.plot_gradient_norms
            ax.clear()
            plot_gradient_norms(series, ax=ax, log=True)
            ax.set_title("gradient norm |dL/dW| per layer", fontsize=10)
            ax.set_xlabel("")
            ax.set_ylabel("")
            self._norm_lines = list(ax.get_lines())
            self._n_norm_layers = n_layers
        else:  # same layers: only the data changes
            for line, values in zip(self._norm_lines, series.values(), strict=True):
                line.set_data(np.arange(len(values)), values)  # x = epoch
        values = np.array([v for step in norms for v in step if v > 0])
        if values.size:  # whole decades, so the range rarely changes
            ax.set_ylim(10.0 ** np.floor(np.log10(values.min())),
                        10.0 ** np.ceil(np.log10(values.max())))
        return fresh


def _epoch_range(n_points: int) -> tuple[float, float]:
    """The x range of the curves: ``(0, 2**m)`` with ``2**m >= n_points - 1``, at least 16."""
    return 0.0, float(max(16, 2 ** int(np.ceil(np.log2(max(n_points - 1, 1))))))


class NeuronHeatmaps:
    """A column of small heatmaps per layer: the features, every hidden neuron, the output."""

    def __init__(self, feature_toggles: dict[str, ipw.ToggleButton]) -> None:
        self.widget = ipw.HBox()
        self.widget.add_class("nnb-playground-network")
        self.feature_images = {name: self._image("nnb-playground-feature") for name in FEATURES}
        self._feature_column = _column([
            ipw.HTML("<b>features</b>"),
            *(ipw.HBox([feature_toggles[name], self.feature_images[name]]) for name in FEATURES),
        ])
        self.neuron_images: list[list[ipw.Image]] = []
        self.output_image = self._image("nnb-playground-output")
        self._output_column = _column([ipw.HTML("<b>output</b>"), self.output_image])

    @staticmethod
    def _image(css_class: str) -> ipw.Image:
        image = ipw.Image(format="png", layout=ipw.Layout(width=HEATMAP_PIXELS,
                                                           height=HEATMAP_PIXELS, margin="1px",
                                                           flex="0 0 auto"))
        image.add_class(css_class)
        return image

    def build(self, trainer, layer_headers: list[ipw.Widget]) -> None:
        """Lay the columns out for ``trainer``'s layers (on an architecture or data change)."""
        columns = [self._feature_column]
        self.neuron_images = []
        for header, size in zip(layer_headers, trainer.hidden_layers, strict=True):
            images = [self._image("nnb-playground-neuron") for _ in range(size)]
            self.neuron_images.append(images)
            columns.append(_column([header, *images]))
        columns.append(self._output_column)
        self.widget.children = columns
        self.draw_features(trainer)

    def draw_features(self, trainer) -> None:
        """Paint every feature over the plane (they depend only on the plane)."""
        grid = plane_grid(plane_extent(trainer), HEATMAP_RESOLUTION)
        shape = (HEATMAP_RESOLUTION, HEATMAP_RESOLUTION)
        values = feature_matrix(grid, list(FEATURES))
        for column, name in enumerate(FEATURES):
            self.feature_images[name].value = heatmap_bytes(
                values[:, column].reshape(shape), faded=name not in trainer.features)

    def draw(self, trainer) -> None:
        """Paint every hidden neuron's output and the network's output over the plane."""
        grid = plane_grid(plane_extent(trainer), HEATMAP_RESOLUTION)
        shape = (HEATMAP_RESOLUTION, HEATMAP_RESOLUTION)
        centre = 0.5 if trainer.activation == "sigmoid" else 0.0
        for images, outputs in zip(self.neuron_images, trainer.neuron_outputs(grid), strict=True):
            for unit, image in enumerate(images):
                image.value = heatmap_bytes(outputs[:, unit].reshape(shape), centre)
        scores = trainer.predict_points(grid)
        if scores.shape[1] == 1:
            self.output_image.value = heatmap_bytes(scores[:, 0].reshape(shape), 0.5)
        else:
            self.output_image.value = class_heatmap_bytes(scores, shape)


def _column(children: list[ipw.Widget]) -> ipw.VBox:
    """A column of the network view that keeps its natural width (no label is squeezed)."""
    return ipw.VBox(children, layout=ipw.Layout(flex="0 0 auto", margin="0 4px 0 0"))


def class_heatmap_bytes(probabilities: np.ndarray, shape: tuple[int, int]) -> bytes:
    """PNG of the winning class per grid point ``probabilities: (r*r, k)``, paler when unsure."""
    colours = np.array([to_rgb(c) for c in CLASS_COLOURS])
    winner = probabilities.argmax(axis=1)
    k = probabilities.shape[1]
    confidence = (probabilities.max(axis=1) - 1.0 / k) / (1.0 - 1.0 / k)  # 0 (tie) .. 1 (sure)
    rgb = 1.0 - confidence[:, None] * (1.0 - colours[winner % len(colours)])
    image = (np.clip(rgb, 0, 1) * 255).astype(np.uint8).reshape(*shape, 3)
    return rgba_to_png(image[::-1])

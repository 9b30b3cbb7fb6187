"""Activation explorer: an activation with its derivative, saturation regions shaded.

The figure is ``nnbasics.plots.plot_activation`` (one panel, or two side by side to compare);
the widget adds the controls, a probe ``z`` and the intervals as numbers.

>>> w = ActivationExplorer("relu")
>>> w.dead_intervals
[(-6.0, 0.0)]
>>> w.compare_dropdown.value = "sigmoid"      # a second panel
"""

from __future__ import annotations

import ipywidgets as ipw
import numpy as np

from nnbasics.activations import get_activation
from nnbasics.plots import plot_activation
from nnbasics.plots.activation import saturation_mask
from nnbasics.widgets._display import FigureImage, WidgetBase

EXPLORER_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear", "step")
UNSHADED = ("linear", "step")  # plot_activation shades no saturation for these
GRID_POINTS = 400  # as plot_activation's grid
NO_COMPARISON = "(none)"


def flagged_intervals(z: np.ndarray, flags: np.ndarray) -> list[tuple[float, float]]:
    """Maximal intervals ``[(z_start, z_end), ...]`` of the sorted grid ``z: (n,)`` where ``flags: (n,)``.

    Interval ends are grid points; the result is empty when no flag is set.
    """
    if z.shape != flags.shape or z.ndim != 1:
        raise ValueError(f"z and flags must be 1-D of the same length, got {z.shape}, {flags.shape}")
    padded = np.concatenate([[False], flags.astype(bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    starts, stops = edges[::2], edges[1::2] - 1
    return [(float(z[a]), float(z[b])) for a, b in zip(starts, stops, strict=True)]


class ActivationExplorer(WidgetBase):
    """An activation ``f`` with its derivative ``f'`` (shaded where ``f'`` nearly vanishes).

    Args:
        activation: initial activation, one of :data:`EXPLORER_ACTIVATIONS`.
        compare_with: a second activation drawn beside it, or None.
        z_range: ``(min, max)`` of the plotted pre-activation ``z`` (must contain 0).

    Controls: ``activation_buttons`` (ToggleButtons), ``compare_dropdown`` (``"(none)"`` or a
    name), ``probe_slider`` (a ``z`` marked on the curve(s), read out in ``readout``).
    State: ``activation``, ``compare_with`` (name or None), ``probe_z``, ``probe_value``,
    ``probe_derivative``, ``saturated_intervals`` (the shaded ones: ``|f'| < 5 %`` of its peak,
    as ``plots.activation.saturation_mask``), ``dead_intervals`` (``f' == 0`` exactly).
    """

    def __init__(
        self,
        activation: str = "sigmoid",
        compare_with: str | None = None,
        z_range: tuple[float, float] = (-6.0, 6.0),
    ) -> None:
        activation = _check_name(activation)
        compare = NO_COMPARISON if compare_with is None else _check_name(compare_with)
        z_min, z_max = map(float, z_range)
        if not z_min < 0.0 < z_max:
            raise ValueError(f"z_range must be (min, max) with min < 0 < max, got {z_range}")
        self.z_range = (z_min, z_max)
        self.z = np.linspace(z_min, z_max, GRID_POINTS)

        self.activation_buttons = ipw.ToggleButtons(
            options=list(EXPLORER_ACTIVATIONS), value=activation, description="f"
        )
        self.compare_dropdown = ipw.Dropdown(
            options=[NO_COMPARISON, *EXPLORER_ACTIVATIONS], value=compare, description="compare with",
            style={"description_width": "initial"},  # the default 80 px cut it to "compare …"
        )
        self.probe_slider = ipw.FloatSlider(
            value=0.0, min=z_min, max=z_max, step=0.05, description="z", readout_format=".2f"
        )
        self.readout = ipw.HTML()
        self.readout.add_class("nnb-activation-readout")
        self.figure = FigureImage((8.5, 3.3), css_class="nnb-activation-plot")
        self._axes: list = []
        self._probe_marks: list = []

        for control in (self.activation_buttons, self.compare_dropdown, self.probe_slider):
            control.observe(self._on_change, names="value")
        self.widget = ipw.VBox(
            [self.activation_buttons, ipw.HBox([self.compare_dropdown, self.probe_slider]),
             self.figure.image, self.readout]
        )
        self.widget.add_class("nnb-activation-explorer")
        self.update()

    # ----- state -----
    @property
    def activation(self) -> str:
        return str(self.activation_buttons.value)

    @property
    def compare_with(self) -> str | None:
        value = self.compare_dropdown.value
        return None if value == NO_COMPARISON else str(value)

    @property
    def probe_z(self) -> float:
        return float(self.probe_slider.value)

    @property
    def probe_value(self) -> float:
        """``f(probe_z)``."""
        return _evaluate(self.activation, self.probe_z)[0]

    @property
    def probe_derivative(self) -> float:
        """``f'(probe_z)``."""
        return _evaluate(self.activation, self.probe_z)[1]

    def derivative_on_grid(self, name: str | None = None) -> np.ndarray:
        """``f'(z)`` on the plotted grid ``self.z``, shape ``(GRID_POINTS,)``."""
        return get_activation(name or self.activation).derivative(self.z)

    def dead_intervals_of(self, name: str) -> list[tuple[float, float]]:
        """Intervals of the plotted range where ``name``'s derivative is exactly 0."""
        return flagged_intervals(self.z, self.derivative_on_grid(name) == 0.0)

    def saturated_intervals_of(self, name: str) -> list[tuple[float, float]]:
        """The intervals ``plot_activation`` shades for ``name`` (none for linear and step)."""
        if name in UNSHADED:
            return []
        return flagged_intervals(self.z, saturation_mask(self.derivative_on_grid(name)))

    @property
    def dead_intervals(self) -> list[tuple[float, float]]:
        return self.dead_intervals_of(self.activation)

    @property
    def saturated_intervals(self) -> list[tuple[float, float]]:
        return self.saturated_intervals_of(self.activation)

    # ----- drawing -----
    def _on_change(self, change: dict) -> None:
        if change["owner"] is self.probe_slider:
            self._move_probe()
        else:
            self.update()

    def update(self) -> None:
        """Redraw the panel(s) with ``plot_activation`` (on a change of activation or comparison)."""
        names = self._names()
        if len(self._axes) != len(names):  # the layout changes only with the comparison
            figure = self.figure.figure
            figure.clear()
            self._axes = list(figure.subplots(1, len(names), squeeze=False)[0])
            figure.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.9, wspace=0.18)
        self._probe_marks = []
        for ax, name in zip(self._axes, names, strict=True):
            ax.clear()
            plot_activation(name, self.z_range, ax=ax)
            ax.set_title(name)
            (mark,) = ax.plot([], [], "o", color="#c53030", markersize=8, zorder=5)
            self._probe_marks.append(mark)
        self.figure.set_animated(self._probe_marks)
        self._place_probe()
        self.figure.render()

    def _move_probe(self) -> None:
        """Move only the probe markers (blitted over the saved curves) and rewrite the readout."""
        self._place_probe()
        self.figure.blit()

    def _place_probe(self) -> None:
        names = self._names()
        for mark, name in zip(self._probe_marks, names, strict=True):
            mark.set_data([self.probe_z], [_evaluate(name, self.probe_z)[0]])
        self.readout.value = "<br>".join(self._describe(name) for name in names)

    def _names(self) -> list[str]:
        return [self.activation] + ([self.compare_with] if self.compare_with else [])

    def _describe(self, name: str) -> str:
        z = self.probe_z
        value, slope = _evaluate(name, z)
        if slope == 0.0:
            where = "<b>dead</b>: f'(z) = 0, no gradient flows back through this unit"
        elif any(lo <= z <= hi for lo, hi in self.saturated_intervals_of(name)):
            where = "<b>saturated</b>: f'(z) is tiny, the weights feeding this unit barely move"
        else:
            where = "<b>active</b>: the gradient flows"
        return (f"<code>{name}: f({z:.2f}) = {value:.4f}, f'({z:.2f}) = {slope:.4f}</code> — "
                f"{where}")


def _check_name(name: str) -> str:
    name = get_activation(name).name
    if name not in EXPLORER_ACTIVATIONS:
        raise ValueError(f"activation must be one of {EXPLORER_ACTIVATIONS}, got {name!r}")
    return name


def _evaluate(name: str, z: float) -> tuple[float, float]:
    act = get_activation(name)
    point = np.array([z])
    return float(act.fn(point)[0]), float(act.derivative(point)[0])

"""Activation explorer: an activation ``f``, its derivative ``f'`` and where ``f'`` (nearly) vanishes.

Two kinds of region are shaded: *dead* where ``f'(z) == 0`` exactly (ReLU for ``z < 0``, the step
everywhere) and *saturated* where ``0 < |f'(z)| < threshold`` (sigmoid and tanh far from 0). In
both, gradient descent barely moves the weights feeding the neuron.

>>> w = ActivationExplorer("relu")
>>> w.dead_intervals
[(-6.0, 0.0)]
"""

from __future__ import annotations

import ipywidgets as ipw
import numpy as np

from nnbasics.activations import get_activation
from nnbasics.widgets._display import FigureImage, WidgetBase

EXPLORER_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear", "step")
GRID_POINTS = 1201


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
    """Plot ``f`` and ``f'`` of a chosen activation and shade its dead and saturated regions.

    Args:
        activation: initial activation, one of :data:`EXPLORER_ACTIVATIONS`.
        z_range: ``(min, max)`` of the plotted pre-activation ``z``.
        saturation_threshold: ``|f'(z)|`` below this (but not 0) counts as saturated.

    Controls: ``activation_buttons`` (ToggleButtons), ``threshold_slider``, ``probe_slider`` (a
    ``z`` whose ``f(z)`` and ``f'(z)`` are read out in ``readout``).
    State: ``activation``, ``saturation_threshold``, ``probe_z``, ``probe_value``,
    ``probe_derivative``, ``dead_intervals``, ``saturated_intervals`` (lists of ``(z_lo, z_hi)``).
    """

    def __init__(
        self,
        activation: str = "sigmoid",
        z_range: tuple[float, float] = (-6.0, 6.0),
        saturation_threshold: float = 0.05,
    ) -> None:
        activation = get_activation(activation).name
        if activation not in EXPLORER_ACTIVATIONS:
            raise ValueError(f"activation must be one of {EXPLORER_ACTIVATIONS}, got {activation!r}")
        z_min, z_max = map(float, z_range)
        if not z_min < 0.0 < z_max:
            raise ValueError(f"z_range must contain 0 as (min, max) with min < 0 < max, got {z_range}")
        if not 0.0 <= saturation_threshold <= 1.0:
            raise ValueError(f"saturation_threshold must be in [0, 1], got {saturation_threshold}")
        self.z = np.linspace(z_min, z_max, GRID_POINTS)

        self.activation_buttons = ipw.ToggleButtons(
            options=list(EXPLORER_ACTIVATIONS), value=activation, description="f"
        )
        self.threshold_slider = ipw.FloatSlider(
            value=saturation_threshold, min=0.0, max=0.25, step=0.005,
            description="saturated if |f'| <", readout_format=".3f",
            style={"description_width": "initial"},
        )
        self.probe_slider = ipw.FloatSlider(
            value=0.0, min=z_min, max=z_max, step=0.05, description="z", readout_format=".2f"
        )
        self.readout = ipw.HTML()
        self.readout.add_class("nnb-activation-readout")

        self.figure = FigureImage((8.0, 3.2), css_class="nnb-activation-plot")
        self._ax_f, self._ax_df = self.figure.figure.subplots(1, 2)
        self._artists = self._build_axes()
        self._shading: list = []

        self.activation_buttons.observe(self._on_activation, names="value")
        self.threshold_slider.observe(self._on_activation, names="value")
        self.probe_slider.observe(self._on_probe, names="value")

        self.widget = ipw.VBox(
            [
                self.activation_buttons,
                ipw.HBox([self.threshold_slider, self.probe_slider]),
                self.figure.image,
                self.readout,
            ]
        )
        self.widget.add_class("nnb-activation-explorer")
        self._draw_activation()
        self._draw_probe()
        self.figure.render()

    # ----- state -----
    @property
    def activation(self) -> str:
        return str(self.activation_buttons.value)

    @property
    def saturation_threshold(self) -> float:
        return float(self.threshold_slider.value)

    @property
    def probe_z(self) -> float:
        return float(self.probe_slider.value)

    @property
    def probe_value(self) -> float:
        """``f(probe_z)``."""
        return float(get_activation(self.activation).fn(np.array([self.probe_z]))[0])

    @property
    def probe_derivative(self) -> float:
        """``f'(probe_z)``."""
        return float(get_activation(self.activation).derivative(np.array([self.probe_z]))[0])

    def derivative_on_grid(self) -> np.ndarray:
        """``f'(z)`` on the plotted grid ``self.z``, shape ``(GRID_POINTS,)``."""
        return get_activation(self.activation).derivative(self.z)

    @property
    def dead_intervals(self) -> list[tuple[float, float]]:
        """Intervals of the plotted range where ``f'(z) == 0`` (no gradient at all)."""
        return flagged_intervals(self.z, self.derivative_on_grid() == 0.0)

    @property
    def saturated_intervals(self) -> list[tuple[float, float]]:
        """Intervals where ``0 < |f'(z)| < saturation_threshold`` (a vanishing gradient)."""
        slope = np.abs(self.derivative_on_grid())
        return flagged_intervals(self.z, (slope > 0.0) & (slope < self.saturation_threshold))

    # ----- drawing -----
    def _build_axes(self) -> dict:
        artists = {}
        for ax, title in ((self._ax_f, "f(z)"), (self._ax_df, "f'(z)")):
            ax.axhline(0.0, color="0.75", lw=0.8)
            ax.axvline(0.0, color="0.75", lw=0.8)
            ax.set_xlim(self.z[0], self.z[-1])
            ax.set_xlabel("z")
            ax.set_title(title)
            (artists[title],) = ax.plot([], [], lw=2.0, color="tab:blue")
            (artists[title + " probe"],) = ax.plot([], [], "o", color="tab:red", ms=7, zorder=5)
        return artists

    def _shade(self, intervals: list[tuple[float, float]], color: str, label: str) -> None:
        for i, (lo, hi) in enumerate(intervals):
            for ax in (self._ax_f, self._ax_df):
                patch = ax.axvspan(lo, hi, color=color, alpha=0.18, lw=0,
                                   label=label if (i == 0 and ax is self._ax_df) else None)
                self._shading.append(patch)

    def _draw_activation(self) -> None:
        """Redraw both curves and the shading (on a change of activation or threshold)."""
        act = get_activation(self.activation)
        f, df = act.fn(self.z), act.derivative(self.z)
        for title, values, ax in (("f(z)", f, self._ax_f), ("f'(z)", df, self._ax_df)):
            self._artists[title].set_data(self.z, values)
            low, high = float(values.min()), float(values.max())
            pad = 0.12 * max(high - low, 1.0)
            ax.set_ylim(low - pad, high + pad)
        for patch in self._shading:
            patch.remove()
        self._shading = []
        self._shade(self.dead_intervals, "tab:red", "dead: f' = 0")
        self._shade(self.saturated_intervals, "tab:orange",
                    f"saturated: |f'| < {self.saturation_threshold:g}")
        legend = self._ax_df.get_legend()
        if legend is not None:
            legend.remove()
        if self._shading:
            self._ax_df.legend(loc="upper right", fontsize=8)
        self._ax_f.set_title(f"{act.name}(z)")
        self._ax_df.set_title(f"{act.name}'(z)")
        self.figure.figure.tight_layout()

    def _draw_probe(self) -> None:
        z, a, da = self.probe_z, self.probe_value, self.probe_derivative
        self._artists["f(z) probe"].set_data([z], [a])
        self._artists["f'(z) probe"].set_data([z], [da])
        where = "dead" if da == 0 else ("saturated" if abs(da) < self.saturation_threshold
                                        else "active")
        self.readout.value = (
            f"<code>z = {z:.2f}: f(z) = {a:.4f}, f'(z) = {da:.4f}</code> "
            f"(<b>{where}</b>: a weight feeding this neuron moves ∝ f'(z) = {da:.3g})"
        )

    def _on_activation(self, _change: dict) -> None:
        self._draw_activation()
        self._draw_probe()
        self.figure.render()

    def _on_probe(self, _change: dict) -> None:
        self._draw_probe()
        self.figure.render()

"""Gradient-descent explorer: an optimizer from ``nnbasics.optimizers`` walking a 2-D loss surface.

The parameter is a 2-vector ``p``; each step hands ``[{"p": p}]`` and ``[{"p": ∇f(p)}]`` to the
optimizer's ``step`` (the same call a network's training makes) and draws the trajectory.

>>> w = DescentExplorer("elongated quadratic", optimizer="SGD")
>>> w.apply_preset("divergent"); w.run()
>>> w.diverged
True
"""

from __future__ import annotations

import ipywidgets as ipw
import numpy as np

from nnbasics import optimizers
from nnbasics.widgets._background import PlayControls
from nnbasics.widgets._descent_view import DescentView
from nnbasics.widgets._descent_walk import DescentWalk
from nnbasics.widgets._display import WidgetBase
from nnbasics.widgets._surfaces import REGIMES, SURFACES, get_surface

OPTIMIZERS = {
    "SGD": optimizers.SGD,
    "Momentum": optimizers.Momentum,
    "RMSprop": optimizers.RMSprop,
    "Adam": optimizers.Adam,
}
ANIMATION_FRAMES = 60  # play() shows a run in about this many frames


class DescentExplorer(PlayControls, WidgetBase):
    """Walk a loss surface step by step with a chosen optimizer and learning rate.

    Args:
        surface: a name of ``_surfaces.SURFACES`` ("elongated quadratic", "rosenbrock",
            "himmelblau (non-convex)").
        optimizer: "SGD", "Momentum", "RMSprop" or "Adam".
        lr: learning rate; default: the surface's "good" preset for this optimizer.
        n_steps: steps of a run; default: the surface's ``default_steps``.
        start: starting point ``(p0, p1)``; default: the surface's.

    Controls: ``surface_dropdown``, ``optimizer_dropdown``, ``lr_slider`` (log scale),
    ``preset_buttons`` (too small / good / too large / divergent), ``steps_slider``,
    ``start_x_slider``, ``start_y_slider``, ``step_button``, ``play_button``, ``reset_button``.
    Changing any setting restarts the trajectory from the start point.

    State: ``trajectory`` ``(k + 1, 2)``, ``losses`` ``(k + 1,)``, ``steps_taken``, ``diverged``,
    ``converged``, ``status`` (HTML).
    """

    _play_label = "Run"

    def __init__(
        self,
        surface: str = "elongated quadratic",
        optimizer: str = "SGD",
        lr: float | None = None,
        n_steps: int | None = None,
        start: tuple[float, float] | None = None,
    ) -> None:
        surf = get_surface(surface)
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, got {optimizer!r}")
        lr = surf.presets[optimizer]["good"] if lr is None else lr
        if not lr > 0:
            raise ValueError(f"lr must be positive, got {lr}")
        self._resetting = False

        self.surface_dropdown = ipw.Dropdown(options=list(SURFACES), value=surface,
                                             description="surface")
        self.optimizer_dropdown = ipw.Dropdown(options=list(OPTIMIZERS), value=optimizer,
                                               description="optimizer")
        # A slider over exact rates, not a FloatLogSlider: the browser snaps a log slider to its
        # grid (the "divergent" 0.105 became 0.1, the stability limit, and no longer diverged).
        self.lr_slider = ipw.SelectionSlider(options=[(f"{r:.3g}", r) for r in _learning_rates(lr)],
                                             value=lr, description="learning rate",
                                             style={"description_width": "initial"})
        self.lr_slider.add_class("nnb-descent-lr")
        self.preset_buttons = ipw.ToggleButtons(options=list(REGIMES), value=None,
                                                description="presets")
        self.steps_slider = ipw.IntSlider(value=n_steps or surf.default_steps, min=1, max=1000,
                                          description="steps")
        self.start_x_slider = ipw.FloatSlider(description="start p0", step=0.05)
        self.start_y_slider = ipw.FloatSlider(description="start p1", step=0.05)
        self.step_button = ipw.Button(description="Step", icon="step-forward")
        self.play_button = ipw.Button(description="Run", icon="play")
        self.reset_button = ipw.Button(description="Reset", icon="undo")
        for button, name in ((self.step_button, "step"), (self.play_button, "play"),
                             (self.reset_button, "reset")):
            button.add_class(f"nnb-descent-{name}")
        self.status = ipw.HTML()
        self.status.add_class("nnb-descent-status")
        self.preset_buttons.add_class("nnb-descent-presets")
        self.description = ipw.HTML()

        self.view = DescentView()
        self.figure = self.view.figure
        self._make_player(0.02)
        self._set_surface_controls(surf, start)

        self.surface_dropdown.observe(self._on_surface, names="value")
        for control in (self.optimizer_dropdown, self.lr_slider, self.start_x_slider,
                        self.start_y_slider):
            control.observe(self._on_setting, names="value")
        self.preset_buttons.observe(self._on_preset, names="value")
        self.step_button.on_click(lambda _b: self.step())
        self.play_button.on_click(lambda _b: self.toggle_play())
        self.reset_button.on_click(lambda _b: self.reset())

        self.widget = ipw.VBox(
            [
                ipw.HBox([self.surface_dropdown, self.optimizer_dropdown, self.lr_slider]),
                self.preset_buttons,
                ipw.HBox([self.start_x_slider, self.start_y_slider, self.steps_slider]),
                ipw.HBox([self.step_button, self.play_button, self.reset_button]),
                self.description,
                self.figure.image,
                self.status,
            ]
        )
        self.widget.add_class("nnb-descent-explorer")
        self._draw_surface()
        self.reset()

    # ----- state -----
    @property
    def surface(self):
        """The current :class:`~nnbasics.widgets._surfaces.Surface`."""
        return get_surface(self.surface_dropdown.value)

    @property
    def lr(self) -> float:
        return float(self.lr_slider.value)

    @property
    def start(self) -> np.ndarray:
        return np.array([self.start_x_slider.value, self.start_y_slider.value])

    @property
    def trajectory(self) -> np.ndarray:
        """Visited points, shape ``(steps_taken + 1, 2)`` (row 0 is the start)."""
        return self.walk.trajectory

    @property
    def losses(self) -> np.ndarray:
        """``f`` at each visited point, shape ``(steps_taken + 1,)``."""
        return self.walk.losses

    @property
    def steps_taken(self) -> int:
        return self.walk.steps_taken

    @property
    def diverged(self) -> bool:
        """True once the walk left the region where ``f`` stays sane (see ``_descent_walk``)."""
        return self.walk.diverged

    @property
    def converged(self) -> bool:
        """True when the last point is within ``CONVERGENCE_DISTANCE`` of a minimum."""
        return self.walk.converged

    # ----- actions -----
    def reset(self) -> None:
        """Restart from the start point with a fresh optimizer (its state forgotten)."""
        self._player.stop()
        optimizer = OPTIMIZERS[self.optimizer_dropdown.value](lr=self.lr)
        self.walk = DescentWalk(self.surface, optimizer, self.start)
        self._redraw()

    def step(self, n: int = 1) -> None:
        """Take ``n`` optimizer steps (fewer if it diverges) and redraw once."""
        self.walk.advance(n)
        self._redraw()

    def run(self, n: int | None = None) -> None:
        """Take ``n`` steps (default: the steps slider) at once, stopping early on divergence."""
        self.walk.advance(self.steps_slider.value if n is None else n)
        self._redraw()

    def apply_preset(self, regime: str) -> None:
        """Set the learning rate that shows ``regime`` for this surface and optimizer; reset."""
        presets = self.surface.presets[self.optimizer_dropdown.value]
        if regime not in presets:
            raise ValueError(
                f"{self.optimizer_dropdown.value} on {self.surface.name} has no {regime!r} preset; "
                f"choose one of {', '.join(presets)}"
            )
        self.lr_slider.value = presets[regime]  # triggers reset

    def play(self) -> None:
        """Animate a run of ``steps_slider.value`` steps on the kernel's event loop."""
        if self.steps_taken >= self.steps_slider.value or self.walk.diverged:
            self.reset()
        self._steps_per_frame = max(1, self.steps_slider.value // ANIMATION_FRAMES)
        self._start_playing()

    # ----- internals -----
    def _play_tick(self) -> bool:
        remaining = self.steps_slider.value - self.steps_taken
        self.step(min(self._steps_per_frame, remaining))
        return remaining > self._steps_per_frame and not self.walk.diverged

    def _set_surface_controls(self, surf, start=None) -> None:
        self._resetting = True
        try:
            start = surf.start if start is None else start
            for slider, (lo, hi), value in ((self.start_x_slider, surf.xlim, start[0]),
                                            (self.start_y_slider, surf.ylim, start[1])):
                slider.min, slider.max = -1e9, 1e9  # widen first so min <= max always holds
                slider.min, slider.max = lo, hi
                slider.value = float(np.clip(value, lo, hi))
            self.description.value = f"<i>{surf.description}</i>"
        finally:
            self._resetting = False

    def _on_surface(self, _change: dict) -> None:
        surf = self.surface
        self._resetting = True
        try:
            self._set_surface_controls(surf)
            self.steps_slider.value = surf.default_steps
            self.lr_slider.value = surf.presets[self.optimizer_dropdown.value]["good"]
            self.preset_buttons.value = None
        finally:
            self._resetting = False
        self._draw_surface()
        self.reset()

    def _on_setting(self, change: dict) -> None:
        if self._resetting:
            return
        if change["owner"] is self.lr_slider and self.preset_buttons.value is not None:
            presets = self.surface.presets[self.optimizer_dropdown.value]
            if presets.get(self.preset_buttons.value) != self.lr:
                self.preset_buttons.value = None
        self.reset()

    def _on_preset(self, change: dict) -> None:
        if change["new"] is not None:
            presets = self.surface.presets[self.optimizer_dropdown.value]
            if change["new"] in presets:
                self.apply_preset(change["new"])
            else:
                self.status.value = (f"<i>{self.optimizer_dropdown.value} has no "
                                     f"'{change['new']}' preset here: its step is bounded by lr</i>")

    def _draw_surface(self) -> None:
        self.view.draw_surface(self.surface)

    def _redraw(self) -> None:
        self._write_status()
        self.view.draw_walk(self.walk.trajectory, self.walk.losses)

    def _write_status(self) -> None:
        p, f = self.walk.trajectory[-1], self.walk.losses[-1]
        if self.walk.diverged:
            verdict = "<b style='color:#b00'>diverged</b>: the steps grow; lower the learning rate"
        elif self.converged:
            verdict = "<b style='color:#070'>converged</b> to a minimum"
        else:
            verdict = "not at a minimum yet"
        self.status.value = (
            f"step {self.steps_taken}: p = ({p[0]:.3g}, {p[1]:.3g}), f(p) = {f:.4g} — {verdict} "
            f"({self.optimizer_dropdown.value}, lr = {self.lr:.3g})"
        )


def _learning_rates(extra: float) -> list[float]:
    """The rates the slider offers: 20 per decade from 1e-6 to 10, every preset, and ``extra``."""
    grid = {float(f"{10 ** (k / 20):.3g}") for k in range(-120, 21)}
    presets = {rate for surf in SURFACES.values() for rates in surf.presets.values()
               for rate in rates.values()}
    return sorted(grid | {float(r) for r in presets} | {float(extra)})

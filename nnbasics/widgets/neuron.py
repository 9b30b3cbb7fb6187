"""Neuron explorer: one artificial neuron ``a = f(w · x + b)`` with a slider for every number.

>>> w = NeuronExplorer(inputs=[1.0, 0.5], weights=[0.8, -0.4], bias=0.1, activation="sigmoid")
>>> round(w.weighted_sum, 2), round(w.output, 3)
(0.7, 0.668)
>>> w.weight_sliders[1].value = 1.0      # the state follows the controls
>>> round(w.weighted_sum, 2)
1.4
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as ipw
import numpy as np

from nnbasics.activations import get_activation
from nnbasics.plots import plot_activation
from nnbasics.widgets._display import FigureImage, WidgetBase

NEURON_ACTIVATIONS = ("step", "linear", "sigmoid", "tanh", "relu", "leaky_relu")
CURVE_HALF_WIDTH = 6.0  # the curve is shown on at least [-6, 6]; wider when z goes beyond


class NeuronExplorer(WidgetBase):
    """Sliders for the inputs ``x``, weights ``w`` and bias ``b`` of one neuron, a dropdown for ``f``.

    Shows the arithmetic of the weighted sum ``z = w · x + b`` and the output ``a = f(z)`` as a
    point on the activation curve.

    Args:
        n_inputs: number of inputs (1 to 6); ignored when ``inputs`` or ``weights`` is given.
        inputs, weights: initial values, sequences of length ``n_inputs``.
        bias: initial bias.
        activation: one of :data:`NEURON_ACTIVATIONS`.
        input_range, weight_range, bias_range: ``(min, max)`` of the sliders.

    Attributes: ``input_sliders``, ``weight_sliders`` (lists of ``FloatSlider``), ``bias_slider``,
    ``activation_dropdown``, ``equation`` (HTML with the arithmetic), ``figure`` (a
    :class:`FigureImage`), ``widget`` (the root container).
    """

    def __init__(
        self,
        n_inputs: int = 2,
        inputs: Sequence[float] | None = None,
        weights: Sequence[float] | None = None,
        bias: float = 0.0,
        activation: str = "sigmoid",
        input_range: tuple[float, float] = (-2.0, 2.0),
        weight_range: tuple[float, float] = (-3.0, 3.0),
        bias_range: tuple[float, float] = (-5.0, 5.0),
    ) -> None:
        if inputs is not None:
            n_inputs = len(inputs)
        elif weights is not None:
            n_inputs = len(weights)
        if not 1 <= n_inputs <= 6:
            raise ValueError(f"n_inputs must be between 1 and 6, got {n_inputs}")
        inputs = np.ones(n_inputs) if inputs is None else np.asarray(inputs, dtype=float)
        weights = np.full(n_inputs, 0.5) if weights is None else np.asarray(weights, dtype=float)
        if inputs.shape != (n_inputs,) or weights.shape != (n_inputs,):
            raise ValueError(
                f"inputs and weights must both have {n_inputs} values, "
                f"got {inputs.shape[0]} inputs and {weights.shape[0]} weights"
            )
        activation = get_activation(activation).name
        if activation not in NEURON_ACTIVATIONS:
            raise ValueError(f"activation must be one of {NEURON_ACTIVATIONS}, got {activation!r}")

        def slider(label: str, value: float, bounds: tuple[float, float]) -> ipw.FloatSlider:
            lo, hi = bounds
            return ipw.FloatSlider(
                value=float(np.clip(value, lo, hi)), min=lo, max=hi, step=0.05,
                description=label, readout_format=".2f", continuous_update=True,
            )

        self.input_sliders = [slider(f"x{i + 1}", v, input_range) for i, v in enumerate(inputs)]
        self.weight_sliders = [slider(f"w{i + 1}", v, weight_range) for i, v in enumerate(weights)]
        self.bias_slider = slider("b", bias, bias_range)
        self.activation_dropdown = ipw.Dropdown(
            options=list(NEURON_ACTIVATIONS), value=activation, description="f"
        )
        self.equation = ipw.HTML()
        self.equation.add_class("nnb-neuron-equation")

        self.figure = FigureImage((5.0, 3.4), css_class="nnb-neuron-plot")
        self._ax = self.figure.figure.add_subplot(1, 1, 1)
        self.figure.figure.subplots_adjust(left=0.16, right=0.97, bottom=0.15, top=0.9)
        self._curve_key: tuple[str, float] | None = None

        for control in (*self.input_sliders, *self.weight_sliders, self.bias_slider):
            control.observe(self._on_change, names="value")
        self.activation_dropdown.observe(self._on_change, names="value")

        controls = ipw.VBox(
            [
                ipw.HTML("<b>inputs</b>"), *self.input_sliders,
                ipw.HTML("<b>weights and bias</b>"), *self.weight_sliders, self.bias_slider,
                self.activation_dropdown,
            ]
        )
        controls.add_class("nnb-neuron-controls")
        self.widget = ipw.VBox([ipw.HBox([controls, self.figure.image]), self.equation])
        self.widget.add_class("nnb-neuron-explorer")
        self.update()

    # ----- state read from the controls -----
    @property
    def inputs(self) -> np.ndarray:
        """The inputs ``x``, shape ``(n_inputs,)``."""
        return np.array([s.value for s in self.input_sliders])

    @property
    def weights(self) -> np.ndarray:
        """The weights ``w``, shape ``(n_inputs,)``."""
        return np.array([s.value for s in self.weight_sliders])

    @property
    def bias(self) -> float:
        return float(self.bias_slider.value)

    @property
    def activation(self) -> str:
        return str(self.activation_dropdown.value)

    @property
    def weighted_sum(self) -> float:
        """``z = w · x + b``."""
        return float(self.inputs @ self.weights + self.bias)

    @property
    def output(self) -> float:
        """``a = f(z)``."""
        return float(get_activation(self.activation).fn(np.array([self.weighted_sum]))[0])

    def set(
        self,
        inputs: Sequence[float] | None = None,
        weights: Sequence[float] | None = None,
        bias: float | None = None,
        activation: str | None = None,
    ) -> None:
        """Set several controls at once (values outside a slider's range are clipped to it)."""
        for sliders, values, name in ((self.input_sliders, inputs, "inputs"),
                                      (self.weight_sliders, weights, "weights")):
            if values is None:
                continue
            if len(values) != len(sliders):
                raise ValueError(f"{name} needs {len(sliders)} values, got {len(values)}")
            for slider, value in zip(sliders, values, strict=True):
                slider.value = float(value)
        if bias is not None:
            self.bias_slider.value = float(bias)
        if activation is not None:
            self.activation_dropdown.value = get_activation(activation).name

    # ----- drawing -----
    def _draw_curve(self, half_width: float) -> bool:
        """Draw ``f`` on ``[-half_width, half_width]`` with ``plot_activation``; True if redrawn.

        Only a change of activation or range redraws the curve; the point is blitted over it.
        """
        key = (self.activation, half_width)
        if key == self._curve_key:
            return False
        ax = self._ax
        ax.clear()
        plot_activation(self.activation, (-half_width, half_width), ax=ax,
                        show_derivative=False, mark_saturation=False)
        ax.set_xlabel("z = w · x + b")
        ax.set_ylabel("a = f(z)")
        ax.set_title(f"f = {self.activation}")
        (self._guide,) = ax.plot([], [], ls=":", color="#c53030", lw=1.2)
        (self._point,) = ax.plot([], [], "o", color="#c53030", ms=9, zorder=5)
        self.figure.set_animated([self._guide, self._point])
        self._curve_key = key
        return True

    def _on_change(self, _change: dict) -> None:
        self.update()

    def update(self) -> None:
        """Recompute ``z`` and ``a`` from the controls and redraw the equation and the point."""
        z, a = self.weighted_sum, self.output
        half_width = max(CURVE_HALF_WIDTH, float(np.ceil(abs(z) + 1.0)))
        redrawn = self._draw_curve(half_width)
        self._point.set_data([z], [a])
        self._guide.set_data([z, z], [0.0, a])
        terms = " + ".join(
            f"({w:.2f}×{x:.2f})" for w, x in zip(self.weights, self.inputs, strict=True)
        )
        names = " + ".join(f"w{i + 1}·x{i + 1}" for i in range(len(self.input_sliders)))
        self.equation.value = (
            f"<code>z = {names} + b = {terms} + {self.bias:.2f} = <b>{z:.3f}</b></code><br>"
            f"<code>a = {self.activation}(z) = {self.activation}({z:.3f}) = <b>{a:.3f}</b></code>"
        )
        if redrawn:
            self.figure.render()
        else:
            self.figure.blit()

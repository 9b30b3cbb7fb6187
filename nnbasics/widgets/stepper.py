"""Forward/backprop stepper: press Forward, Loss, Backward, Update and watch a small network learn.

Every number shown comes from the model itself (see ``_backprop_pass``): the gradients on the
edges *are* ``model.backward``'s, and the optional numerical overlay is
``nnbasics.gradcheck.numerical_gradient`` of ``model.loss``.

>>> s = BackpropStepper()                      # XOR, 2-4-1, sigmoid
>>> s.run_forward(); s.compute_loss(); s.run_backward()
>>> s.select_parameter("W1[0,2]")
>>> print(s.explain())                          # doctest: +SKIP
dL/dW1[0,2] = a0[0] × δ1[2] = 0 × -0.06699 = 0 ...
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import ipywidgets as ipw
import numpy as np

from nnbasics.datasets import xor_table
from nnbasics.losses import MSE
from nnbasics.model.mlp import MLP
from nnbasics.widgets._backprop_pass import BackpropPass
from nnbasics.widgets._display import FigureImage, WidgetBase
from nnbasics.widgets._stepper_views import draw_pass, gradient_table_html

STEPPER_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
STEPPER_LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 3.0, 10.0)
MAX_LAYER_SIZE = 8
MAX_LAYERS = 5
_PARAMETER = re.compile(r"^([Wb])(\d+)\[(\d+)(?:,(\d+))?\]$")


def _sample_data(layer_sizes: Sequence[int], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """XOR for 2-...-1 networks, else 6 random samples with random labels (seeded)."""
    if layer_sizes[0] == 2 and layer_sizes[-1] == 1:
        X, y = xor_table()
        return X, y[:, 0].astype(np.int64)
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(6, layer_sizes[0])), 1)
    n_classes = max(2, layer_sizes[-1])
    return X, rng.integers(0, n_classes, size=6)


class BackpropStepper(WidgetBase):
    """Step a small network through forward, loss, backward and update on one sample.

    Args:
        layer_sizes: e.g. ``(2, 4, 1)`` (default, XOR) up to ``(4, 8, 8, 3)``: at most
            ``MAX_LAYERS`` sizes of at most ``MAX_LAYER_SIZE``.
        activation: hidden activation, one of :data:`STEPPER_ACTIVATIONS`.
        loss, output: ``MLP``'s loss and output activation (default: sigmoid + binary
            cross-entropy for one output, softmax cross-entropy for several);
            ``loss="mse", output="sigmoid"`` reproduces the tutorial's network.
        X, y: samples ``(n, layer_sizes[0])`` and labels ``(n,)`` (or targets ``(n, k)``);
            default: XOR for 2-...-1 networks, else 6 seeded random samples.
        lr: learning rate of the Update step. seed: the initial weights.

    Controls: ``forward_button``, ``loss_button``, ``backward_button``, ``update_button``,
    ``reset_button``, ``lr_slider``, ``sample_dropdown``, ``activation_dropdown``,
    ``numerical_checkbox``, ``parameter_dropdown`` (names like ``"W1[0,2]"``, ``"b2[0]"``).
    State: ``model`` (an ``MLP`` in float64), ``state`` (the :class:`BackpropPass`),
    ``stage``, ``loss_before``, ``loss_after``, ``selected_parameter``.
    """

    def __init__(
        self,
        layer_sizes: Sequence[int] = (2, 4, 1),
        activation: str = "sigmoid",
        loss: str | None = None,
        output: str | None = None,
        X: np.ndarray | None = None,
        y: np.ndarray | None = None,
        lr: float = 0.5,
        seed: int = 0,
        sample: int = 0,
    ) -> None:
        sizes = [int(s) for s in layer_sizes]
        if not 2 <= len(sizes) <= MAX_LAYERS or min(sizes) < 1 or max(sizes) > MAX_LAYER_SIZE:
            raise ValueError(
                f"layer_sizes must have 2 to {MAX_LAYERS} sizes between 1 and {MAX_LAYER_SIZE} "
                f"(the diagram must stay readable), got {list(layer_sizes)}"
            )
        if activation not in STEPPER_ACTIVATIONS:
            raise ValueError(f"activation must be one of {STEPPER_ACTIVATIONS}, got {activation!r}")
        if (X is None) != (y is None):
            raise ValueError("give both X and y, or neither (then a default dataset is used)")
        self.layer_sizes = sizes
        self.loss_name, self.output_name = loss, output
        self.seed = seed
        X, y = _sample_data(sizes, seed) if X is None else (np.asarray(X, float), np.asarray(y))
        if X.ndim != 2 or X.shape[1] != sizes[0] or len(X) != len(y):
            raise ValueError(f"X must have shape (n, {sizes[0]}) and y n rows; got {X.shape}, "
                             f"{np.shape(y)}")
        self.X, self.y = X, y

        self.activation_dropdown = ipw.Dropdown(options=list(STEPPER_ACTIVATIONS), value=activation,
                                                description="activation")
        self.sample_dropdown = ipw.Dropdown(
            options=[(self._sample_label(i), i) for i in range(len(X))], value=sample,
            description="sample",
        )
        # A selection, not a log slider: the browser snaps a log slider to its grid (0.5 became
        # 10^-0.3 = 0.501), and the update would silently use another rate than the one given.
        rates = sorted(set(STEPPER_LEARNING_RATES) | {float(lr)})
        self.lr_slider = ipw.SelectionSlider(options=[(f"{r:g}", r) for r in rates],
                                             value=float(lr), description="learning rate",
                                             style={"description_width": "initial"})
        self.numerical_checkbox = ipw.Checkbox(value=False, description="numerical gradients too",
                                               indent=False)
        self.buttons = {}
        for name, icon in (("forward", "arrow-right"), ("loss", "bullseye"),
                           ("backward", "arrow-left"), ("update", "check"), ("reset", "undo")):
            button = ipw.Button(description=name.capitalize(), icon=icon)
            button.add_class(f"nnb-stepper-{name}")
            self.buttons[name] = button
        self.forward_button = self.buttons["forward"]
        self.loss_button = self.buttons["loss"]
        self.backward_button = self.buttons["backward"]
        self.update_button = self.buttons["update"]
        self.reset_button = self.buttons["reset"]
        self.parameter_dropdown = ipw.Dropdown(options=self._parameter_names(),
                                               description="explain", value="W1[0,0]")
        self.status = ipw.HTML()
        self.status.add_class("nnb-stepper-status")
        self.explanation = ipw.HTML()
        self.explanation.add_class("nnb-stepper-explanation")
        self.table = ipw.HTML()
        self.table.add_class("nnb-stepper-table")
        height = 0.55 * max(sizes) + 1.6
        self.figure = FigureImage((1.9 * len(sizes) + 1.2, height), css_class="nnb-stepper-diagram")
        self._ax = self.figure.figure.add_axes((0.01, 0.01, 0.98, 0.9))

        self.forward_button.on_click(lambda _b: self.forward())
        self.loss_button.on_click(lambda _b: self.compute_loss())
        self.backward_button.on_click(lambda _b: self.backward())
        self.update_button.on_click(lambda _b: self.update())
        self.reset_button.on_click(lambda _b: self.reset())
        self.activation_dropdown.observe(lambda _c: self.reset(), names="value")
        self.sample_dropdown.observe(lambda _c: self.new_pass(), names="value")
        self.numerical_checkbox.observe(lambda _c: self._refresh(), names="value")
        self.parameter_dropdown.observe(lambda _c: self._refresh(), names="value")

        table_box = ipw.Accordion(children=[self.table], titles=("all gradients",))
        self.widget = ipw.VBox([
            ipw.HBox([self.activation_dropdown, self.sample_dropdown]),
            ipw.HBox([self.lr_slider, self.numerical_checkbox]),
            ipw.HBox(list(self.buttons.values())),
            self.figure.image, self.status,
            self.parameter_dropdown, self.explanation, table_box,
        ])
        self.widget.add_class("nnb-backprop-stepper")
        self.reset()

    # ----- state -----
    @property
    def stage(self) -> str:
        return self.state.stage

    @property
    def loss_before(self) -> float | None:
        return self.state.loss_before

    @property
    def loss_after(self) -> float | None:
        return self.state.loss_after

    @property
    def selected_parameter(self) -> str:
        return str(self.parameter_dropdown.value)

    def displayed_gradients(self) -> list[dict[str, np.ndarray] | None]:
        """Per layer ``k = 1..L``: the gradients on the diagram (``{"W", "b"}``), None if hidden."""
        return [self.state.gradients[k - 1] if self.state.revealed(k) else None
                for k in range(1, self.state.n_layers + 1)]

    # ----- actions -----
    def reset(self) -> None:
        """New weights from ``seed`` (and the chosen activation), then a fresh pass."""
        self.model = MLP(self.layer_sizes, activation=self.activation_dropdown.value,
                         output=self.output_name, loss=self.loss_name, seed=self.seed,
                         dtype=np.float64)
        n_out, y = self.layer_sizes[-1], np.asarray(self.y)
        if isinstance(self.model.loss_fn, MSE) and n_out > 1 and y.ndim == 1:
            y = np.eye(n_out)[y]  # class labels become one-hot rows for a squared error
        self.targets = self.model.loss_fn.check_targets(y, n_out)
        self.new_pass()

    def new_pass(self) -> None:
        """Start again at the input with the current weights and sample."""
        index = self.sample_dropdown.value
        self.state = BackpropPass(self.model, self.X[index], self.targets[index])
        self._refresh()

    def forward(self) -> None:
        """Compute one more layer (after an update: start a new pass)."""
        if self.state.updated:
            self.state = BackpropPass(self.model, self.state.x[0], self.state.target[0])
        self.state.forward_layer()
        self._refresh()

    def run_forward(self) -> None:
        """Every remaining forward layer at once."""
        while self.state.can_forward() or self.state.updated:
            self.forward()

    def compute_loss(self) -> None:
        self.state.compute_loss()
        self._refresh()

    def backward(self) -> None:
        """Reveal the gradients of one more layer, from the output backwards."""
        k = self.state.backward_layer()
        if self.numerical_checkbox.value:
            self.state.numerical_gradients(k)
        self._refresh()

    def run_backward(self) -> None:
        while self.state.can_backward():
            self.backward()

    def update(self) -> None:
        """``W -= lr * dL/dW`` for every layer; the loss on the sample before and after is shown."""
        self.state.update(float(self.lr_slider.value))
        self._refresh()

    def select_parameter(self, name: str) -> None:
        """Show the arithmetic behind ``name``'s gradient, e.g. ``"W1[0,2]"`` or ``"b2[0]"``."""
        if name not in self.parameter_dropdown.options:
            raise ValueError(f"unknown parameter {name!r}; names look like 'W1[0,2]' or 'b1[0]'")
        self.parameter_dropdown.value = name

    def explain(self, name: str | None = None) -> str:
        """Plain-text arithmetic of ``name``'s gradient (default: the selected parameter)."""
        kind, k, i, j = self._parse(name or self.selected_parameter)
        s = self.state
        index = (i, j) if kind == "W" else (i,)
        value = s.pass_parameters(k)[kind][index]
        lines = [f"{name or self.selected_parameter} = {value:.4g}"]
        if s.updated:
            lines[0] += (f" before the update (now {s.parameters(k)[kind][index]:.4g} = "
                         f"{value:.4g} − {s.lr:g} × {s.gradients[k - 1][kind][index]:.4g})")
        if not s.revealed(k):
            lines.append(f"its gradient appears when the backward pass reaches layer {k} "
                         "(press Backward)")
            return "\n".join(lines)
        unit = j if kind == "W" else i
        if kind == "W":
            lines.append(s.explain_weight(k, i, j))
        else:
            lines.append(f"dL/db{k}[{i}] = δ{k}[{i}] = {s.delta(k)[i]:.4g}")
        lines.append(s.explain_delta(k, unit))
        if self.numerical_checkbox.value and s.has_numerical(k):
            numeric = s.numerical_gradients(k)[kind][(i, j) if kind == "W" else (i,)]
            analytic = s.gradients[k - 1][kind][(i, j) if kind == "W" else (i,)]
            error = abs(numeric - analytic) / max(abs(numeric) + abs(analytic), 1e-12)
            lines.append(f"numerical: (L(w + ε) − L(w − ε)) / 2ε = {numeric:.6g}  "
                         f"(relative error {error:.1e})")
        lines.append("all numbers above: this pass, with the weights before the update"
                     if s.updated else "all numbers above: this pass, with the current weights "
                     "(before the update)")
        return "\n".join(lines)

    # ----- internals -----
    def _sample_label(self, i: int) -> str:
        x = ", ".join(f"{v:g}" for v in self.X[i])
        return f"#{i}: x = ({x}) → y = {np.asarray(self.y[i]).tolist()}"

    def _parameter_names(self) -> list[str]:
        names = []
        for k in range(1, len(self.layer_sizes)):
            n_in, n_out = self.layer_sizes[k - 1], self.layer_sizes[k]
            names += [f"W{k}[{i},{j}]" for i in range(n_in) for j in range(n_out)]
            names += [f"b{k}[{j}]" for j in range(n_out)]
        return names

    @staticmethod
    def _parse(name: str) -> tuple[str, int, int, int]:
        match = _PARAMETER.match(name)
        if match is None:
            raise ValueError(f"cannot read parameter name {name!r}; use e.g. 'W1[0,2]' or 'b1[0]'")
        kind, k, i, j = match.groups()
        return kind, int(k), int(i), int(j or 0)

    def _refresh(self) -> None:
        s = self.state
        self.forward_button.disabled = not (s.can_forward() or s.updated)
        self.loss_button.disabled = not s.can_compute_loss()
        self.backward_button.disabled = not s.can_backward()
        self.update_button.disabled = not s.can_update()
        self._draw()
        self.status.value = self._status_html()
        self.explanation.value = f"<pre>{html.escape(self.explain())}</pre>"
        self.table.value = gradient_table_html(self.state, self.numerical_checkbox.value)

    def _status_html(self) -> str:
        s = self.state
        parts = [f"<b>stage:</b> {s.stage}"]
        if s.loss_before is not None:
            parts.append(f"<b>loss on this sample:</b> {s.loss_before:.4f}")
        if s.loss_after is not None:
            change = "lower" if s.loss_after < s.loss_before else "higher"
            parts.append(f"<b>after the update:</b> {s.loss_after:.4f} ({change}; "
                         f"mean over all samples now {self.model.loss(self.X, self.targets):.4f})")
        nxt = ("Forward" if s.can_forward() or s.updated else "Loss" if s.can_compute_loss()
               else "Backward" if s.can_backward() else "Update")
        parts.append(f"next: <b>{nxt}</b>")
        return " — ".join(parts)

    def _draw(self) -> None:
        draw_pass(self._ax, self.state, self._parse(self.selected_parameter),
                  numerical=self.numerical_checkbox.value)
        self.figure.render()

"""Playground: TensorFlow Playground in the notebook, on the course's own ``MLP``.

Datasets circle/xor/gaussian/spiral (noise, train ratio, regenerate), input features x1, x2,
x1², x2², x1·x2, sin x1, sin x2, up to 6 hidden layers of up to 8 neurons, ReLU/tanh/sigmoid/
linear, learning rate, L1/L2, batch size, play/pause/step/reset with an epoch counter, the
decision boundary with train and test points, a heatmap per neuron, train and test loss
curves. Beyond it: SGD/Momentum/Adam, 3-4 classes (softmax cross-entropy) on gaussian and
spiral, and the gradient norm of every layer.

Play trains on the kernel's asyncio loop, so Pause and every other control keep working while it
runs. A frame trains for about as long as the previous redraw took (at least one epoch, at most
``MAX_EPOCHS_PER_FRAME``), then redraws once: drawing stays at most half of the time, so the
network trains tens of epochs per second instead of one epoch per (costly) frame. In a script,
call ``step(n)``.

>>> p = Playground(dataset="xor", hidden_layers=(4,), lr=0.1)
>>> p.step(20)
>>> p.epoch
20
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import ipywidgets as ipw

from nnbasics.widgets._background import PlayControls
from nnbasics.widgets._display import WidgetBase
from nnbasics.widgets._features import FEATURE_LABELS, FEATURES
from nnbasics.widgets._playground_trainer import (
    DATASETS,
    HIDDEN_ACTIVATIONS,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    MULTICLASS_DATASETS,
    OPTIMIZERS,
    REGULARIZATIONS,
    PlaygroundTrainer,
    check_hidden_layers,
)
from nnbasics.widgets._playground_views import BoundaryView, NeuronHeatmaps

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
FRAME_PAUSE = 0.01  # seconds between frames of Play: lets widget messages through
MAX_EPOCHS_PER_FRAME = 25  # so the boundary still visibly moves from frame to frame
MIN_TRAIN_SECONDS = 0.02  # per frame, when redraws are very fast


class Playground(PlayControls, WidgetBase):
    """A neural-network playground; every constructor argument is also a control.

    Args: ``dataset`` (one of ``DATASETS``), ``n_points``, ``noise`` (0-0.5), ``train_ratio``
    (0.1-0.9), ``n_classes`` (2; 3-4 for gaussian and spiral), ``features`` (names of
    ``_features.FEATURES``), ``hidden_layers`` (e.g. ``(4, 2)``), ``activation``, ``lr`` (one of
    ``LEARNING_RATES``), ``regularization`` ("none", "L1", "L2"), ``reg_rate``, ``batch_size``,
    ``optimizer`` ("SGD", "Momentum", "Adam"), ``seed``, ``show_test``.

    State: ``trainer`` (a ``PlaygroundTrainer``: data, ``model``, ``optimizer``, ``history``,
    ``gradient_norms``), ``epoch``, ``history``, ``model``, ``hidden_layers``, ``playing``.
    Actions: :meth:`step`, :meth:`play`, :meth:`pause`, :meth:`reset`, :meth:`regenerate`,
    :meth:`set_hidden_layers`, :meth:`add_layer`, :meth:`remove_layer`, :meth:`add_neuron`,
    :meth:`remove_neuron`.
    """

    def __init__(
        self,
        dataset: str = "circle",
        n_points: int = 500,
        noise: float = 0.05,
        train_ratio: float = 0.5,
        n_classes: int = 2,
        features: Sequence[str] = ("x1", "x2"),
        hidden_layers: Sequence[int] = (4, 2),
        activation: str = "tanh",
        lr: float = 0.03,
        regularization: str = "none",
        reg_rate: float = 0.0,
        batch_size: int = 10,
        optimizer: str = "SGD",
        seed: int = 0,
        show_test: bool = True,
    ) -> None:
        self.trainer = PlaygroundTrainer(
            dataset=dataset, n_points=n_points, noise=noise, train_ratio=train_ratio,
            n_classes=n_classes, features=features, hidden_layers=hidden_layers,
            activation=activation, lr=lr, regularization=regularization, reg_rate=reg_rate,
            batch_size=batch_size, optimizer=optimizer, seed=seed,
        )
        self._build_controls(lr, reg_rate, show_test)
        self.boundary = BoundaryView()
        self.heatmaps = NeuronHeatmaps(self.feature_toggles)
        self._make_player(FRAME_PAUSE)
        self._layout()
        self._rebuild_network_view()
        self.redraw()

    # ----- state -----
    @property
    def epoch(self) -> int:
        return self.trainer.epoch

    @property
    def history(self) -> dict[str, list[float]]:
        """``{"loss", "val_loss", "accuracy", "val_accuracy"}``: one value per epoch (and epoch 0)."""
        return self.trainer.history

    @property
    def model(self):
        return self.trainer.model

    @property
    def hidden_layers(self) -> tuple[int, ...]:
        return self.trainer.hidden_layers

    # ----- actions -----
    def step(self, n: int = 1) -> None:
        """Train ``n`` epochs, then redraw once."""
        for _ in range(n):
            if not self.trainer.train_epoch():
                break
        self.redraw()

    def play(self) -> None:
        """Train on the kernel's event loop, several epochs per frame, until :meth:`pause`."""
        self._start_playing()

    def reset(self) -> None:
        """New random initial weights (the next seed), same data, epoch 0."""
        self.trainer.seed += 1
        self.trainer.rebuild()
        self.redraw()

    def regenerate(self) -> None:
        """New random points with the current settings, and a reset network."""
        self.trainer.regenerate()
        self._rebuild_network_view()
        self.redraw()

    def set_hidden_layers(self, sizes: Sequence[int]) -> None:
        """Change the architecture, e.g. ``(8, 8)``; resets the network."""
        self.trainer.hidden_layers = check_hidden_layers(sizes)
        self.trainer.rebuild()
        self._rebuild_network_view()
        self.redraw()

    def add_layer(self) -> None:
        if len(self.hidden_layers) < MAX_HIDDEN_LAYERS:
            self.set_hidden_layers((*self.hidden_layers, 2))

    def remove_layer(self) -> None:
        if self.hidden_layers:
            self.set_hidden_layers(self.hidden_layers[:-1])

    def add_neuron(self, layer: int) -> None:
        sizes = list(self.hidden_layers)
        sizes[layer] = min(MAX_NEURONS, sizes[layer] + 1)
        self.set_hidden_layers(sizes)

    def remove_neuron(self, layer: int) -> None:
        sizes = list(self.hidden_layers)
        sizes[layer] = max(1, sizes[layer] - 1)
        self.set_hidden_layers(sizes)

    def redraw(self) -> None:
        """Draw the boundary, the curves, every neuron's heatmap and the counters."""
        start = time.perf_counter()
        t = self.trainer
        self.boundary.draw(t, show_test=self.show_test_checkbox.value)
        self.heatmaps.draw(t)
        self.epoch_label.value = f"<b>epoch</b> {t.epoch:07,d}"
        h = t.history
        self.stats_label.value = (
            f"train loss {h['loss'][-1]:.3f} · test loss {h['val_loss'][-1]:.3f} · "
            f"test accuracy {100 * h['val_accuracy'][-1]:.1f} %" if h["loss"] else "")
        self.status.value = "" if t.error is None else f"<b style='color:#b00'>{t.error}</b>"
        self._redraw_seconds = time.perf_counter() - start

    # ----- controls -----
    def _build_controls(self, lr: float, reg_rate: float, show_test: bool) -> None:
        t = self.trainer
        wide = {"description_width": "initial"}
        self.dataset_buttons = ipw.ToggleButtons(options=list(DATASETS), value=t.dataset,
                                                 description="data")
        self.classes_slider = ipw.IntSlider(value=t.n_classes, min=2, max=4, description="classes",
                                            disabled=t.dataset not in MULTICLASS_DATASETS)
        self.noise_slider = ipw.FloatSlider(value=t.noise, min=0.0, max=0.5, step=0.01,
                                            description="noise")
        self.train_ratio_slider = ipw.IntSlider(value=round(100 * t.train_ratio), min=10, max=90,
                                                step=10, description="train %", style=wide)
        self.regenerate_button = ipw.Button(description="Regenerate", icon="refresh")
        self.feature_toggles = {
            name: ipw.ToggleButton(value=name in t.features, description=FEATURE_LABELS[name],
                                   tooltip=f"input feature {name}",
                                   layout=ipw.Layout(width="84px", padding="0px", flex="0 0 auto"))
            for name in FEATURES
        }
        self.activation_dropdown = ipw.Dropdown(options=list(HIDDEN_ACTIVATIONS),
                                                value=t.activation, description="activation")
        self.lr_dropdown = ipw.Dropdown(options=_with(LEARNING_RATES, lr), value=lr,
                                        description="learning rate", style=wide)
        self.regularization_dropdown = ipw.Dropdown(options=list(REGULARIZATIONS),
                                                    value=t.regularization,
                                                    description="regularization", style=wide)
        self.reg_rate_dropdown = ipw.Dropdown(options=_with(REGULARIZATION_RATES, reg_rate),
                                              value=reg_rate, description="reg. rate", style=wide)
        self.batch_slider = ipw.IntSlider(value=t.batch_size, min=1, max=30,
                                          description="batch size", style=wide)
        self.optimizer_dropdown = ipw.Dropdown(options=list(OPTIMIZERS), value=t.optimizer_name,
                                               description="optimizer")
        self.show_test_checkbox = ipw.Checkbox(value=show_test, description="show test data",
                                               indent=False)
        self.play_button = ipw.Button(description="Play", icon="play", button_style="primary")
        self.step_button = ipw.Button(description="Step", icon="step-forward")
        self.reset_button = ipw.Button(description="Reset", icon="undo")
        self.add_layer_button = ipw.Button(description="+ layer", layout=_fixed("84px"))
        self.remove_layer_button = ipw.Button(description="− layer", layout=_fixed("84px"))
        self.epoch_label = ipw.HTML()
        self.stats_label = ipw.HTML()
        self.status = ipw.HTML()
        for widget, name in ((self.play_button, "play"), (self.step_button, "step"),
                             (self.reset_button, "reset"), (self.epoch_label, "epoch"),
                             (self.status, "status"), (self.dataset_buttons, "dataset")):
            widget.add_class(f"nnb-playground-{name}")

        self.play_button.on_click(lambda _b: self.toggle_play())
        self.step_button.on_click(lambda _b: self.step())
        self.reset_button.on_click(lambda _b: self.reset())
        self.regenerate_button.on_click(lambda _b: self.regenerate())
        self.add_layer_button.on_click(lambda _b: self.add_layer())
        self.remove_layer_button.on_click(lambda _b: self.remove_layer())
        for control in (self.dataset_buttons, self.classes_slider, self.noise_slider,
                        self.train_ratio_slider):
            control.observe(self._on_data_setting, names="value")
        for toggle in self.feature_toggles.values():
            toggle.observe(self._on_feature, names="value")
        self.activation_dropdown.observe(self._on_activation, names="value")
        self.lr_dropdown.observe(lambda c: self.trainer.set_lr(c["new"]), names="value")
        self.regularization_dropdown.observe(self._on_regularization, names="value")
        self.reg_rate_dropdown.observe(self._on_regularization, names="value")
        self.batch_slider.observe(self._on_batch, names="value")
        self.optimizer_dropdown.observe(self._on_optimizer, names="value")
        self.show_test_checkbox.observe(lambda _c: self.redraw(), names="value")

    def _layout(self) -> None:
        data = ipw.VBox([self.dataset_buttons, self.classes_slider, self.noise_slider,
                         self.train_ratio_slider, self.regenerate_button])
        training = ipw.VBox([self.lr_dropdown, self.activation_dropdown,
                             self.regularization_dropdown, self.reg_rate_dropdown,
                             self.batch_slider, self.optimizer_dropdown])
        run = _row([self.play_button, self.step_button, self.reset_button, self.epoch_label,
                    self.stats_label])
        layers = _row([self.remove_layer_button, self.add_layer_button, self.show_test_checkbox])
        for label in (self.epoch_label, self.stats_label):
            label.layout.flex = "0 0 auto"
        # Rows wrap instead of squeezing their children: on a narrow window the figure moves
        # below the network and every label keeps its full width.
        self.heatmaps.widget.layout.flex = "0 0 auto"
        image = self.boundary.figure.image
        image.layout = ipw.Layout(flex="1 1 420px", min_width="0px", max_width="768px", height="auto")
        self.widget = ipw.VBox([
            run, _row([data, training]), layers,
            _row([self.heatmaps.widget, image]), self.status,
        ])
        self.widget.add_class("nnb-playground")

    def _rebuild_network_view(self) -> None:
        headers = []
        for index, size in enumerate(self.hidden_layers):
            minus = ipw.Button(description="−", tooltip=f"one neuron less in layer {index + 1}",
                               layout=_fixed("30px"))
            plus = ipw.Button(description="+", tooltip=f"one neuron more in layer {index + 1}",
                              layout=_fixed("30px"))
            minus.on_click(lambda _b, i=index: self.remove_neuron(i))
            plus.on_click(lambda _b, i=index: self.add_neuron(i))
            count = ipw.HTML(f"{size}&nbsp;neuron{'s' if size > 1 else ''}",
                             layout=ipw.Layout(flex="0 0 auto"))
            headers.append(ipw.VBox([ipw.HBox([minus, plus]), count]))
        self.heatmaps.build(self.trainer, headers)

    # ----- observers -----
    def _on_data_setting(self, _change: dict) -> None:
        t = self.trainer
        t.dataset = self.dataset_buttons.value
        multiclass = t.dataset in MULTICLASS_DATASETS
        self.classes_slider.disabled = not multiclass
        t.n_classes = self.classes_slider.value if multiclass else 2
        t.noise = float(self.noise_slider.value)
        t.train_ratio = self.train_ratio_slider.value / 100
        t.regenerate(seed=t.data_seed)
        self._rebuild_network_view()
        self.redraw()

    def _on_feature(self, change: dict) -> None:
        chosen = [name for name, toggle in self.feature_toggles.items() if toggle.value]
        if not chosen:  # the network needs an input
            change["owner"].value = True
            return
        self.trainer.features = tuple(chosen)
        self.trainer.rebuild()
        self.heatmaps.draw_features(self.trainer)
        self.redraw()

    def _on_activation(self, change: dict) -> None:
        self.trainer.activation = change["new"]
        self.trainer.rebuild()
        self.redraw()

    def _on_regularization(self, _change: dict) -> None:
        self.trainer.set_regularization(self.regularization_dropdown.value,
                                        float(self.reg_rate_dropdown.value))

    def _on_batch(self, change: dict) -> None:
        self.trainer.batch_size = int(change["new"])

    def _on_optimizer(self, change: dict) -> None:
        self.trainer.optimizer_name = change["new"]
        self.trainer.reset_optimizer()

    # ----- play -----
    def _play_tick(self) -> bool:
        """One frame of Play: train for about as long as the last redraw took, then redraw."""
        budget = max(MIN_TRAIN_SECONDS, self._redraw_seconds)
        start = time.perf_counter()
        for _ in range(MAX_EPOCHS_PER_FRAME):
            if not self.trainer.train_epoch() or time.perf_counter() - start >= budget:
                break
        self.redraw()
        return self.trainer.error is None


def _fixed(width: str) -> ipw.Layout:
    """A layout of exactly ``width`` that a crowded row cannot shrink (labels stay whole)."""
    return ipw.Layout(width=width, min_width=width, padding="0px", flex="0 0 auto")


def _row(children: list[ipw.Widget]) -> ipw.HBox:
    """A row whose children wrap onto the next line rather than being squeezed."""
    return ipw.HBox(children, layout=ipw.Layout(flex_flow="row wrap", align_items="flex-start"))


def _with(options: Sequence[float], value: float) -> list[float]:
    """``options`` plus ``value`` (sorted), so a constructor value always has an entry."""
    return sorted(set(options) | {float(value)})

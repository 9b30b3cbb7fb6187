"""``InitializationExplorer``: how the choice of initial weights shapes the signal in a deep net.

A batch of standard-normal inputs ``X (n_samples, width)`` goes forward through ``depth`` blocks of
``Dense(width, width, init=...)`` + ``Activation(...)`` built from :mod:`nnbasics.layers`, and a
random upstream gradient comes back through the same layers' ``backward``. For each block the
explorer reports the mean and standard deviation of the activations, the standard deviation of
the gradient reaching it, and whether all its units compute the same value (the symmetry problem).

Python API (what the tests drive)::

    explorer = InitializationExplorer(depth=8, activation="tanh")
    explorer.initializer.value = "he"      # a control: zeros, normal, xavier, he
    explorer.stats                         # one dict per block for the current choice
    explorer.std_by_initializer()          # {"zeros": [...], "normal": [...], ...}: (depth,) stds
"""

from __future__ import annotations

import ipywidgets as ipw
import numpy as np

from nnbasics.layers import Activation, Dense
from nnbasics.widgets._display import FigureImage, WidgetBase, labelled

__all__ = ["INITIALIZER_CHOICES", "InitializationExplorer", "activation_statistics"]

INITIALIZER_CHOICES = ("zeros", "normal", "xavier", "he")
ACTIVATION_CHOICES = ("tanh", "relu", "sigmoid")
_COLOURS = {"zeros": "tab:gray", "normal": "tab:orange", "xavier": "tab:blue", "he": "tab:green"}


def activation_statistics(
    initializer: str,
    activation: str = "tanh",
    depth: int = 8,
    width: int = 128,
    n_samples: int = 256,
    seed: int = 0,
    keep_outputs: bool = False,
) -> list[dict]:
    """Per-block statistics of a ``depth``-block stack of ``Dense(width, width)`` + activation.

    Inputs ``X (n_samples, width)`` are standard normal; the upstream gradient at the top is
    standard normal too. Returns ``depth`` dicts with keys ``layer`` (1-based), ``mean``, ``std``
    (of the activations), ``grad_std`` (of the gradient arriving at that block's output),
    ``identical_units`` (every unit has the same value for every sample) and, with
    ``keep_outputs=True``, ``outputs`` (the ``(n_samples, width)`` activations).
    """
    if initializer not in INITIALIZER_CHOICES:
        raise ValueError(
            f"unknown initializer {initializer!r}; choose one of {', '.join(INITIALIZER_CHOICES)}"
        )
    for value, name in ((depth, "depth"), (width, "width"), (n_samples, "n_samples")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    rng = np.random.default_rng(seed)
    layers = []
    for _ in range(depth):
        layers.append(Dense(width, width, init=initializer, rng=rng, dtype=np.float32))
        layers.append(Activation(activation))
    x = rng.standard_normal((n_samples, width), dtype=np.float32)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        for layer in layers:
            x = layer.forward(x)
        grad = rng.standard_normal(x.shape, dtype=np.float32)
        grads_at_output = [None] * depth
        for index in range(len(layers) - 1, -1, -1):
            if index % 2 == 1:  # an Activation layer: grad is dL/d(its output)
                grads_at_output[index // 2] = grad
            grad = layers[index].backward(grad)
    stats = []
    for block in range(depth):
        out = layers[2 * block + 1].output
        row = {
            "layer": block + 1,
            "mean": float(np.mean(out)),
            "std": float(np.std(out)),
            "grad_std": float(np.std(grads_at_output[block])),
            "identical_units": bool(np.max(np.ptp(out, axis=1)) == 0.0),
        }
        if keep_outputs:
            row["outputs"] = out
        stats.append(row)
    return stats


class InitializationExplorer(WidgetBase):
    """Pick an initializer, an activation and a depth; see the activations layer by layer.

    Controls (set ``.value``): ``initializer`` (zeros/normal/xavier/he), ``activation``
    (tanh/relu/sigmoid), ``depth`` (2-16 blocks). Left panel: histograms of the activations of
    every block for the chosen initializer. Right panel: activation std per block for all four
    initializers (the chosen one bold). ``summary`` (an HTML widget) states the result in words.
    """

    def __init__(
        self,
        initializer: str = "xavier",
        activation: str = "tanh",
        depth: int = 8,
        width: int = 128,
        n_samples: int = 256,
        seed: int = 0,
    ) -> None:
        if activation not in ACTIVATION_CHOICES:
            raise ValueError(
                f"activation must be one of {', '.join(ACTIVATION_CHOICES)}, got {activation!r}"
            )
        if initializer not in INITIALIZER_CHOICES:
            raise ValueError(
                f"initializer must be one of {', '.join(INITIALIZER_CHOICES)}, got {initializer!r}"
            )
        self.width, self.n_samples, self.seed = width, n_samples, seed
        self.initializer = ipw.ToggleButtons(options=list(INITIALIZER_CHOICES), value=initializer)
        self.activation = ipw.Dropdown(options=list(ACTIVATION_CHOICES), value=activation)
        self.depth = ipw.IntSlider(value=depth, min=2, max=16, continuous_update=False)
        self.summary = ipw.HTML()
        self.plot = FigureImage(figsize=(10, 3.8), dpi=80)
        self.stats: list[dict] = []
        self._all: dict[str, list[dict]] = {}
        for control in (self.initializer, self.activation, self.depth):
            control.observe(self._on_change, names="value")
        self.widget = ipw.VBox(
            [
                labelled("initializer", self.initializer),
                ipw.HBox([labelled("activation", self.activation), labelled("depth", self.depth)]),
                self.plot.image,
                self.summary,
            ]
        )
        self.widget.add_class("nnb-initialization-explorer")
        self.initializer.add_class("nnb-initialization-initializer")
        self.update()

    def _on_change(self, change) -> None:
        self.update()

    def std_by_initializer(self) -> dict[str, list[float]]:
        """Activation std per block, ``(depth,)`` list, for each of the four initializers."""
        return {name: [row["std"] for row in rows] for name, rows in self._all.items()}

    def update(self) -> None:
        """Recompute the statistics for the current controls and redraw."""
        common = dict(
            activation=self.activation.value,
            depth=self.depth.value,
            width=self.width,
            n_samples=self.n_samples,
            seed=self.seed,
        )
        self._all = {}
        for name in INITIALIZER_CHOICES:
            keep = name == self.initializer.value
            self._all[name] = activation_statistics(name, keep_outputs=keep, **common)
        chosen = self._all[self.initializer.value]
        self.stats = [{k: v for k, v in row.items() if k != "outputs"} for row in chosen]
        self._draw(chosen)
        self.summary.value = self.describe()

    def describe(self) -> str:
        """One sentence on what the current choice does to the signal."""
        first, last = self.stats[0], self.stats[-1]
        name, act = self.initializer.value, self.activation.value
        text = (
            f"<b>{name} + {act}</b>: activation std {first['std']:.3g} after block 1, "
            f"{last['std']:.3g} after block {last['layer']}; gradient std at block 1: "
            f"{first['grad_std']:.3g}."
        )
        if any(row["identical_units"] for row in self.stats):
            text += " Every unit of a layer computes the same value: the symmetry is never broken."
        elif last["std"] < 0.1 * first["std"]:
            text += " The signal shrinks layer after layer: deep layers see almost nothing."
        elif last["std"] > 10 * first["std"]:
            text += " The signal grows layer after layer: it will explode in a deeper net."
        else:
            text += " The spread of the activations stays of the same order through the net."
        return text

    def _draw(self, chosen: list[dict]) -> None:
        fig = self.plot.figure
        fig.clear()
        ax_hist, ax_std = fig.subplots(1, 2)
        colours = _colour_ramp(len(chosen))
        values = [row["outputs"].ravel() for row in chosen]
        title = f"activations per block ({self.initializer.value})"
        if self.activation.value == "relu":  # hide the spike of exact zeros, say how big it is
            zero_share = float(np.mean(np.concatenate(values) == 0.0))
            values = [v[v != 0.0] for v in values]
            title = f"non-zero activations ({zero_share:.0%} are 0)"
        everything = np.concatenate(values)
        if everything.size == 0 or np.ptp(everything) == 0.0:
            ax_hist.text(0.5, 0.5, "every activation is identical", ha="center", va="center",
                         transform=ax_hist.transAxes)
        else:
            bins = np.linspace(*np.percentile(everything, [0.5, 99.5]), 60)
            for block, (v, colour) in enumerate(zip(values, colours, strict=True), start=1):
                counts, _ = np.histogram(v, bins=bins)
                share = counts / max(counts.sum(), 1)
                ax_hist.stairs(share, bins, color=colour, label=f"block {block}")
            ax_hist.legend(fontsize=7, ncol=2)
        ax_hist.set_title(title)
        ax_hist.set_xlabel("activation value")
        ax_hist.set_ylabel("fraction of values")
        blocks = np.arange(1, self.depth.value + 1)
        for name, rows in self._all.items():
            bold = name == self.initializer.value
            stds = np.maximum([row["std"] for row in rows], 1e-12)
            ax_std.semilogy(
                blocks, stds, marker="o", color=_COLOURS[name], label=name,
                linewidth=3 if bold else 1, alpha=1.0 if bold else 0.5,
            )
        ax_std.set_title(f"activation std per block ({self.activation.value})")
        ax_std.set_xlabel("block")
        ax_std.set_ylabel("std (log scale; 0 drawn at 1e-12)")
        ax_std.legend(fontsize=8)
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.91, wspace=0.28)
        self.plot.render()


def _colour_ramp(n: int) -> list[tuple[float, float, float, float]]:
    import matplotlib as mpl

    cmap = mpl.colormaps["viridis"]
    return [cmap(i / max(n - 1, 1)) for i in range(n)]

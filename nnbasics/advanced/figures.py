"""Figures of chapter 4 that ``nnbasics.plots`` does not have (matplotlib imported lazily).

Each function takes arrays and an optional ``ax`` (or ``axes``) and returns the matplotlib Axes
(or Figure). matplotlib is imported inside the functions, so importing ``nnbasics.advanced``
stays NumPy-only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def _axes(ax, figsize: tuple[float, float]):
    """``nnbasics.plots``' own helper, imported here so that this module stays NumPy-only."""
    from nnbasics.plots._axes import axes_or_new

    return axes_or_new(ax, figsize)


def plot_convolution(image: np.ndarray, kernel: np.ndarray, output: np.ndarray, axes=None):
    """Three panels: the input ``image`` (H, W), the ``kernel`` (k, k) with its numbers, ``output``.

    ``axes``: three Axes to draw on (a new figure when None). Returns the three Axes.
    """
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 3, figsize=(9.0, 3.2))
    ax_in, ax_kernel, ax_out = axes
    ax_in.imshow(image, cmap="gray_r")
    ax_in.set_title("input")
    limit = max(float(np.abs(kernel).max()), 1e-12)
    ax_kernel.imshow(kernel, cmap="RdBu", vmin=-limit, vmax=limit)
    for (row, col), value in np.ndenumerate(kernel):
        colour = "white" if abs(value) > 0.6 * limit else "black"
        ax_kernel.text(col, row, f"{value:.2g}", ha="center", va="center", fontsize=9, color=colour)
    ax_kernel.set_title("kernel")
    out_limit = max(float(np.abs(output).max()), 1e-12)
    ax_out.imshow(output, cmap="RdBu", vmin=-out_limit, vmax=out_limit)
    ax_out.set_title(f"output (range {output.min():.2f} to {output.max():.2f})")
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    return axes


def plot_sequence_states(
    inputs: np.ndarray, states: np.ndarray, title: str = "hidden state", ax=None
):
    """A heatmap of ``states`` (T, H) over time, the inputs (T,) printed above each step."""
    ax = _axes(ax, (8.0, 3.0))
    limit = max(float(np.abs(states).max()), 1e-12)
    image = ax.imshow(states.T, aspect="auto", cmap="RdBu", vmin=-limit, vmax=limit)
    ax.set_xticks(range(len(inputs)), [f"{v:+.0f}" for v in inputs])
    ax.set_xlabel("input at each time step")
    ax.set_ylabel("hidden unit")
    ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, fraction=0.03)
    return ax


def plot_gate_traces(
    gates: Mapping[str, np.ndarray], labels: np.ndarray, unit: int, axes=None
):
    """One panel per recorded gate, e.g. ``lstm.gates_``: the chosen ``unit`` over time.

    ``gates`` maps names ("input", "forget", "output", "cell", ...) to ``(n, T, H)`` arrays; one line
    per sequence, blue for label 1 and orange for label 0 (``labels`` (n,)).
    """
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, len(gates), figsize=(3.2 * len(gates), 2.8), sharex=True)
    for ax, (name, values) in zip(np.ravel(axes), gates.items(), strict=True):
        for sequence, label in zip(values[:, :, unit], labels, strict=True):
            ax.plot(sequence, color="tab:blue" if label else "tab:orange", linewidth=1)
        ax.set_title(f"{name} gate" if name != "cell" else "cell state")
        ax.set_xlabel("time step")
        ax.grid(alpha=0.3)
    return axes


def plot_latent_space(codes: np.ndarray, labels: np.ndarray, ax=None):
    """Scatter the 2-D ``codes`` (n, 2) coloured by digit ``labels`` (n,), with a legend."""
    ax = _axes(ax, (5.5, 5.0))
    for digit in np.unique(labels):
        points = codes[labels == digit]
        ax.scatter(points[:, 0], points[:, 1], s=4, alpha=0.6, label=str(digit),
                   color=f"C{int(digit) % 10}")
    ax.legend(markerscale=3, title="digit", fontsize="small", loc="best")
    ax.set_xlabel("latent 1")
    ax.set_ylabel("latent 2")
    return ax


def plot_real_vs_generated(real: np.ndarray, generated: np.ndarray, bins: int = 40, ax=None):
    """Overlaid density histograms of real (n,) and generated (m,) samples."""
    ax = _axes(ax, (6.0, 3.2))
    low = min(real.min(), generated.min())
    high = max(real.max(), generated.max())
    edges = np.linspace(low, high, bins + 1)
    ax.hist(real, bins=edges, density=True, alpha=0.5, label="real data")
    ax.hist(generated, bins=edges, density=True, alpha=0.5, label="generator")
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    ax.legend()
    return ax


def plot_gan_progress(
    history: Mapping[str, Sequence[float]], target_mean: float, target_std: float, ax=None
):
    """Mean and standard deviation of the generated samples against the training step.

    ``history``: the dict returned by ``GAN1D.train`` (keys ``step``, ``mean``, ``std``); the
    targets are drawn as dotted lines of the same colours.
    """
    ax = _axes(ax, (6.0, 3.2))
    for key, target, colour in (("mean", target_mean, "tab:blue"), ("std", target_std, "tab:orange")):
        ax.plot(history["step"], history[key], color=colour, label=f"{key} of generated samples")
        ax.axhline(target, color=colour, linestyle=":", label=f"target {key}")
    ax.set_xlabel("training round")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return ax


def plot_loss_against_time(
    curves: Mapping[str, tuple[Sequence[float], Sequence[float]]], log: bool = True, ax=None
):
    """Loss against wall-clock seconds: ``curves`` maps a label to ``(seconds, losses)``."""
    ax = _axes(ax, (6.0, 3.2))
    for label, (seconds, losses) in curves.items():
        ax.plot(seconds, losses, marker="o", markersize=3, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("training time (s)")
    ax.set_ylabel("training loss")
    ax.grid(alpha=0.3)
    ax.legend()
    return ax

"""An activation function with its derivative, saturation regions shaded."""

from __future__ import annotations

import numpy as np

from nnbasics.plots._axes import axes_or_new


def saturation_mask(derivative: np.ndarray, threshold: float = 0.05) -> np.ndarray:
    """Where the derivative is below ``threshold`` × its maximum (the unit barely learns there)."""
    derivative = np.abs(np.asarray(derivative, dtype=float))
    peak = derivative.max()
    if peak == 0:
        return np.ones_like(derivative, dtype=bool)
    return derivative < threshold * peak


def plot_activation(
    name: str,
    z_range: tuple[float, float] = (-6.0, 6.0),
    ax=None,
    show_derivative: bool = True,
    mark_saturation: bool = True,
    point: float | None = None,
):
    """Plot activation ``name`` (see ``nnbasics.activations``) over ``z_range`` and its derivative.

    Regions where the derivative is nearly zero are shaded; ``point`` marks one input z on the curve.
    """
    from nnbasics.activations import get_activation

    activation = get_activation(name)
    ax = axes_or_new(ax, figsize=(5.0, 3.2))
    z = np.linspace(*z_range, 400)
    ax.plot(z, activation.fn(z), color="#2b6cb0", linewidth=2, label=f"{activation.name}(z)")
    if show_derivative and activation.derivative is not None:
        slope = activation.derivative(z)
        ax.plot(z, slope, "--", color="#dd6b20", linewidth=1.5, label="derivative")
        if mark_saturation and name not in ("linear", "step"):
            mask = saturation_mask(slope)
            ax.fill_between(
                z, 0, 1, where=mask, transform=ax.get_xaxis_transform(), color="#a0aec0", alpha=0.25, label="saturated"
            )
    if point is not None:
        ax.plot([point], [activation.fn(np.array([point]))[0]], "o", color="#c53030", markersize=8)
    ax.axhline(0, color="black", linewidth=0.5)
    ax.axvline(0, color="black", linewidth=0.5)
    ax.set_xlabel("z")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return ax

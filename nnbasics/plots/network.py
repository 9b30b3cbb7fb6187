"""The network diagram: nodes and edges coloured by values, weights or gradients.

The widgets redraw it after every Forward/Backward/Update step, so it draws all edges as one
``LineCollection`` and all nodes as one scatter (fast even for 4-8-8-3 networks).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.collections import LineCollection

from nnbasics.plots._axes import NEGATIVE, NEUTRAL, POSITIVE, axes_or_new


def _visible_indices(size: int, max_nodes: int) -> list[int]:
    """Which node indices of a layer are drawn: all, or the first ones and the last when too many."""
    if size <= max_nodes:
        return list(range(size))
    return list(range(max_nodes - 1)) + [size - 1]


def _positions(layer_sizes: Sequence[int], max_nodes: int) -> list[dict[int, tuple[float, float]]]:
    positions = []
    for layer, size in enumerate(layer_sizes):
        shown = _visible_indices(size, max_nodes)
        top = (len(shown) - 1) / 2
        positions.append({index: (float(layer), top - row) for row, index in enumerate(shown)})
    return positions


def edge_style(values: np.ndarray, max_width: float = 6.0, scale: float | None = None):
    """Colours (by sign) and line widths (by magnitude) for edge ``values``; widths in [0.4, max_width]."""
    values = np.asarray(values, dtype=float)
    scale = float(np.max(np.abs(values))) if scale is None else scale
    magnitude = np.abs(values) / scale if scale > 0 else np.zeros_like(values)
    widths = 0.4 + (max_width - 0.4) * magnitude
    colours = np.where(values >= 0, POSITIVE, NEGATIVE)
    return colours, widths


def draw_network(
    layer_sizes: Sequence[int],
    node_values: Sequence[np.ndarray | None] | None = None,
    edge_values: Sequence[np.ndarray | None] | None = None,
    ax=None,
    layer_labels: Sequence[str] | None = None,
    highlight_edge: tuple[int, int, int] | None = None,
    show_values: bool = True,
    value_format: str = "{:.2f}",
    max_nodes: int = 10,
    max_width: float = 6.0,
    title: str | None = None,
):
    """Draw a fully connected network of ``layer_sizes`` (e.g. ``[2, 4, 1]``).

    ``node_values[l]``: ``(layer_sizes[l],)`` numbers written on and colouring layer ``l``'s nodes
    (None for a layer leaves it plain). ``edge_values[l]``: ``(layer_sizes[l], layer_sizes[l+1])``
    (weights ``W`` or gradients ``dW``); colour = sign (blue +, orange −), width = magnitude.
    ``highlight_edge=(l, i, j)`` outlines edge ``i → j`` between layers ``l`` and ``l+1``.
    Layers larger than ``max_nodes`` are drawn truncated (first nodes, an ellipsis, the last node).
    Returns the Axes; ``ax.collections[0]`` holds the edges in drawing order (layer, i, j).
    """
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"layer_sizes needs at least two positive sizes, got {list(layer_sizes)}")
    n_links = len(sizes) - 1
    if edge_values is not None and len(edge_values) != n_links:
        raise ValueError(f"edge_values needs one array per connection ({n_links}), got {len(edge_values)}")
    if node_values is not None and len(node_values) != len(sizes):
        raise ValueError(f"node_values needs one array per layer ({len(sizes)}), got {len(node_values)}")
    ax = axes_or_new(ax, figsize=(1.8 * len(sizes) + 1, 0.6 * min(max(sizes), max_nodes) + 1.5))
    positions = _positions(sizes, max_nodes)

    segments, values, keys = [], [], []
    for layer in range(n_links):
        weights = None if edge_values is None else edge_values[layer]
        if weights is not None:
            weights = np.asarray(weights, dtype=float)
            if weights.shape != (sizes[layer], sizes[layer + 1]):
                raise ValueError(
                    f"edge_values[{layer}] must have shape {(sizes[layer], sizes[layer + 1])}, got {weights.shape}"
                )
        for i, start in positions[layer].items():
            for j, end in positions[layer + 1].items():
                segments.append((start, end))
                values.append(np.nan if weights is None else weights[i, j])
                keys.append((layer, i, j))
    values = np.array(values)
    known = ~np.isnan(values)
    colours = np.full(len(values), NEUTRAL, dtype=object)
    widths = np.full(len(values), 1.0)
    if known.any():
        colours[known], widths[known] = edge_style(values[known], max_width)
    edges = LineCollection(segments, colors=list(colours), linewidths=widths, zorder=1, alpha=0.85)
    edges.edge_keys = keys
    ax.add_collection(edges)
    if highlight_edge is not None and tuple(highlight_edge) in keys:
        start, end = segments[keys.index(tuple(highlight_edge))]
        ax.plot(*zip(start, end, strict=True), color="black", linewidth=widths.max() + 2.5, zorder=0.9)

    _draw_nodes(ax, sizes, positions, node_values, show_values, value_format)
    labels = layer_labels or ["input"] + [f"hidden {k}" for k in range(1, n_links)] + ["output"]
    top = max(max(y for _, y in layer.values()) for layer in positions)
    for layer, label in enumerate(labels):
        ax.text(layer, top + 0.9, label, ha="center", va="bottom", fontsize=9, color="#4a5568")
    ax.set_xlim(-0.6, len(sizes) - 0.4)
    ax.set_ylim(-top - 0.9, top + 1.5)
    ax.set_aspect("auto")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax


def _draw_nodes(ax, sizes, positions, node_values, show_values, value_format) -> None:
    xs, ys, face = [], [], []
    scale = 0.0
    if node_values is not None:
        known = [np.abs(np.asarray(v, float)).max() for v in node_values if v is not None and np.size(v)]
        scale = max(known, default=0.0)
    for layer, size in enumerate(sizes):
        layer_values = None if node_values is None else node_values[layer]
        if layer_values is not None:
            layer_values = np.asarray(layer_values, dtype=float).reshape(-1)
            if layer_values.shape != (size,):
                raise ValueError(f"node_values[{layer}] must have {size} entries, got {layer_values.shape}")
        for index, (x, y) in positions[layer].items():
            xs.append(x)
            ys.append(y)
            if layer_values is None:
                face.append("white")
                continue
            value = layer_values[index]
            strength = 0.15 + 0.75 * (abs(value) / scale if scale > 0 else 0.0)
            base = np.array([43, 108, 176]) if value >= 0 else np.array([221, 107, 32])
            face.append(tuple((255 - strength * (255 - base)) / 255))
            if show_values:
                ax.text(x, y, value_format.format(value), ha="center", va="center", fontsize=8, zorder=4)
        if size > len(positions[layer]):
            last_y = positions[layer][size - 1][1]
            ax.text(layer, last_y + 0.5, f"⋮ ({size})", ha="center", va="center", fontsize=9)
    ax.scatter(xs, ys, s=620, c=face, edgecolors="#2d3748", linewidths=1.2, zorder=3)

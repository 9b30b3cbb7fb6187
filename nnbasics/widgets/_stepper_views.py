"""What the backprop stepper draws: the network diagram of a pass, and the table of gradients.

The diagram is ``plots.draw_network``: activations (forward) or deltas (backward) on the nodes,
weights (forward) or ``dL/dW`` (backward) on the edges, colour = sign, width = magnitude.
"""

from __future__ import annotations

import numpy as np

from nnbasics.plots import draw_network
from nnbasics.widgets._backprop_pass import BackpropPass

EDGE_LABEL_LIMIT = 16  # "analytic|numerical" labels are written on edges of layers this small


def draw_pass(ax, state: BackpropPass, selected: tuple[str, int, int, int],
              numerical: bool = False) -> None:
    """Draw ``state`` on ``ax`` (cleared first); ``selected = (kind, k, i, j)`` is outlined."""
    n_layers = state.n_layers
    ax.clear()
    backward = state.backward_done > 0 and not state.updated
    nodes, labels, edges = [], [], []
    for k in range(n_layers + 1):
        if backward and k > 0 and state.revealed(k):
            nodes.append(state.delta(k))
            labels.append(f"δ{k} = dL/dz{k}")
        else:
            nodes.append(state.a[k] if k < len(state.a) and not state.updated else None)
            labels.append("x = a0" if k == 0 else f"a{k}")
    for k in range(1, n_layers + 1):
        if backward:
            edges.append(state.gradients[k - 1]["W"] if state.revealed(k) else None)
        else:
            edges.append(state.weights(k))
    if backward:
        title = "backward: δ on nodes, dL/dW on edges (blue +, orange −, width = size)"
    elif state.updated:
        title = "after the update W ← W − lr·dL/dW: the new weights"
    else:
        title = "forward: activations on nodes, weights W on edges"
    kind, k_selected, i, j = selected
    draw_network(state.layer_sizes, node_values=nodes, edge_values=edges, ax=ax,
                 layer_labels=labels, title=title, value_format="{:.2g}",
                 highlight_edge=(k_selected - 1, i, j) if kind == "W" else None)
    if backward and numerical:
        _label_edges_with_numerical(ax, state)


def _label_edges_with_numerical(ax, state: BackpropPass) -> None:
    """Write "analytic|numerical" on the edges of small revealed layers."""
    edges = ax.collections[0]
    for (layer, i, j), segment in zip(edges.edge_keys, edges.get_segments(), strict=True):
        k = layer + 1
        if not state.revealed(k) or state.weights(k).size > EDGE_LABEL_LIMIT:
            continue
        if not state.has_numerical(k):
            continue
        analytic = state.gradients[k - 1]["W"][i, j]
        numeric = state.numerical_gradients(k)["W"][i, j]
        (x0, y0), (x1, y1) = segment
        ax.text(x0 + 0.7 * (x1 - x0), y0 + 0.7 * (y1 - y0), f"{analytic:.3f}|{numeric:.3f}",
                fontsize=6.5, ha="center", va="center", zorder=5,
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})


def gradient_table_html(state: BackpropPass, numerical: bool) -> str:
    """An HTML table of every revealed parameter: value, backward's gradient (and numerical)."""
    value = "value before the update" if state.updated else "value"
    head = f"<tr><th>parameter</th><th>{value}</th><th>dL/dp (backward)</th>"
    head += "<th>numerical</th><th>rel. error</th></tr>" if numerical else "</tr>"
    rows = []
    for k in range(state.n_layers, 0, -1):
        if not state.revealed(k):
            continue
        numeric = state.numerical_gradients(k) if numerical and state.has_numerical(k) else None
        params = state.pass_parameters(k)  # the weights this pass's gradients were computed with
        for kind in ("W", "b"):
            for index in np.ndindex(params[kind].shape):
                name = f"{kind}{k}[{','.join(map(str, index))}]"
                g = state.gradients[k - 1][kind][index]
                row = f"<td>{name}</td><td>{params[kind][index]:.4g}</td><td>{g:.5g}</td>"
                if numeric is not None:
                    n = numeric[kind][index]
                    err = abs(n - g) / max(abs(n) + abs(g), 1e-12)
                    row += f"<td>{n:.5g}</td><td>{err:.1e}</td>"
                rows.append(f"<tr>{row}</tr>")
    if not rows:
        return "<i>no gradients yet: run Forward, Loss and Backward</i>"
    return f"<table>{head}{''.join(rows)}</table>"

"""One message-passing step of a graph neural network, written with explicit messages.

A graph is ``n_nodes`` nodes with a feature row each, ``H: (n_nodes, d)``, and a list of edges
``(source, target)``. In one step every node

1. sends a message along each of its edges: its features transformed by a shared weight
   matrix, ``H[source] @ W``;
2. collects the messages arriving at it and aggregates them (sum, mean, or the symmetric
   normalisation of graph convolutional networks, GCN);
3. passes the result through a non-linearity.

The same ``W`` is used at every node, so the layer works for graphs of any size and shape. In
matrix form, the sum version is ``act(A^T H W)`` with ``A[source, target] = 1`` for every edge;
the tests compare the edge-by-edge code with that dense formula.
"""

from __future__ import annotations

import numpy as np

from nnbasics.activations import get_activation

__all__ = ["adjacency_matrix", "as_edge_array", "message_passing_step"]

AGGREGATIONS = ("sum", "mean", "gcn")


def as_edge_array(
    edges, n_nodes: int, undirected: bool = True, self_loops: bool = True
) -> np.ndarray:
    """Return the edges as an int array ``(n_edges, 2)`` of ``(source, target)`` pairs.

    ``undirected=True`` adds the reverse of every edge; ``self_loops=True`` adds ``(i, i)`` for
    every node (so a node keeps some of its own features). Duplicates are removed.
    """
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    if edges.size and (edges.min() < 0 or edges.max() >= n_nodes):
        raise ValueError(f"edge endpoints must be node indices in [0, {n_nodes}), got {edges.tolist()}")
    parts = [edges]
    if undirected:
        parts.append(edges[:, ::-1])
    if self_loops:
        nodes = np.arange(n_nodes)
        parts.append(np.stack([nodes, nodes], axis=1))
    return np.unique(np.concatenate(parts), axis=0)


def adjacency_matrix(edge_array: np.ndarray, n_nodes: int) -> np.ndarray:
    """Dense ``(n_nodes, n_nodes)`` matrix with ``A[source, target] = 1`` for every edge."""
    A = np.zeros((n_nodes, n_nodes))
    A[edge_array[:, 0], edge_array[:, 1]] = 1.0
    return A


def message_passing_step(
    H: np.ndarray,
    edges,
    W: np.ndarray,
    b: np.ndarray | None = None,
    aggregate: str = "mean",
    activation: str = "relu",
    undirected: bool = True,
    self_loops: bool = True,
) -> np.ndarray:
    """New node features ``(n_nodes, d_out)`` from ``H (n_nodes, d_in)`` and ``W (d_in, d_out)``.

    ``aggregate``: ``"sum"`` adds the incoming messages, ``"mean"`` divides by the number of
    incoming edges, ``"gcn"`` weights the message on edge ``(s, t)`` by
    ``1 / sqrt(deg(s) * deg(t))``. A node without incoming edges receives zeros.
    """
    H = np.asarray(H, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    if H.ndim != 2 or W.ndim != 2 or H.shape[1] != W.shape[0]:
        raise ValueError(f"need H (n_nodes, d_in) and W (d_in, d_out); got {H.shape} and {W.shape}")
    if aggregate not in AGGREGATIONS:
        raise ValueError(f"aggregate must be one of {AGGREGATIONS}, got {aggregate!r}")
    n_nodes = H.shape[0]
    edge_array = as_edge_array(edges, n_nodes, undirected=undirected, self_loops=self_loops)
    sources, targets = edge_array[:, 0], edge_array[:, 1]

    messages = H[sources] @ W  # one row per edge
    in_degree = np.bincount(targets, minlength=n_nodes).astype(np.float64)
    if aggregate == "gcn":
        out_degree = np.bincount(sources, minlength=n_nodes).astype(np.float64)
        messages = messages / np.sqrt(out_degree[sources] * in_degree[targets])[:, None]

    aggregated = np.zeros((n_nodes, W.shape[1]))
    np.add.at(aggregated, targets, messages)
    if aggregate == "mean":
        aggregated /= np.maximum(in_degree, 1.0)[:, None]
    if b is not None:
        aggregated = aggregated + np.asarray(b, dtype=np.float64)
    return get_activation(activation).fn(aggregated)

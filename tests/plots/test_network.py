"""The network diagram: one edge per connection, colour = sign, width = magnitude."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex

from nnbasics.plots import draw_network
from nnbasics.plots._axes import NEGATIVE, NEUTRAL, POSITIVE


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_edges_follow_weights_sign_and_magnitude():
    rng = np.random.default_rng(0)
    W1, W2 = rng.normal(size=(2, 4)), rng.normal(size=(4, 1))
    ax = draw_network([2, 4, 1], edge_values=[W1, W2])
    edges = ax.collections[0]
    assert len(edges.get_segments()) == 2 * 4 + 4 * 1
    values = np.array([[W1, W2][layer][i, j] for layer, i, j in edges.edge_keys])
    colours = [to_hex(c) for c in edges.get_colors()]
    assert colours == [POSITIVE if v >= 0 else NEGATIVE for v in values]
    widths = np.asarray(edges.get_linewidths())
    order = np.argsort(np.abs(values))
    assert np.all(np.diff(widths[order]) >= -1e-12), "wider edges must carry larger |values|"
    assert widths[np.argmax(np.abs(values))] == pytest.approx(widths.max())


def test_without_values_edges_are_neutral_and_nodes_plain():
    ax = draw_network([3, 2])
    assert {to_hex(c) for c in ax.collections[0].get_colors()} == {NEUTRAL}
    assert not [t for t in ax.texts if t.get_text().replace(".", "").lstrip("-").isdigit()]


def test_node_values_are_written_on_nodes():
    ax = draw_network([2, 1], node_values=[np.array([0.25, -1.5]), np.array([0.75])])
    texts = {t.get_text() for t in ax.texts}
    assert {"0.25", "-1.50", "0.75"} <= texts


def test_large_layers_are_truncated_but_labelled():
    ax = draw_network([784, 16, 10], max_nodes=8)
    assert len(ax.collections[0].get_segments()) == 8 * 8 + 8 * 8
    assert any("784" in t.get_text() for t in ax.texts)


def test_shape_mismatch_is_reported_with_expected_shape():
    with pytest.raises(ValueError, match=r"edge_values\[0\] must have shape \(2, 4\)"):
        draw_network([2, 4, 1], edge_values=[np.zeros((4, 2)), np.zeros((4, 1))])
    with pytest.raises(ValueError, match="one array per connection"):
        draw_network([2, 4, 1], edge_values=[np.zeros((2, 4))])

"""Message passing written edge by edge, against the dense adjacency-matrix formula."""

import numpy as np
import pytest

from nnbasics.advanced.graph import adjacency_matrix, as_edge_array, message_passing_step

EDGES = [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3)]  # two triangles and a bridge
N_NODES = 7  # node 6 is isolated


@pytest.fixture
def features():
    rng = np.random.default_rng(0)
    return rng.standard_normal((N_NODES, 3)), rng.standard_normal((3, 4)), rng.standard_normal(4)


@pytest.mark.parametrize("self_loops", [True, False])
def test_sum_mean_and_gcn_match_dense_reference(features, self_loops):
    H, W, b = features
    A = adjacency_matrix(as_edge_array(EDGES, N_NODES, self_loops=self_loops), N_NODES)
    np.testing.assert_array_equal(A, A.T)  # undirected
    in_degree = A.sum(axis=0)
    out_degree = A.sum(axis=1)
    references = {
        "sum": A.T @ H @ W + b,
        "mean": (A.T @ H @ W) / np.maximum(in_degree, 1)[:, None] + b,
    }
    with np.errstate(divide="ignore"):
        d_out = np.where(out_degree > 0, 1 / np.sqrt(out_degree), 0)
        d_in = np.where(in_degree > 0, 1 / np.sqrt(in_degree), 0)
    references["gcn"] = (d_in[:, None] * A.T * d_out[None, :]) @ H @ W + b
    for aggregate, expected in references.items():
        out = message_passing_step(
            H, EDGES, W, b, aggregate=aggregate, activation="linear", self_loops=self_loops
        )
        np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12, err_msg=aggregate)


def test_directed_edges_only_reach_their_target():
    H = np.eye(3)
    out = message_passing_step(
        H, [(0, 1)], np.eye(3), aggregate="sum", activation="linear", undirected=False, self_loops=False
    )
    np.testing.assert_array_equal(out, [[0, 0, 0], [1, 0, 0], [0, 0, 0]])


def test_relu_is_applied_and_isolated_node_gets_only_itself(features):
    H, W, _ = features
    out = message_passing_step(H, EDGES, W, aggregate="mean")
    assert np.all(out >= 0)
    np.testing.assert_allclose(out[6], np.maximum(H[6] @ W, 0))


def test_bad_input():
    with pytest.raises(ValueError, match="node indices"):
        message_passing_step(np.ones((3, 2)), [(0, 5)], np.ones((2, 2)))
    with pytest.raises(ValueError, match="d_in"):
        message_passing_step(np.ones((3, 2)), [(0, 1)], np.ones((3, 2)))
    with pytest.raises(ValueError, match="aggregate"):
        message_passing_step(np.ones((3, 2)), [(0, 1)], np.ones((2, 2)), aggregate="max")

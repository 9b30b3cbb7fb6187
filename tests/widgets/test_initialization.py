"""InitializationExplorer, driven through its Python API (controls' ``.value``, ``stats``)."""

import numpy as np
import pytest

from nnbasics.widgets.initialization import (
    INITIALIZER_CHOICES,
    InitializationExplorer,
    activation_statistics,
)


@pytest.fixture(scope="module")
def explorer():
    return InitializationExplorer(initializer="xavier", activation="tanh", depth=8, width=64,
                                  n_samples=128)


def test_lazy_export_from_widgets_package():
    import nnbasics.widgets

    assert nnbasics.widgets.InitializationExplorer is InitializationExplorer


def test_choosing_an_initializer_changes_the_statistics_and_redraws(explorer):
    explorer.initializer.value = "xavier"
    xavier_stds = [row["std"] for row in explorer.stats]
    renders = explorer.plot.renders
    explorer.initializer.value = "normal"
    normal_stds = [row["std"] for row in explorer.stats]
    assert explorer.plot.renders == renders + 1
    assert len(normal_stds) == len(xavier_stds) == 8
    # small fixed-std weights shrink the signal much faster than Xavier's
    assert normal_stds[-1] < 1e-3 * xavier_stds[-1]
    assert explorer.plot.image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_zeros_makes_every_unit_identical(explorer):
    explorer.initializer.value = "zeros"
    assert all(row["identical_units"] for row in explorer.stats)
    assert "symmetry" in explorer.summary.value
    explorer.initializer.value = "he"
    assert not any(row["identical_units"] for row in explorer.stats)


def test_he_keeps_relu_activations_steady_where_normal_collapses(explorer):
    explorer.activation.value = "relu"
    explorer.initializer.value = "he"
    stds = explorer.std_by_initializer()
    assert set(stds) == set(INITIALIZER_CHOICES)
    he = np.array(stds["he"])
    assert he.max() / he.min() < 2.0
    normal = np.array(stds["normal"])
    assert normal[-1] / normal[0] < 1e-4
    assert np.all(np.array(stds["zeros"]) == 0.0)
    explorer.activation.value = "tanh"


def test_depth_control_sets_the_number_of_blocks(explorer):
    explorer.depth.value = 4
    assert [row["layer"] for row in explorer.stats] == [1, 2, 3, 4]
    assert all(len(v) == 4 for v in explorer.std_by_initializer().values())
    explorer.depth.value = 8


def test_gradients_vanish_with_small_weights():
    rows = activation_statistics("normal", "tanh", depth=6, width=64, n_samples=100)
    # the gradient reaching block 1 has passed through 5 more layers of tiny weights
    assert rows[0]["grad_std"] < 1e-4 * rows[-1]["grad_std"]
    he_rows = activation_statistics("he", "relu", depth=6, width=64, n_samples=100)
    assert 0.2 < he_rows[0]["grad_std"] / he_rows[-1]["grad_std"] < 5.0


def test_statistics_are_reproducible_and_keep_outputs_on_request():
    a = activation_statistics("xavier", "tanh", depth=3, width=32, n_samples=50, seed=1)
    b = activation_statistics("xavier", "tanh", depth=3, width=32, n_samples=50, seed=1,
                              keep_outputs=True)
    assert [r["std"] for r in a] == [r["std"] for r in b]
    assert b[2]["outputs"].shape == (50, 32)
    assert np.isclose(b[2]["outputs"].std(), b[2]["std"])


@pytest.mark.parametrize(
    "kwargs",
    [{"initializer": "ones"}, {"activation": "softmax"}],
)
def test_bad_choices_raise_clear_errors(kwargs):
    with pytest.raises(ValueError, match="must be one of"):
        InitializationExplorer(**kwargs)


def test_bad_sizes_raise():
    with pytest.raises(ValueError, match="depth must be a positive integer"):
        activation_statistics("he", depth=0)
    with pytest.raises(ValueError, match="unknown initializer"):
        activation_statistics("uniform")

"""ActivationExplorer driven through its Python API."""

import numpy as np
import pytest

from nnbasics.activations import sigmoid_derivative
from nnbasics.widgets import ActivationExplorer
from nnbasics.widgets.activation import flagged_intervals


def test_flagged_intervals_finds_maximal_runs():
    z = np.arange(8.0)
    flags = np.array([1, 1, 0, 0, 1, 0, 1, 1], bool)
    assert flagged_intervals(z, flags) == [(0.0, 1.0), (4.0, 4.0), (6.0, 7.0)]
    assert flagged_intervals(z, np.zeros(8, bool)) == []


def test_relu_is_dead_below_zero_and_active_above():
    w = ActivationExplorer("relu")
    (low, high), = w.dead_intervals
    assert low == -6.0 and -0.05 < high < 0.0
    w.probe_slider.value = 2.0
    assert (w.probe_value, w.probe_derivative) == (2.0, 1.0)
    assert "active" in w.readout.value
    w.probe_slider.value = -2.0
    assert w.probe_derivative == 0.0 and "dead" in w.readout.value


def test_sigmoid_saturates_symmetrically_and_later_than_tanh():
    w = ActivationExplorer("sigmoid")
    assert w.dead_intervals == []
    (a, b), (c, d) = w.saturated_intervals
    assert a == -6.0 and d == 6.0 and b == pytest.approx(-c, abs=0.05)
    # shaded where f' < 5 % of its peak 0.25: |z| > about 4.37
    assert sigmoid_derivative(np.array(c)) < 0.05 * 0.25 < sigmoid_derivative(np.array(c - 0.1))
    w.activation_buttons.value = "tanh"
    (_, tanh_edge), _ = w.saturated_intervals
    assert tanh_edge > b  # tanh's saturation starts nearer 0
    w.probe_slider.value = 5.0
    assert "saturated" in w.readout.value


def test_linear_and_step_shade_nothing_but_step_is_dead_everywhere():
    w = ActivationExplorer("linear")
    assert w.saturated_intervals == [] and w.dead_intervals == []
    w.activation_buttons.value = "step"
    assert w.saturated_intervals == []
    assert w.dead_intervals == [(-6.0, 6.0)]


def test_compare_adds_a_panel_and_probe_moves_only_blit():
    w = ActivationExplorer("relu")
    assert len(w.figure.figure.axes) == 1
    w.compare_dropdown.value = "leaky_relu"
    assert w.compare_with == "leaky_relu"
    assert [ax.get_title() for ax in w.figure.figure.axes] == ["relu", "leaky_relu"]
    renders, blits = w.figure.renders, w.figure.blits
    w.probe_slider.value = -1.0
    assert (w.figure.renders, w.figure.blits) == (renders, blits + 1)
    assert w.readout.value.count("<code>") == 2
    assert "f'(-1.00) = 0.0100" in w.readout.value  # the leaky side
    w.compare_dropdown.value = "(none)"
    assert len(w.figure.figure.axes) == 1


def test_bad_arguments_are_rejected_clearly():
    with pytest.raises(ValueError, match="must be one of"):
        ActivationExplorer("softmax")
    with pytest.raises(ValueError, match="min < 0 < max"):
        ActivationExplorer(z_range=(1.0, 5.0))

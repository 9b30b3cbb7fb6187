"""DescentExplorer driven through its Python API, and the surfaces' gradients."""

import asyncio

import numpy as np
import pytest

from nnbasics.gradcheck import numerical_gradient
from nnbasics.widgets import DescentExplorer
from nnbasics.widgets._surfaces import SURFACES


@pytest.mark.parametrize("name", list(SURFACES))
def test_surface_gradients_match_numerical_gradients(name):
    surface = SURFACES[name]
    rng = np.random.default_rng(0)
    for _ in range(5):
        p = rng.uniform([surface.xlim[0], surface.ylim[0]], [surface.xlim[1], surface.ylim[1]])
        numeric = numerical_gradient(lambda q: surface.fn(q), p.copy())
        np.testing.assert_allclose(surface.gradient(p), numeric, rtol=1e-6, atol=1e-6)
    for minimum in surface.minima:
        assert np.linalg.norm(surface.gradient(np.array(minimum))) < 1e-4


def test_sgd_diverges_for_a_too_large_learning_rate_and_converges_for_a_good_one():
    w = DescentExplorer("elongated quadratic", optimizer="SGD")
    w.apply_preset("divergent")
    assert w.lr > 2 / 20  # beyond the stability limit 2 / curvature
    w.run()
    assert w.diverged and not w.converged
    assert w.steps_taken < w.steps_slider.value  # stepping stopped
    assert "diverged" in w.status.value
    w.preset_buttons.value = "good"
    assert w.steps_taken == 0 and not w.diverged  # the preset restarted the walk
    w.run()
    assert w.converged and w.losses[-1] < 1e-3 * w.losses[0]


def test_too_small_moves_little_and_too_large_oscillates():
    w = DescentExplorer("elongated quadratic")
    w.apply_preset("too small")
    w.run()
    assert not w.converged and w.losses[-1] > 0.1 * w.losses[0]
    w.apply_preset("too large")
    w.run()
    steep = w.trajectory[:, 1]
    assert np.all(np.sign(steep[1:11]) == -np.sign(steep[:10]))  # zig-zags across the valley
    assert not w.diverged


def test_trajectory_is_the_optimizers_sgd_update():
    w = DescentExplorer("elongated quadratic", optimizer="SGD", lr=0.02, start=(-4.0, 1.0))
    w.step(3)
    p = np.array([-4.0, 1.0])
    expected = [p.copy()]
    for _ in range(3):
        p = p - 0.02 * np.array([p[0], 20 * p[1]])
        expected.append(p.copy())
    np.testing.assert_allclose(w.trajectory, expected)
    np.testing.assert_allclose(w.losses, [SURFACES["elongated quadratic"].fn(q) for q in expected])


@pytest.mark.parametrize("optimizer", ["Momentum", "RMSprop", "Adam"])
def test_every_optimizers_good_preset_reaches_a_himmelblau_minimum(optimizer):
    w = DescentExplorer("himmelblau (non-convex)", optimizer=optimizer)
    w.run()
    assert w.converged


def test_changing_a_setting_restarts_from_the_start_point():
    w = DescentExplorer()
    w.step(5)
    w.surface_dropdown.value = "rosenbrock"
    assert w.steps_taken == 0 and w.steps_slider.value == 500
    np.testing.assert_allclose(w.trajectory[0], SURFACES["rosenbrock"].start)
    assert w.lr == SURFACES["rosenbrock"].presets["SGD"]["good"]
    w.step(2)
    w.start_x_slider.value = 0.5
    assert w.steps_taken == 0 and w.trajectory[0, 0] == 0.5
    w.optimizer_dropdown.value = "Adam"
    with pytest.raises(ValueError, match="no 'divergent' preset"):
        w.apply_preset("divergent")


def test_play_animates_the_run_on_the_event_loop():
    w = DescentExplorer(n_steps=30)

    async def scenario() -> None:
        w.play_button.click()
        assert w.playing
        await w._player.task

    asyncio.run(scenario())
    assert w.steps_taken == 30 and w.play_button.description == "Run"
    assert w.figure.blits >= 20  # frames redraw only the path and the curve


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"surface": "banana"}, "unknown surface"),
    ({"optimizer": "Lion"}, "optimizer must be one of"),
    ({"lr": -0.1}, "lr must be positive"),
])
def test_bad_arguments_are_rejected_clearly(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DescentExplorer(**kwargs)


def test_learning_rate_control_holds_every_preset_exactly():
    """A log slider snapped the presets to its grid in the browser (0.105 -> 0.1 stopped diverging)."""
    w = DescentExplorer("elongated quadratic", optimizer="SGD", lr=0.0123)
    offered = {value for _label, value in w.lr_slider.options}
    assert w.lr == 0.0123 and 0.0123 in offered
    for surface in SURFACES.values():
        for rates in surface.presets.values():
            assert set(rates.values()) <= offered

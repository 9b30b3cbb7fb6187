"""BackpropStepper driven through its Python API and its buttons."""

import copy

import numpy as np
import pytest

from nnbasics.gradcheck import numerical_gradient
from nnbasics.widgets import BackpropStepper


def _full_pass(stepper: BackpropStepper) -> None:
    stepper.run_forward()
    stepper.compute_loss()
    stepper.run_backward()


def _independent_numerical_gradients(stepper: BackpropStepper) -> list[dict[str, np.ndarray]]:
    """gradcheck's centred differences on a copy of the model, on the stepper's sample."""
    model = copy.deepcopy(stepper.model)
    x, target = stepper.state.x, stepper.state.target
    dense = [layer for layer in model.layers if "W" in layer.params]
    return [
        {key: numerical_gradient(lambda _p: model.loss(x, target), layer.params[key])
         for key in ("W", "b")}
        for layer in dense
    ]


@pytest.mark.parametrize(
    ("kwargs", "sample"),
    [({}, 1), ({"layer_sizes": (4, 8, 8, 3), "activation": "tanh"}, 2),
     ({"loss": "mse", "output": "sigmoid"}, 3), ({"layer_sizes": (3, 4, 2), "loss": "mse"}, 0)],
)
def test_displayed_gradients_equal_gradchecks_numerical_gradients(kwargs, sample):
    stepper = BackpropStepper(sample=sample, **kwargs)
    _full_pass(stepper)
    shown = stepper.displayed_gradients()
    expected = _independent_numerical_gradients(stepper)
    assert len(shown) == len(expected) == len(stepper.layer_sizes) - 1
    for layer_shown, layer_expected in zip(shown, expected, strict=True):
        for key in ("W", "b"):
            np.testing.assert_allclose(layer_shown[key], layer_expected[key], rtol=1e-5, atol=1e-8)


def test_forward_goes_one_layer_at_a_time_and_matches_the_model():
    stepper = BackpropStepper(layer_sizes=(2, 3, 3, 1), activation="tanh", sample=2)
    assert stepper.loss_button.disabled and stepper.backward_button.disabled
    stepper.forward_button.click()
    assert stepper.stage == "forward 1/3" and len(stepper.state.a) == 2
    stepper.forward_button.click()
    stepper.forward_button.click()
    assert stepper.forward_button.disabled and not stepper.loss_button.disabled
    np.testing.assert_allclose(stepper.state.a[-1], stepper.model.forward(stepper.X[2:3])[0])
    stepper.loss_button.click()
    assert stepper.loss_before == pytest.approx(
        stepper.model.loss(stepper.X[2:3], stepper.targets[2:3]))
    assert f"loss on this sample:</b> {stepper.loss_before:.4f}" in stepper.status.value


def test_backward_reveals_layers_from_the_output():
    stepper = BackpropStepper(layer_sizes=(2, 3, 3, 1))
    stepper.run_forward()
    stepper.compute_loss()
    stepper.backward_button.click()
    shown = stepper.displayed_gradients()
    assert shown[0] is None and shown[1] is None and shown[2] is not None
    assert "appears when the backward pass reaches layer 1" in stepper.explain("W1[0,0]")
    stepper.run_backward()
    assert all(g is not None for g in stepper.displayed_gradients())
    assert stepper.backward_button.disabled and not stepper.update_button.disabled


def test_update_lowers_the_loss_for_a_small_learning_rate():
    stepper = BackpropStepper(lr=0.1, sample=1)
    _full_pass(stepper)
    before = [layer.params["W"].copy() for layer in stepper.model.layers if "W" in layer.params]
    grads = [g["W"].copy() for g in stepper.displayed_gradients()]
    stepper.update_button.click()
    assert stepper.loss_after < stepper.loss_before
    after = [layer.params["W"] for layer in stepper.model.layers if "W" in layer.params]
    for w0, g, w1 in zip(before, grads, after, strict=True):
        np.testing.assert_allclose(w1, w0 - 0.1 * g)  # descent: the weights moved against dL/dW
    assert "lower" in stepper.status.value
    stepper.forward_button.click()  # a new pass starts from the updated weights
    assert stepper.stage == "forward 1/2" and stepper.loss_after is None


def test_explanation_shows_the_arithmetic_behind_a_weight_gradient():
    stepper = BackpropStepper(layer_sizes=(2, 3, 2), activation="tanh", sample=4)
    _full_pass(stepper)
    stepper.select_parameter("W1[1,2]")
    state = stepper.state
    a_in, delta = state.a[0][1], state.delta(1)[2]
    assert a_in * delta == pytest.approx(state.gradients[0]["W"][1, 2])
    text = stepper.explain()
    assert f"a0[1] × δ1[2] = {a_in:.4g} × {delta:.4g} = {a_in * delta:.4g}" in text
    # the chain rule shown for the hidden delta gives the model's delta
    slope = 1 - np.tanh(state.z[1][2]) ** 2
    assert slope * (state.weights(2)[2] @ state.delta(2)) == pytest.approx(delta)
    assert f"= {delta:.4g}" in text.splitlines()[2]
    assert stepper.explanation.value.count("δ1[2]") >= 2
    stepper.parameter_dropdown.value = "b1[2]"
    bias = state.parameters(1)["b"][2]
    assert stepper.explain().splitlines()[:2] == [f"b1[2] = {bias:.4g}",
                                                  f"dL/db1[2] = δ1[2] = {delta:.4g}"]


def test_numerical_toggle_overlays_matching_numbers():
    stepper = BackpropStepper()
    _full_pass(stepper)
    assert "numerical" not in stepper.table.value
    stepper.numerical_checkbox.value = True
    assert "<th>numerical</th>" in stepper.table.value
    assert "numerical: (L(w + ε) − L(w − ε)) / 2ε" in stepper.explain()
    for k in (1, 2):
        assert max(stepper.state.gradient_errors(k).values()) < 1e-7
    labels = [t.get_text() for t in stepper._ax.texts if "|" in t.get_text()]
    assert len(labels) == 2 * 4 + 4 * 1  # every edge of the 2-4-1 network carries both numbers


def test_controls_restart_the_pass_or_the_model():
    stepper = BackpropStepper()
    stepper.run_forward()
    model = stepper.model
    stepper.sample_dropdown.value = 3
    assert stepper.stage == "start" and stepper.model is model
    np.testing.assert_array_equal(stepper.state.x[0], stepper.X[3])
    stepper.activation_dropdown.value = "relu"
    assert stepper.model is not model and stepper.model.activation == "relu"
    weights = stepper.model.layers[0].params["W"].copy()
    _full_pass(stepper)
    stepper.update()
    stepper.reset_button.click()
    np.testing.assert_array_equal(stepper.model.layers[0].params["W"], weights)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"layer_sizes": (2, 9, 1)}, "between 1 and 8"),
     ({"layer_sizes": (2,)}, "2 to 5 sizes"),
     ({"activation": "softmax"}, "activation must be one of"),
     ({"X": np.zeros((3, 2))}, "give both X and y"),
     ({"X": np.zeros((3, 3)), "y": np.zeros(3)}, r"shape \(n, 2\)")],
)
def test_bad_arguments_are_rejected_clearly(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BackpropStepper(**kwargs)


def test_steps_out_of_order_raise_and_unknown_parameters_are_refused():
    stepper = BackpropStepper()
    with pytest.raises(RuntimeError, match="finish the forward pass"):
        stepper.compute_loss()
    with pytest.raises(ValueError, match="unknown parameter"):
        stepper.select_parameter("W3[0,0]")


def test_explanation_after_update_uses_the_weights_of_the_pass():
    """Every number in the explanation comes from one state: the pass, before the update."""
    stepper = BackpropStepper(lr=0.5, sample=1)
    _full_pass(stepper)
    stepper.select_parameter("W1[0,1]")
    before = stepper.explain()
    old_w2 = stepper.model.layers[2].params["W"].copy()
    stepper.update_button.click()
    after = stepper.explain()
    assert not np.allclose(stepper.model.layers[2].params["W"], old_w2)  # the weights moved
    # the gradient and delta lines are the same numbers as before the update
    assert after.splitlines()[1:3] == before.splitlines()[1:3]
    state = stepper.state
    new_value = state.parameters(1)["W"][0, 1]
    old_value = state.pass_parameters(1)["W"][0, 1]
    assert after.splitlines()[0].startswith(f"W1[0,1] = {old_value:.4g} before the update "
                                            f"(now {new_value:.4g}")
    assert "with the weights before the update" in after.splitlines()[-1]
    assert "value before the update" in stepper.table.value


def test_learning_rate_control_keeps_the_exact_rate_given():
    """A log slider snapped 0.5 to 10^-0.3 in the browser; the choices hold the rate itself."""
    assert BackpropStepper(lr=0.5).lr_slider.value == 0.5
    stepper = BackpropStepper(lr=0.07)
    assert stepper.lr_slider.value == 0.07 and ("0.07", 0.07) in stepper.lr_slider.options

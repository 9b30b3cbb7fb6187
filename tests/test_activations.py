"""Activations: values against their textbook formulas, derivatives against centred
differences, and stability at extreme inputs."""

import numpy as np
import pytest

from nnbasics import activations as act_fns
from nnbasics.gradcheck import numerical_gradient, relative_error
from nnbasics.layers import Activation

RNG = np.random.default_rng(0)
Z = RNG.uniform(-4, 4, size=(6, 5))
Z = np.where(np.abs(Z) < 1e-3, 0.5, Z)  # keep away from the kinks of relu/step

ELEMENTWISE = {
    "step": (act_fns.step, act_fns.step_derivative, lambda z: (z > 0).astype(float)),
    "linear": (act_fns.linear, act_fns.linear_derivative, lambda z: z),
    "sigmoid": (act_fns.sigmoid, act_fns.sigmoid_derivative, lambda z: 1 / (1 + np.exp(-z))),
    "tanh": (act_fns.tanh, act_fns.tanh_derivative, lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))),
    "relu": (act_fns.relu, act_fns.relu_derivative, lambda z: z * (z > 0)),
    "leaky_relu": (act_fns.leaky_relu, act_fns.leaky_relu_derivative, lambda z: np.where(z > 0, z, 0.01 * z)),
}


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_values_match_textbook_formula(name):
    fn, _, reference = ELEMENTWISE[name]
    np.testing.assert_allclose(fn(Z), reference(Z), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_centred_differences(name):
    fn, derivative, _ = ELEMENTWISE[name]
    z = Z.copy()
    # elementwise functions: d sum(f(z)) / dz_i = f'(z_i)
    numeric = numerical_gradient(lambda x: fn(x).sum(), z)
    assert relative_error(derivative(Z), numeric) <= 1e-6 or not np.any(numeric)
    np.testing.assert_allclose(derivative(Z), numeric, atol=1e-6)


def test_sigmoid_derivative_from_output_is_the_tutorial_form():
    a = act_fns.sigmoid(Z)
    np.testing.assert_allclose(act_fns.sigmoid_derivative_from_output(a), act_fns.sigmoid_derivative(Z))
    np.testing.assert_allclose(act_fns.sigmoid_derivative_from_output(a), a * (1 - a))


def test_softmax_rows_are_distributions_and_shift_invariant():
    p = act_fns.softmax(Z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert (p > 0).all()
    np.testing.assert_allclose(act_fns.softmax(Z + 123.0), p, rtol=1e-12)
    reference = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(p, reference, rtol=1e-12)


@pytest.mark.parametrize("name", list(act_fns.ACTIVATIONS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_at_extreme_inputs(name, dtype):
    z = np.array([[-1e4, -800.0, -1.0, 0.0, 1.0, 800.0, 1e4]], dtype=dtype)
    act = act_fns.get_activation(name)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # (underflow to 0 is fine)
        out = act.fn(z)
        if act.derivative is not None:
            d = act.derivative(z)
            assert np.isfinite(d).all()
    assert np.isfinite(out).all()
    assert out.dtype == dtype


def test_extreme_values_saturate_correctly():
    z = np.array([-1e4, 1e4])
    np.testing.assert_array_equal(act_fns.sigmoid(z), [0.0, 1.0])
    np.testing.assert_array_equal(act_fns.tanh(z), [-1.0, 1.0])
    np.testing.assert_allclose(act_fns.softmax(np.array([[1e4, 0.0, -1e4]])), [[1.0, 0.0, 0.0]])


def test_float32_stays_float32():
    z = Z.astype(np.float32)
    for name, act in act_fns.ACTIVATIONS.items():
        assert act.fn(z).dtype == np.float32, name


@pytest.mark.parametrize("name", list(act_fns.ACTIVATIONS))
def test_activation_layer_backward_passes_gradcheck(name):
    from nnbasics.gradcheck import check_layer

    report = check_layer(Activation(name), Z)
    assert report.max_error <= 1e-6, report


def test_get_activation_names_and_errors():
    assert act_fns.get_activation("ReLU").name == "relu"
    assert act_fns.get_activation("identity").name == "linear"
    with pytest.raises(ValueError, match="unknown activation 'swish'.*relu"):
        act_fns.get_activation("swish")
    with pytest.raises(TypeError):
        act_fns.get_activation(3)


def test_integer_input_is_accepted():
    np.testing.assert_allclose(act_fns.sigmoid(np.array([0, 0])), [0.5, 0.5])

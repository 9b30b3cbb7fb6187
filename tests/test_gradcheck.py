"""The gradient checker itself: it estimates known gradients, restores its input, and
catches a wrong backward pass."""

import numpy as np
import pytest

from nnbasics import MLP, MSE, Activation, Dense, gradcheck
from nnbasics.gradcheck import GradcheckReport, check_layer, numerical_gradient, relative_error


def test_numerical_gradient_of_known_functions():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    original = x.copy()
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(v**3), x), 3 * x**2, rtol=1e-8)
    np.testing.assert_array_equal(x, original)  # restored after the perturbations
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sin(v).sum(), x), np.cos(x), rtol=1e-8)


def test_numerical_gradient_on_a_subset_of_entries():
    x = np.arange(6.0).reshape(2, 3)
    g = numerical_gradient(lambda v: np.sum(v**2), x, indices=[(0, 1), (1, 2)])
    np.testing.assert_allclose(g, [[0, 2, 0], [0, 0, 10]], atol=1e-6)


def test_numerical_gradient_requires_a_float_array():
    with pytest.raises(TypeError, match="float numpy array"):
        numerical_gradient(lambda v: 0.0, np.arange(3))


def test_relative_error():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([0.0], [0.0]) == 0.0
    assert relative_error([1.0, 0.0], [0.0, 1.0]) == pytest.approx(np.sqrt(2) / 2)
    with pytest.raises(ValueError, match="shapes"):
        relative_error(np.zeros(2), np.zeros(3))


class BuggyDense(Dense):
    """A Dense layer whose weight gradient forgets a transpose-free factor of 2."""

    def backward(self, dout, need_input_grad=True):
        dx = super().backward(dout, need_input_grad)
        self.grads["W"] *= 2.0
        return dx


def test_a_wrong_backward_pass_is_caught():
    x = np.random.default_rng(0).standard_normal((4, 3))
    report = check_layer(BuggyDense(3, 2, seed=0, dtype=np.float64), x)
    assert report.errors["W"] > 0.1
    assert report.errors["x"] < 1e-6 and report.errors["b"] < 1e-6
    assert not report.passed()


def test_gradcheck_dispatches_on_layers_losses_and_models():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 4))
    assert gradcheck(Activation("tanh"), x).passed()
    assert gradcheck(MSE(), x, rng.standard_normal((3, 4))).passed()
    model = MLP([4, 3, 2], activation="tanh", seed=0, dtype=np.float64)
    report = gradcheck(model, x, np.array([0, 1, 1]))
    assert set(report.errors) == {"0.W", "0.b", "2.W", "2.b"} and report.passed()
    with pytest.raises(TypeError, match="layer, a loss or a model"):
        gradcheck(np.tanh, x)


def test_model_check_samples_large_arrays():
    rng = np.random.default_rng(2)
    model = MLP([50, 40, 3], seed=0, dtype=np.float64)
    X, y = rng.standard_normal((5, 50)), rng.integers(0, 3, 5)
    report = gradcheck(model, X, y, max_entries=20)
    assert report.passed(1e-6), report


def test_report_repr():
    report = GradcheckReport({"W": 1e-9, "b": 2e-3})
    assert report.max_error == 2e-3 and not report.passed() and report.passed(1e-2)
    assert "W: 1.00e-09" in repr(report)


def test_float32_targets_get_a_warning():
    x = np.random.default_rng(3).standard_normal((2, 3))
    with pytest.warns(UserWarning, match="dtype=np.float64"):
        check_layer(Dense(3, 2, seed=0), x)
    with pytest.warns(UserWarning, match="dtype=np.float64"):
        gradcheck(MLP([3, 2], seed=0), x, np.array([0, 1]))

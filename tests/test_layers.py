"""Layers: Dense against a direct computation, every layer's backward against centred
differences (float64), dropout's statistics, and the input checks."""

import numpy as np
import pytest

from nnbasics.gradcheck import check_layer, numerical_gradient, relative_error
from nnbasics.layers import Activation, Dense, Dropout

RNG = np.random.default_rng(2)
X = RNG.standard_normal((6, 5))


def test_dense_forward_is_affine_map():
    layer = Dense(5, 3, seed=0, dtype=np.float64)
    layer.params["b"][:] = [1.0, -2.0, 0.5]
    W, b = layer.params["W"], layer.params["b"]
    np.testing.assert_allclose(layer.forward(X), X @ W + b, rtol=1e-12)
    assert layer.input is X and layer.output.shape == (6, 3)


@pytest.mark.parametrize("init", ["he", "xavier", "normal"])
def test_dense_backward_passes_gradcheck(init):
    report = check_layer(Dense(5, 3, init=init, seed=1, dtype=np.float64), X)
    assert set(report.errors) == {"x", "W", "b"}
    assert report.max_error <= 1e-6, report


def test_dense_backward_formulas():
    layer = Dense(5, 3, seed=0, dtype=np.float64)
    layer.forward(X)
    dout = RNG.standard_normal((6, 3))
    dx = layer.backward(dout)
    np.testing.assert_allclose(layer.grads["W"], X.T @ dout)
    np.testing.assert_allclose(layer.grads["b"], dout.sum(axis=0))
    np.testing.assert_allclose(dx, dout @ layer.params["W"].T)
    assert layer.backward(dout, need_input_grad=False) is None
    np.testing.assert_allclose(layer.grads["W"], X.T @ dout)  # still filled


def test_dense_defaults_to_float32_and_casts_input():
    layer = Dense(5, 2, seed=0)
    assert layer.params["W"].dtype == np.float32
    assert layer.forward(X).dtype == np.float32  # float64 input is cast
    assert layer.forward(np.ones((2, 5), dtype=np.uint8)).dtype == np.float32


def test_dense_seed_reproducible():
    np.testing.assert_array_equal(Dense(4, 3, seed=7).params["W"], Dense(4, 3, seed=7).params["W"])
    assert not np.array_equal(Dense(4, 3, seed=7).params["W"], Dense(4, 3, seed=8).params["W"])


def test_dense_rejects_unflattened_images_with_a_fix():
    layer = Dense(784, 10)
    with pytest.raises(ValueError) as err:
        layer.forward(np.zeros((3, 28, 28)))
    assert str(err.value) == (
        "Dense(784, 10): expected 784 features, got shape (3, 28, 28); "
        "flatten the images with X.reshape(len(X), -1)"
    )
    with pytest.raises(ValueError, match=r"single sample must be a row: x.reshape\(1, -1\)"):
        layer.forward(np.zeros(784))
    with pytest.raises(ValueError, match=r"expected 784 features, got shape \(3, 100\)"):
        layer.forward(np.zeros((3, 100)))
    with pytest.raises(TypeError, match="numeric"):
        Dense(2, 1).forward(np.array([["a", "b"]]))


def test_dense_rejects_bad_sizes():
    with pytest.raises(ValueError, match="n_in must be a positive integer"):
        Dense(0, 3)
    with pytest.raises(ValueError, match="float type"):
        Dense(2, 3, dtype=np.int32)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "softmax", "linear"])
def test_activation_layer_gradcheck(name):
    z = np.where(np.abs(X) < 1e-3, 0.1, X)
    report = check_layer(Activation(name), z)
    assert report.max_error <= 1e-6, report


def test_activation_layer_repr_and_cache():
    layer = Activation("relu")
    out = layer.forward(X)
    assert repr(layer) == "Activation('relu')"
    np.testing.assert_array_equal(out, np.maximum(X, 0))
    assert layer.input is X and layer.output is out


def test_dropout_is_identity_at_test_time():
    layer = Dropout(0.5, seed=0)
    np.testing.assert_array_equal(layer.forward(X), X)
    np.testing.assert_array_equal(layer.backward(np.ones_like(X)), np.ones_like(X))


def test_inverted_dropout_statistics():
    layer = Dropout(0.3, seed=0)
    x = np.ones((400, 500))
    out = layer.forward(x, training=True)
    kept = out != 0
    assert kept.mean() == pytest.approx(0.7, abs=0.01)
    np.testing.assert_allclose(out[kept], 1 / 0.7)  # survivors scaled up...
    assert out.mean() == pytest.approx(1.0, abs=0.01)  # ...so the expectation is unchanged
    dout = RNG.standard_normal(x.shape)
    np.testing.assert_array_equal(layer.backward(dout), dout * layer.mask)


def test_dropout_backward_gradcheck_with_fixed_mask():
    layer = Dropout(0.4)

    def forward(x):
        layer.rng = np.random.default_rng(3)  # the same mask at every call
        return layer.forward(x, training=True)

    R = RNG.standard_normal(X.shape)
    forward(X)
    analytic = layer.backward(R)
    numeric = numerical_gradient(lambda x: float(np.sum(forward(x) * R)), X.copy())
    assert relative_error(analytic, numeric) <= 1e-6


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5, "0.5", True])
def test_dropout_rejects_bad_probability(p):
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\)"):
        Dropout(p)


def test_backward_before_forward_raises():
    with pytest.raises(RuntimeError, match="before forward"):
        Dense(2, 2).backward(np.ones((1, 2)))

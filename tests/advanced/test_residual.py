"""ResidualBlock: gradient check, the identity skip path, and use inside nnbasics.Sequential."""

import numpy as np
import pytest

from nnbasics.advanced.residual import ResidualBlock


def _numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = f()
        x[i] = old - eps
        minus = f()
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


@pytest.mark.parametrize(
    ("activation", "post_activation"), [("relu", None), ("tanh", None), ("tanh", "sigmoid")]
)
def test_gradient_check(activation, post_activation):
    rng = np.random.default_rng(0)
    block = ResidualBlock(
        5, hidden=7, activation=activation, post_activation=post_activation, seed=1, dtype=np.float64
    )
    x = rng.standard_normal((4, 5))
    target = rng.standard_normal((4, 5))

    def loss():
        return 0.5 * np.sum((block.forward(x) - target) ** 2)

    dx = block.backward(block.forward(x) - target)
    np.testing.assert_allclose(dx, _numerical_gradient(loss, x), rtol=1e-6, atol=1e-8)
    for name, value in block.params.items():
        np.testing.assert_allclose(
            block.grads[name], _numerical_gradient(loss, value), rtol=1e-6, atol=1e-8
        )


def test_zero_branch_is_the_identity_and_passes_gradient_through():
    block = ResidualBlock(6, seed=0, branch_scale=0.0, dtype=np.float64)
    x = np.random.default_rng(1).standard_normal((3, 6))
    np.testing.assert_array_equal(block.forward(x), x)
    dout = np.random.default_rng(2).standard_normal((3, 6))
    np.testing.assert_allclose(block.backward(dout), dout)


def test_usable_in_sequential_and_trains():
    from nnbasics import Adam, Sequential
    from nnbasics.datasets import spirals
    from nnbasics.layers import Dense

    X, y = spirals(300, seed=0)
    model = Sequential(
        [Dense(2, 16, seed=0), ResidualBlock(16, seed=1), ResidualBlock(16, seed=2), Dense(16, 3, seed=3)]
    )
    assert len(model.params) == 4 and set(model.params[1]) == {"W1", "b1", "W2", "b2"}
    before = model.loss(X, y)
    model.fit(X, y, epochs=30, batch_size=32, optimizer=Adam(1e-2), seed=0)
    assert model.loss(X, y) < 0.5 * before


def test_bad_input_raises():
    with pytest.raises(ValueError, match=r"\(n, 4\)"):
        ResidualBlock(4).forward(np.ones((2, 5)))
    with pytest.raises(ValueError, match="softmax"):
        ResidualBlock(4, activation="softmax")
    with pytest.raises(RuntimeError, match="forward"):
        ResidualBlock(4).backward(np.ones((2, 4)))

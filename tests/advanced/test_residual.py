"""ResidualBlock: gradient check, the identity skip path, and use inside nnbasics.Sequential."""

import numpy as np
import pytest

from nnbasics.advanced.residual import ResidualBlock
from nnbasics.gradcheck import check_layer, check_model


@pytest.mark.parametrize(
    ("activation", "post_activation"), [("relu", None), ("tanh", None), ("tanh", "sigmoid")]
)
def test_gradient_check(activation, post_activation):
    block = ResidualBlock(
        5, hidden=7, activation=activation, post_activation=post_activation, seed=1, dtype=np.float64
    )
    x = np.random.default_rng(0).standard_normal((4, 5))
    report = check_layer(block, x)
    assert set(report.errors) == {"x", "W1", "b1", "W2", "b2"}
    assert report.passed(1e-7), report


def test_gradient_check_inside_a_model():
    from nnbasics import Sequential
    from nnbasics.layers import Dense

    rng = np.random.default_rng(5)
    model = Sequential(
        [Dense(3, 6, seed=0, dtype=np.float64), ResidualBlock(6, seed=1, dtype=np.float64),
         Dense(6, 4, seed=2, dtype=np.float64)]
    )
    report = check_model(model, rng.standard_normal((8, 3)), rng.integers(0, 4, 8))
    assert report.passed(1e-6), report


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

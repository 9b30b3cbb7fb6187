"""Reshape + sequential_with_input_shape: Conv2D and RNN layers trained by the library's own fit."""

import numpy as np
import pytest

from nnbasics import Activation, Adam, Dense
from nnbasics.advanced.conv import Conv2D, Flatten
from nnbasics.advanced.rnn import RNN
from nnbasics.advanced.sequences import majority_sequences, remember_first_sequences
from nnbasics.advanced.shaped_input import Reshape, sequential_with_input_shape
from nnbasics.gradcheck import check_model


def test_reshape_round_trip_and_errors():
    layer = Reshape((2, 3))
    x = np.arange(12.0).reshape(2, 6)
    out = layer.forward(x)
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(layer.backward(out), x)
    with pytest.raises(ValueError, match="rows of 6 numbers"):
        layer.forward(np.zeros((2, 2, 3)))
    with pytest.raises(ValueError, match="positive"):
        Reshape((0, 3))


def test_a_small_cnn_passes_a_model_gradient_check():
    rng = np.random.default_rng(0)
    model = sequential_with_input_shape(
        [Conv2D(1, 2, 3, seed=0, dtype=np.float64), Activation("tanh"), Flatten(),
         Dense(2 * 4 * 4, 3, seed=0, dtype=np.float64)],
        input_shape=(1, 6, 6),
    )
    X, y = rng.standard_normal((4, 36)), np.array([0, 1, 2, 1])
    report = check_model(model, X, y, max_entries=None)
    assert report.max_error <= 1e-6, report


def test_fit_trains_an_rnn_to_count_votes():
    X, y = majority_sequences(600, length=7, seed=0)
    X_val, y_val = majority_sequences(200, length=7, seed=1)
    model = sequential_with_input_shape([RNN(1, 6, seed=0), Dense(6, 2, seed=0)], input_shape=(7, 1))
    before = model.score(X_val.reshape(200, -1), y_val)
    model.fit(X.reshape(600, -1), y, epochs=10, batch_size=32, optimizer=Adam(0.01), seed=0)
    after = model.score(X_val.reshape(200, -1), y_val)
    assert after > 0.9 and after > before


def test_sequence_tasks_are_seeded_and_labelled_as_documented():
    X, y = majority_sequences(50, length=5, seed=3)
    assert X.shape == (50, 5, 1) and set(np.unique(X)) == {-1.0, 1.0}
    np.testing.assert_array_equal(y, (X.sum(axis=(1, 2)) > 0).astype(int))
    np.testing.assert_array_equal(X, majority_sequences(50, length=5, seed=3)[0])
    X, y = remember_first_sequences(40, length=9, seed=0)
    np.testing.assert_array_equal(X[:, 0, 0], 2 * y - 1)
    with pytest.raises(ValueError, match="odd"):
        majority_sequences(10, length=4)

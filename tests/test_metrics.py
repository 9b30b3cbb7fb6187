"""Metrics: accuracy and the confusion matrix against direct counting."""

import numpy as np
import pytest

from nnbasics.metrics import accuracy, confusion_matrix


def test_accuracy():
    assert accuracy([0, 1, 2, 2], [0, 1, 1, 2]) == 0.75
    scores = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    assert accuracy([0, 1, 1], scores) == pytest.approx(2 / 3)
    assert accuracy(np.eye(3)[[0, 2]], [0, 2]) == 1.0


def test_confusion_matrix_against_counting():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    cm = confusion_matrix(y_true, y_pred)
    expected = np.zeros((4, 4), int)
    for t, p in zip(y_true, y_pred, strict=True):
        expected[t, p] += 1
    np.testing.assert_array_equal(cm, expected)
    assert cm.sum() == 200 and np.trace(cm) / 200 == pytest.approx(accuracy(y_true, y_pred))


def test_confusion_matrix_n_classes():
    cm = confusion_matrix([0, 1], [1, 1], n_classes=4)
    assert cm.shape == (4, 4) and cm[0, 1] == 1 and cm[1, 1] == 1
    with pytest.raises(ValueError, match="n_classes=2 but labels go up to 3"):
        confusion_matrix([0, 3], [1, 1], n_classes=2)


def test_bad_inputs():
    with pytest.raises(ValueError, match="3 labels but y_pred has 2"):
        accuracy([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="non-integer floats"):
        accuracy([0, 1], [0.3, 0.9])
    with pytest.raises(ValueError, match="zero samples"):
        accuracy([], [])
    with pytest.raises(ValueError, match="non-negative"):
        confusion_matrix([-1, 0], [0, 0])

"""FGSM: the input gradient is right, the perturbation respects epsilon, and it hurts accuracy."""

import numpy as np
import pytest

from nnbasics import MLP, Adam
from nnbasics.advanced.adversarial import accuracy_under_fgsm, fgsm, loss_input_gradient
from nnbasics.gradcheck import numerical_gradient, relative_error


def test_input_gradient_matches_centred_differences():
    rng = np.random.default_rng(0)
    model = MLP([6, 8, 5, 3], activation="tanh", seed=0, dtype=np.float64)
    X = rng.standard_normal((4, 6))
    y = rng.integers(0, 3, 4)
    analytic = loss_input_gradient(model, X, y)
    numeric = numerical_gradient(lambda x: model.loss(x, y), X.copy())
    assert analytic.shape == X.shape
    assert relative_error(analytic, numeric) < 1e-7


@pytest.fixture(scope="module")
def trained_model_and_data():
    rng = np.random.default_rng(1)
    centres = rng.random((3, 20))
    y = rng.integers(0, 3, 600)
    X = np.clip(centres[y] + 0.15 * rng.standard_normal((600, 20)), 0, 1).astype(np.float32)
    model = MLP([20, 32, 3], seed=0)
    model.fit(X, y, epochs=20, batch_size=32, optimizer=Adam(1e-2), seed=0)
    return model, X, y


@pytest.mark.parametrize("epsilon", [0.0, 0.01, 0.1, 0.3])
def test_perturbation_is_bounded_by_epsilon_and_stays_in_range(trained_model_and_data, epsilon):
    model, X, y = trained_model_and_data
    X_adv = fgsm(model, X, y, epsilon)
    assert X_adv.shape == X.shape and X_adv.dtype == np.float32
    assert np.abs(X_adv - X).max() <= epsilon + 1e-6
    assert X_adv.min() >= 0 and X_adv.max() <= 1
    if epsilon > 0:  # the step is really taken (not clipped away everywhere)
        assert np.abs(X_adv - X).max() == pytest.approx(epsilon, abs=1e-6)


def test_accuracy_falls_as_epsilon_grows(trained_model_and_data):
    model, X, y = trained_model_and_data
    accuracies = accuracy_under_fgsm(model, X, y, [0.0, 0.05, 0.2, 0.4], batch_size=256)
    assert accuracies[0] == pytest.approx(model.score(X, y))
    assert accuracies[0] > 0.9
    assert np.all(np.diff(accuracies) <= 0)
    assert accuracies[-1] < accuracies[0] - 0.3


def test_fgsm_beats_random_sign_noise_of_the_same_size(trained_model_and_data):
    model, X, y = trained_model_and_data
    epsilon = 0.2
    noise = np.sign(np.random.default_rng(2).standard_normal(X.shape)).astype(np.float32)
    random_accuracy = model.score(np.clip(X + epsilon * noise, 0, 1), y)
    assert model.score(fgsm(model, X, y, epsilon), y) < random_accuracy - 0.2


def test_negative_epsilon_is_rejected(trained_model_and_data):
    model, X, y = trained_model_and_data
    with pytest.raises(ValueError, match="epsilon"):
        fgsm(model, X, y, -0.1)

"""History curves, decision boundaries, weights, confusion matrix and activation plots."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnbasics import plots
from nnbasics.plots.activation import saturation_mask


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_history_plots_training_and_validation_per_metric():
    history = {"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.6], "accuracy": [0.5, 0.7, 0.9]}
    fig = plots.plot_history(history)
    loss_ax, acc_ax = fig.axes
    np.testing.assert_allclose(loss_ax.lines[0].get_ydata(), history["loss"])
    np.testing.assert_allclose(loss_ax.lines[1].get_ydata(), history["val_loss"])
    assert len(acc_ax.lines) == 1 and acc_ax.get_ylabel() == "accuracy"
    with pytest.raises(TypeError, match="History"):
        plots.plot_history([1, 2, 3])


def test_decision_grid_evaluates_the_model_on_the_grid():
    X = np.array([[-1.0, -1.0], [1.0, 1.0]])
    xx, yy, zz = plots.decision_grid(lambda P: (P[:, 0] > 0).astype(float), X, resolution=20)
    assert xx.shape == yy.shape == zz.shape == (20, 20)
    np.testing.assert_array_equal(zz, (xx > 0).astype(float))
    _, yy10, classes = plots.decision_grid(lambda P: np.column_stack([P[:, 1], -P[:, 1], 0 * P[:, 1]]), X, 10)
    np.testing.assert_array_equal(classes, np.where(yy10 > 0, 0, 1))
    with pytest.raises(ValueError, match=r"expected X of shape \(n, 2\)"):
        plots.decision_grid(lambda P: P, np.zeros((5, 3)))


def test_decision_boundary_draws_train_and_test_points():
    rng = np.random.default_rng(0)
    X, X_test = rng.normal(size=(30, 2)), rng.normal(size=(10, 2))
    y, y_test = (X[:, 0] > 0).astype(int), (X_test[:, 0] > 0).astype(int)
    ax = plots.plot_decision_boundary(lambda P: 1 / (1 + np.exp(-P[:, 0])), X, y, X_test, y_test)
    offsets = [c.get_offsets() for c in ax.collections if len(c.get_offsets()) in (30, 10)]
    assert sorted(len(o) for o in offsets) == [10, 30]


def test_first_layer_weights_shows_each_unit_as_an_image():
    W = np.random.default_rng(0).normal(size=(784, 12))
    fig = plots.plot_first_layer_weights(W, n_units=12, n_cols=6)
    images = [ax.images[0].get_array() for ax in fig.axes if ax.images]
    assert len(images) == 12
    np.testing.assert_allclose(images[3], W[:, 3].reshape(28, 28))
    with pytest.raises(ValueError, match=r"\(784, n_hidden\)"):
        plots.plot_first_layer_weights(W.T)


def test_confusion_matrix_annotates_counts():
    cm = np.array([[5, 1], [2, 7]])
    ax = plots.plot_confusion_matrix(cm, class_names=["cat", "dog"])
    assert [t.get_text() for t in ax.texts] == ["5", "1", "2", "7"]
    fractions = plots.plot_confusion_matrix(cm, normalize=True)
    assert fractions.texts[0].get_text() == f"{5 / 6:.2f}"


def test_digits_titles_flag_wrong_predictions():
    images = np.zeros((3, 28, 28))
    fig = plots.plot_digits(images, labels=[1, 2, 3], predictions=[1, 5, 3], n_cols=3)
    colours = [ax.title.get_color() for ax in fig.axes]
    assert colours[1] == "#c53030" and colours[0] == "black"


def test_histograms_report_mean_and_std():
    values = np.arange(10.0)
    fig = plots.plot_histograms({"W1": values})
    assert f"mean {values.mean():.2g}" in fig.axes[0].get_title()


def test_saturation_mask_marks_flat_derivative():
    z = np.linspace(-10, 10, 201)
    slope = np.exp(-z) / (1 + np.exp(-z)) ** 2
    mask = saturation_mask(slope)
    assert mask[0] and mask[-1] and not mask[100]


def test_activation_plot_shows_function_and_derivative():
    ax = plots.plot_activation("sigmoid", z_range=(-5, 5))
    curve, derivative = ax.lines[0], ax.lines[1]
    z = curve.get_xdata()
    np.testing.assert_allclose(curve.get_ydata(), 1 / (1 + np.exp(-z)), atol=1e-12)
    np.testing.assert_allclose(derivative.get_ydata().max(), 0.25, atol=1e-3)


def test_gradient_norms_bar_and_lines():
    ax = plots.plot_gradient_norms([1.0, 0.1, 0.01])
    assert [p.get_height() for p in ax.patches] == [1.0, 0.1, 0.01]
    ax2 = plots.plot_gradient_norms({"layer 1": [1, 2], "layer 2": [3, 4]})
    assert len(ax2.lines) == 2

"""nnbasics.diagnostics: data fixes, the class-weighted loss, the LR range test, fit profiling."""

import sys

import numpy as np
import pytest

from nnbasics import MLP, SGD, SoftmaxCrossEntropy, check_loss
from nnbasics.datasets import gaussians
from nnbasics.diagnostics import (
    WeightedSoftmaxCrossEntropy,
    apply_clip,
    balanced_accuracy,
    class_weights,
    fit_clip_bounds,
    fit_mean_imputer,
    impute,
    lr_range_test,
    missing_indicators,
    outlier_mask,
    per_class_recall,
    profile_fit,
    random_oversample,
)

# --- missing values ---------------------------------------------------------------------------


def test_mean_imputer_ignores_nan_and_fills_only_missing_entries():
    X = np.array([[1.0, np.nan], [3.0, 4.0], [np.nan, 8.0]])
    means = fit_mean_imputer(X)
    np.testing.assert_allclose(means, [2.0, 6.0])
    filled = impute(X, means)
    np.testing.assert_allclose(filled, [[1.0, 6.0], [3.0, 4.0], [2.0, 8.0]])
    assert np.isnan(X).sum() == 2  # the input is left untouched
    np.testing.assert_array_equal(missing_indicators(X), [[0, 1], [0, 0], [1, 0]])


def test_imputer_rejects_an_empty_column_and_bad_shapes():
    with pytest.raises(ValueError, match=r"columns \[1\] have no observed value"):
        fit_mean_imputer(np.array([[1.0, np.nan], [2.0, np.nan]]))
    with pytest.raises(ValueError, match="2-D array"):
        fit_mean_imputer(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="finite"):
        impute(np.zeros((2, 2)), np.nan)


# --- outliers ----------------------------------------------------------------------------------


def test_outlier_mask_finds_injected_outliers_with_few_false_alarms():
    rng = np.random.default_rng(0)
    X = rng.normal(0.0, 1.0, (1000, 3))
    X[[5, 50, 500], [0, 1, 2]] = [40.0, -35.0, 60.0]
    mask = outlier_mask(X)
    assert mask[5, 0] and mask[50, 1] and mask[500, 2]
    assert mask.sum() - 3 < 0.01 * X.size


def test_clipping_uses_training_percentiles():
    X = np.column_stack([np.arange(101.0), np.arange(101.0) * 10])
    bounds = fit_clip_bounds(X, 5, 95)
    np.testing.assert_allclose(bounds[0], [5.0, 50.0])
    np.testing.assert_allclose(bounds[1], [95.0, 950.0])
    clipped = apply_clip(np.array([[1000.0, -1000.0]]), bounds)
    np.testing.assert_allclose(clipped, [[95.0, 50.0]])
    with pytest.raises(ValueError, match="lower < upper"):
        fit_clip_bounds(X, 90, 10)


# --- imbalanced classes ------------------------------------------------------------------------


def test_class_weights_balance_the_total_weight_of_each_class():
    y = np.array([0, 0, 0, 0, 0, 0, 1, 1, 2])
    w = class_weights(y)
    np.testing.assert_allclose(w, [9 / 18, 9 / 6, 9 / 3])
    totals = np.bincount(y) * w
    np.testing.assert_allclose(totals, totals[0])
    np.testing.assert_allclose(class_weights(np.array([0, 1, 0, 1])), [1.0, 1.0])
    with pytest.raises(ValueError, match=r"classes \[1\] have no sample"):
        class_weights(np.array([0, 2, 2]))


def test_random_oversample_equalises_counts_and_keeps_every_original_row():
    X = np.arange(20, dtype=float).reshape(10, 2)
    y = np.array([0] * 8 + [1] * 2)
    X_new, y_new = random_oversample(X, y, seed=0)
    assert np.bincount(y_new).tolist() == [8, 8]
    original_rows = {tuple(row) for row in X}
    assert {tuple(row) for row in X_new} == original_rows
    for row, label in zip(X_new, y_new, strict=True):  # copies keep their own label
        assert y[int(row[0]) // 2] == label
    with pytest.raises(ValueError, match="must match"):
        random_oversample(X, y[:5])


def test_recall_and_balanced_accuracy_expose_a_majority_vote():
    y_true = np.array([0] * 95 + [1] * 5)
    always_zero = np.zeros(100, dtype=int)
    assert np.mean(always_zero == y_true) == 0.95
    np.testing.assert_allclose(per_class_recall(y_true, always_zero), [1.0, 0.0])
    assert balanced_accuracy(y_true, always_zero) == pytest.approx(0.5)
    assert balanced_accuracy(y_true, y_true) == pytest.approx(1.0)


# --- class-weighted loss -----------------------------------------------------------------------


def test_weighted_loss_with_unit_weights_equals_softmax_cross_entropy():
    rng = np.random.default_rng(1)
    z, y = rng.normal(size=(6, 3)), rng.integers(0, 3, 6)
    weighted, plain = WeightedSoftmaxCrossEntropy(np.ones(3)), SoftmaxCrossEntropy()
    assert weighted(z, y) == pytest.approx(plain(z, y), rel=1e-12)
    np.testing.assert_allclose(weighted.backward(), plain.backward(), rtol=1e-12)


def test_weighted_loss_gradient_matches_finite_differences():
    rng = np.random.default_rng(2)
    z, y = rng.normal(size=(5, 4)), np.array([0, 1, 3, 3, 2])
    report = check_loss(WeightedSoftmaxCrossEntropy([0.5, 2.0, 1.0, 3.0]), z, y)
    assert report.max_error < 1e-7


def test_weighted_loss_weights_the_samples_of_each_class():
    z = np.zeros((2, 2))
    loss = WeightedSoftmaxCrossEntropy([1.0, 3.0])
    # each sample costs log 2; class 1 counts three times
    assert loss(z, np.array([0, 1])) == pytest.approx((1 + 3) * np.log(2) / 2)
    assert np.all(np.isfinite(loss(np.array([[1e4, -1e4]]), np.array([1]))))
    with pytest.raises(ValueError, match="2 class weights for a network with 3 outputs"):
        loss.check_targets(np.array([0, 1]), 3)
    with pytest.raises(ValueError, match="non-negative"):
        WeightedSoftmaxCrossEntropy([1.0, -1.0])


# --- learning-rate range test ------------------------------------------------------------------


@pytest.fixture(scope="module")
def blobs():
    X, y = gaussians(n=600, n_classes=3, noise=0.2, seed=0)
    return X.astype(np.float32), y


def test_lr_range_test_suggests_a_sane_rate_and_restores_the_weights(blobs):
    X, y = blobs
    model = MLP([2, 16, 3], seed=0)
    before = model.get_flat_params().copy()
    result = lr_range_test(model, X, y, optimizer=SGD(), lr_min=1e-4, lr_max=100.0, steps=120,
                           batch_size=32)
    np.testing.assert_array_equal(model.get_flat_params(), before)
    assert result.diverged  # 100 is far too large for SGD on this problem
    assert 1e-3 <= result.suggested_lr <= 3.0
    assert result.suggested_lr == pytest.approx(result.min_loss_lr / 10)
    ratios = result.lrs[1:] / result.lrs[:-1]
    np.testing.assert_allclose(ratios, ratios[0])  # geometric schedule
    # and the suggested rate trains: plain SGD at that rate beats chance clearly
    model.fit(X, y, epochs=20, batch_size=32, optimizer=SGD(result.suggested_lr), seed=0)
    assert model.score(X, y) > 0.9


def test_lr_range_test_rejects_bad_arguments(blobs):
    X, y = blobs
    model = MLP([2, 4, 3], seed=0)
    with pytest.raises(ValueError, match="lr_min < lr_max"):
        lr_range_test(model, X, y, lr_min=1.0, lr_max=0.1)
    with pytest.raises(ValueError, match="steps"):
        lr_range_test(model, X, y, steps=1)
    with pytest.raises(ValueError, match="equal length"):
        lr_range_test(model, X, y[:10])


# --- profiling -----------------------------------------------------------------------------------


def test_profile_fit_accounts_for_layers_loss_and_optimizer(blobs):
    X, y = blobs
    model = MLP([2, 64, 64, 3], seed=0)
    profile = profile_fit(model, X, y, epochs=2, batch_size=16, optimizer=SGD(0.1), seed=0)
    parts = {row["part"]: row for row in profile.rows}
    for name in ("Dense.forward", "Dense.backward", "Activation.forward",
                 "SoftmaxCrossEntropy.forward", "Optimizer.step", "other"):
        assert name in parts, sorted(parts)
    n_batches = 2 * int(np.ceil(len(X) / 16))
    assert parts["Dense.forward"]["calls"] == 3 * n_batches  # three Dense layers per batch
    assert parts["Optimizer.step"]["calls"] == n_batches
    assert sum(row["share"] for row in profile.rows) == pytest.approx(1.0, abs=0.02)
    assert model.n_epochs_ == 2
    assert "Dense.backward" in str(profile)


def test_diagnostics_core_imports_no_plotting_library():
    import subprocess

    code = (
        "import sys, nnbasics.diagnostics; "
        "print(sorted(m for m in ('matplotlib', 'torch', 'ipywidgets', 'tqdm') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- figures -----------------------------------------------------------------------------------


def test_plot_lr_range_and_live_curves(blobs):
    from nnbasics.diagnostics import LiveCurves, plot_lr_range

    X, y = blobs
    model = MLP([2, 8, 3], seed=0)
    result = lr_range_test(model, X, y, lr_min=1e-3, lr_max=10.0, steps=30)
    ax = plot_lr_range(result)
    assert len(ax.lines) == 4
    np.testing.assert_allclose(ax.lines[1].get_ydata(), result.smoothed)
    live = LiveCurves(every=2)
    model.fit(X, y, epochs=5, batch_size=64, callbacks=[live], seed=0)
    assert live.updates == 2  # after epochs 2 and 4
    with pytest.raises(ValueError, match="every"):
        LiveCurves(every=0)

"""Unit tests of nnbasics.grading: the hint catalog, the named checks, the protected numpy and the
loss-curve diagnosis used by the exercises' tests."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nnbasics import grading
from nnbasics.grading import HINTS, hint

# ------------------------------------------------------------------ hints -----------------------


def test_hint_names_the_mistake_then_detail_then_advice():
    text = hint("zero_init", "W1 is all zeros")
    assert text.startswith("Hint [zero initialization]: W1 is all zeros. ")
    assert text.endswith(HINTS["zero_init"].advice)


def test_hint_without_detail_is_tag_and_advice():
    assert hint("overfitting") == f"Hint [overfitting]: {HINTS['overfitting'].advice}"


def test_hint_keeps_the_detail_punctuation():
    assert "went up?" in hint("lr_too_high", "why the loss went up?")
    assert ".." not in hint("lr_too_high", "the loss went up.")


def test_unknown_hint_lists_the_known_keys():
    with pytest.raises(KeyError, match="unknown hint 'typo'.*zero_init"):
        hint("typo")


@pytest.mark.parametrize(
    "key, name",
    [
        ("zero_init", "zero initialization"),
        ("constant_init", "non-random initialization"),
        ("wrong_gradient", "wrong gradients"),
        ("gradient_ascent", "gradient ascent instead of descent"),
        ("lr_too_high", "learning rate too high"),
        ("lr_too_low", "learning rate too low"),
        ("learning_rate", "incorrect learning rate"),
        ("not_normalized", "data not normalized"),
        ("overfitting", "overfitting"),
    ],
)
def test_catalog_covers_the_tutorials_common_mistakes(key, name):
    assert HINTS[key].name == name
    assert HINTS[key].tag() == f"Hint [{name}]"


def test_catalog_names_are_unique_and_advice_is_real_text():
    names = [entry.name for entry in HINTS.values()]
    assert len(names) == len(set(names))
    assert all(key == entry.key for key, entry in HINTS.items())
    assert all(len(entry.advice) > 60 for entry in HINTS.values())


# ------------------------------------------------------------------ checks ----------------------


def test_check_shape_message_gives_expected_and_actual():
    grading.check_shape(np.zeros((4, 1)), (4, 1), "forward output")
    with pytest.raises(AssertionError) as error:
        grading.check_shape(np.zeros((1, 4)), (4, 1), "forward output")
    assert str(error.value) == "forward output: wrong shape: expected (4, 1), got (1, 4)"


def test_check_array_rejects_lists_and_none():
    with pytest.raises(AssertionError, match=r"step\(z\): expected a numpy array, got list \[0, 1\]"):
        grading.check_array([0, 1], "step(z)")
    with pytest.raises(AssertionError, match="got NoneType None"):
        grading.check_shape(None, (2,), "step(z)")


def test_check_dtype_kind():
    grading.check_dtype_kind(np.array([1, 2], dtype=np.uint8), "i", "labels")
    grading.check_dtype_kind(np.array([1.0], dtype=np.float32), "f", "x")
    with pytest.raises(AssertionError, match="wrong dtype: expected an integer array, got dtype float64"):
        grading.check_dtype_kind(np.array([1.0]), "i", "step(z)")


def test_check_close_scalar():
    grading.check_close(0.25 + 1e-9, 0.25, "mse")
    with pytest.raises(AssertionError, match="mse: wrong value: expected 0.25, got 0.5"):
        grading.check_close(0.5, 0.25, "mse")
    with pytest.raises(AssertionError, match="mse: expected a number, got NoneType"):
        grading.check_close(None, 0.25, "mse")


def test_check_close_array_reports_first_wrong_entry_and_count():
    with pytest.raises(AssertionError) as error:
        grading.check_close(np.array([0.5, 0.5, 0.1]), [0.5, 0.7, 0.2], "sigmoid(z)")
    assert str(error.value) == "sigmoid(z): wrong value at index (1,): expected 0.7, got 0.5 (2 of 3 entries differ)"


def test_check_close_checks_shape_before_values():
    with pytest.raises(AssertionError, match=r"wrong shape: expected \(2, 1\), got \(2,\)"):
        grading.check_close(np.zeros(2), np.zeros((2, 1)), "out")


def test_check_close_wraps_a_hint():
    with pytest.raises(AssertionError, match=r"^Hint \[numerical instability\]: softmax: wrong value"):
        grading.check_close(np.array([np.nan]), [1.0], "softmax", hint_key="numerical_instability")


def test_check_equal_exact():
    grading.check_equal(np.array([0, 1, 1]), [0, 1, 1], "step(z)")
    with pytest.raises(AssertionError, match=r"step\(z\): wrong value at index \(2,\): expected 1, got 0"):
        grading.check_equal(np.array([0, 1, 0]), [0, 1, 1], "step(z)")


def test_check_keys_names_the_missing_ones():
    grading.check_keys({"W1": 1, "b1": 2}, ["W1"], "params")
    with pytest.raises(AssertionError, match=r"params: missing key\(s\) \['b1'\]"):
        grading.check_keys({"W1": 1}, ["W1", "b1"], "params")
    with pytest.raises(AssertionError, match="params: expected a dict, got tuple"):
        grading.check_keys((1, 2), ["W1"], "params")


def test_check_finite_counts_bad_values_with_a_hint():
    grading.check_finite(np.array([1.0, -2.0]), "loss")
    with pytest.raises(AssertionError, match=r"Hint \[numerical instability\]: loss contains 2 NaN or infinite"):
        grading.check_finite(np.array([np.nan, np.inf, 1.0]), "loss")


def test_numerically_quiet_turns_overflow_into_a_hint():
    with pytest.raises(AssertionError, match=r"Hint \[numerical instability\]: sigmoid\(-1000\) raised a numpy"):
        with grading.numerically_quiet("sigmoid(-1000)"):
            1.0 / (1.0 + np.exp(np.array([1000.0])))


def test_numerically_quiet_accepts_stable_code_and_restores_settings():
    before = np.geterr()
    with grading.numerically_quiet("stable"):
        e = np.exp(-np.abs(np.array([-1000.0, 1000.0])))
    assert np.geterr() == before
    assert e.tolist() == [0.0, 0.0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        np.exp(np.array([1000.0]))
    assert caught, "the warning filter should be restored after the block"


def test_numerical_gradient_matches_analytic_and_restores_x():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    original = x.copy()
    grad = grading.numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_allclose(grad, 3 * original**2, rtol=1e-6)
    np.testing.assert_array_equal(x, original)


def test_relative_error():
    assert grading.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert grading.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert grading.relative_error([1.0], [3.0]) == pytest.approx(0.5)


def test_check_gradient_accepts_correct_and_names_sign_or_wrong():
    numeric = np.array([[0.5, -1.0]])
    grading.check_gradient(numeric + 1e-9, numeric, "dW")
    with pytest.raises(AssertionError, match=r"^Hint \[gradient sign\]: dW is the negative"):
        grading.check_gradient(-numeric, numeric, "dW")
    expected = r"^Hint \[wrong gradients\]: dW differs .*relative error 0.2 > 1e-06\); check delta2\. Your"
    with pytest.raises(AssertionError, match=expected):
        grading.check_gradient(numeric * 1.5, numeric, "dW", advice="check delta2")
    with pytest.raises(AssertionError, match="wrong shape"):
        grading.check_gradient(numeric.T, numeric, "dW")


def test_passed_prints_a_confirmation(capsys):
    grading.passed("step")
    assert capsys.readouterr().out == "\u2714 step: all visible tests passed.\n"


# ------------------------------------------------------------------ protected numpy -------------


def test_verify_numpy_intact_names_rebound_functions(monkeypatch):
    grading.verify_numpy_intact()
    monkeypatch.setattr(np, "allclose", lambda *args, **kwargs: True)
    monkeypatch.setattr(np, "isfinite", lambda *args, **kwargs: True)
    assert grading.rebound_names() == ["allclose", "isfinite"]
    with pytest.raises(grading.NumpyTamperedError, match="np.allclose, np.isfinite no longer is numpy's own"):
        grading.verify_numpy_intact()


def test_checks_refuse_to_run_on_tampered_numpy(monkeypatch):
    monkeypatch.setattr(np, "isclose", lambda *args, **kwargs: np.ones(np.shape(args[0]), dtype=bool))
    with pytest.raises(grading.NumpyTamperedError, match="np.isclose"):
        grading.check_close(np.array([1.0]), [2.0], "x")


def test_safe_holds_the_original_functions(monkeypatch):
    original = np.allclose
    monkeypatch.setattr(np, "allclose", lambda *args, **kwargs: True)
    assert grading.SAFE.allclose is original
    assert not grading.SAFE.allclose(np.array([1.0]), np.array([2.0]))


def test_tampering_with_default_rng_is_detected(monkeypatch):
    monkeypatch.setattr(np.random, "default_rng", lambda seed=None: None)
    assert "random.default_rng" in grading.rebound_names()


def test_every_protected_name_exists_in_numpy():
    assert all(hasattr(np, name) for name in grading.PROTECTED_NAMES)


# ------------------------------------------------------------------ diagnosis -------------------


def test_diagnosis_nan_loss_means_learning_rate_too_high():
    text = grading.diagnose_losses([0.3, 0.9, np.nan], learning_rate=50.0)
    assert text.startswith("Hint [learning rate too high]: learning_rate=50: the loss became nan after 3 epoch(s)")


def test_diagnosis_steadily_rising_loss_means_gradient_ascent():
    text = grading.diagnose_losses(np.linspace(0.25, 0.4, 100))
    assert text.startswith("Hint [gradient ascent instead of descent]: the loss went up in 99 of 99 epochs")


def test_diagnosis_loss_ending_higher_means_learning_rate_too_high():
    curve = [0.30] + [0.29] * 50 + [0.5] * 50
    assert grading.diagnose_losses(curve).startswith("Hint [learning rate too high]: the loss ended higher")


def test_diagnosis_bumpy_loss_means_learning_rate_too_high():
    curve = 0.3 - np.linspace(0, 0.1, 200) + 0.01 * (np.arange(200) % 5 == 0)
    assert "jumped up in" in grading.diagnose_losses(curve)


def test_diagnosis_small_learning_rate_or_still_falling_means_too_low():
    plateau = np.linspace(0.26, 0.25, 1000)
    assert grading.diagnose_losses(plateau, learning_rate=0.01, low_learning_rate=0.3).startswith(
        "Hint [learning rate too low]: learning_rate=0.01: after 1000 epochs the loss only fell from 0.26 to 0.25")
    falling = 1.0 / np.arange(1, 101)
    assert grading.diagnose_losses(falling).startswith("Hint [learning rate too low]")


def test_diagnosis_of_a_plateau_gives_no_catalog_hint():
    plateau = np.concatenate([np.linspace(0.3, 0.17, 100), np.full(400, 0.17)])
    text = grading.diagnose_losses(plateau, learning_rate=2.0, low_learning_rate=0.3)
    assert text.startswith("the loss got stuck at 0.17")
    assert "Hint [" not in text


def test_diagnosis_of_empty_or_single_epoch_histories():
    assert "no loss was recorded" in grading.diagnose_losses([])
    assert "after a single epoch" in grading.diagnose_losses([0.3])

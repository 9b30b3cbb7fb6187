"""Chapters 6-9 execute headless, and the numbers they state in words hold.

Each notebook runs once (one module-scoped fixture each) in a fresh kernel; the tests assert on the
values the notebook itself computed. The kernels inherit conftest's one-thread BLAS setting: on a
2-core machine running two test workers, more threads only oversubscribe the cores.
"""

from pathlib import Path

import pytest
from notebook_runner import run_notebook

COURSE = Path(__file__).resolve().parents[2] / "course"
pytestmark = [pytest.mark.slow, pytest.mark.notebook]


def _run(name: str, fetch: list[str]):
    return run_notebook(COURSE / name, fetch=fetch, cell_timeout=180)


@pytest.fixture(scope="module")
def chapter6():
    return _run("06_hands_on_exercises.ipynb", ["index_rows", "spam_test_accuracy"])


@pytest.fixture(scope="module")
def chapter7():
    return _run(
        "07_best_practices.ipynb",
        ["normalisation_accuracy", "sgd_accuracy", "relu_stds", "init_accuracy", "regularisation_gap",
         "validation_accuracy", "suggested_lr", "suggested_lr_accuracy", "live_updates",
         "n_monitor_epochs", "model_report_max", "gradcheck_catches_bug", "pytest_summary"],
    )


@pytest.fixture(scope="module")
def chapter8():
    return _run(
        "08_troubleshooting.ipynb",
        ["diverged", "divergence_message", "fixed_lr_accuracy", "clipped_final_loss",
         "profile_parts", "batch_timing", "overfit_train", "overfit_test", "more_data_test",
         "vanishing_ratio", "healthy_ratio", "error_rows", "clean_accuracy",
         "zero_fill_accuracy", "mean_fill_accuracy", "naive_outlier_accuracy",
         "dropped_accuracy", "clipped_accuracy", "imbalance_results"],
    )


@pytest.fixture(scope="module")
def chapter9():
    return _run(
        "09_conclusion.ipynb",
        ["same_data", "max_relative_error_f64", "loss_difference", "max_relative_error_f32",
         "numpy_seconds", "torch_seconds", "numpy_accuracy", "torch_accuracy"],
    )


def test_chapter6_index_and_worked_spam_example(chapter6):
    v = chapter6.values
    titles = [row[0] for row in v["index_rows"]]
    assert titles == ["Level 1: the perceptron", "Level 2: an MLP for XOR", "Level 3: MNIST digits"]
    for title, path, status in v["index_rows"]:
        assert path.startswith("exercises/ex"), title
        if (COURSE / path).exists():  # released: the index reads the points from the notebook
            assert "points" in status and not status.startswith("0 graded"), status
        else:
            assert "Assignments tab" in status, status
    assert v["spam_test_accuracy"] >= 5 / 6  # at most one of the six unseen messages wrong
    assert chapter6.seconds < 60


def test_chapter7_best_practices_are_measured(chapter7):
    v = chapter7.values
    acc = v["normalisation_accuracy"]
    assert acc["scaled /255"] > acc["raw 0..255"] + 0.05
    assert acc["standardised"] > acc["raw 0..255"] + 0.05
    assert v["sgd_accuracy"]["raw 0..255"] < 0.2 < 0.8 < v["sgd_accuracy"]["scaled /255"]
    # He keeps ReLU activations steady across 8 blocks; normal(0.01) and zeros collapse them
    he, normal, zeros = (v["relu_stds"][k] for k in ("he", "normal", "zeros"))
    assert 0.5 < he[-1] / he[0] < 2.0
    assert normal[-1] / normal[0] < 1e-4
    assert max(zeros) == 0.0
    init_acc = v["init_accuracy"]
    assert init_acc["he"] > 0.6 and init_acc["xavier"] > 0.5
    assert init_acc["zeros"] < 0.2 and init_acc["normal"] < 0.2
    # every regulariser narrows the train-validation gap of the memorising network
    gap = v["regularisation_gap"]
    assert gap["no regularisation"] > 0.15
    assert all(gap[name] < gap["no regularisation"] for name in gap if name != "no regularisation")
    assert max(v["validation_accuracy"].values()) > v["validation_accuracy"]["no regularisation"]
    # the LR range test suggests a sane SGD rate, and that rate trains
    assert 1e-3 <= v["suggested_lr"] <= 1.0
    assert v["suggested_lr_accuracy"] > 0.8
    assert v["live_updates"] == v["n_monitor_epochs"]
    assert v["model_report_max"] < 1e-6
    assert v["gradcheck_catches_bug"] is True
    assert "passed" in v["pytest_summary"] and "failed" not in v["pytest_summary"]
    assert chapter7.seconds < 90


def test_chapter8_problems_are_produced_and_fixed(chapter8):
    v = chapter8.values
    assert v["diverged"] is True
    assert "lower the learning rate" in v["divergence_message"]
    assert v["fixed_lr_accuracy"] > 0.7
    assert v["clipped_final_loss"] < 10.0
    parts = set(v["profile_parts"])
    assert {"Dense.forward", "Dense.backward", "Optimizer.step", "other"} <= parts
    timing = v["batch_timing"]
    assert timing["1"] > 3 * timing["64"]  # vectorised batches are much faster per epoch
    assert v["overfit_train"] > 0.99 and v["overfit_test"] < v["overfit_train"] - 0.1
    assert v["more_data_test"] > v["overfit_test"] + 0.04
    assert v["vanishing_ratio"] < 1e-4 < 0.1 < v["healthy_ratio"]
    # every triggered mistake raised an exception with a message
    assert len(v["error_rows"]) >= 12
    for what, kind, message, _ in v["error_rows"]:
        assert kind != "(no error)", what
        assert len(message) > 15, what
    kinds = {row[0]: row[1] for row in v["error_rows"]}
    assert kinds["learning rate too high"] == "TrainingDivergedError"
    assert v["mean_fill_accuracy"] > v["zero_fill_accuracy"] + 0.05
    assert v["dropped_accuracy"] > v["naive_outlier_accuracy"] + 0.05
    assert v["clipped_accuracy"] > v["naive_outlier_accuracy"] + 0.05
    res = v["imbalance_results"]
    for fix in ("oversampling", "class weights"):
        assert res[fix]["balanced_accuracy"] > res["plain"]["balanced_accuracy"] + 0.03
        assert res[fix]["minority_recall"] > res["plain"]["minority_recall"]
    assert chapter8.seconds < 90


def test_chapter9_torch_bridge_agrees_with_nnbasics(chapter9):
    v = chapter9.values
    assert v["same_data"] is True
    assert v["max_relative_error_f64"] < 1e-10
    assert v["loss_difference"] < 1e-10
    assert v["max_relative_error_f32"] < 1e-4
    assert v["numpy_seconds"] > 0 and v["torch_seconds"] > 0
    assert v["numpy_accuracy"] > 0.9 and v["torch_accuracy"] > 0.9
    assert chapter9.seconds < 90

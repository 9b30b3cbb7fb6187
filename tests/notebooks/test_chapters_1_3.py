"""Chapters 1-3 of the course: structure checks (fast) and headless execution (slow).

Each notebook runs once, in a module-scoped fixture (``make test`` distributes whole test files
to the xdist workers, so one worker owns this module).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from notebook_runner import NotebookRun, all_outputs_text, run_notebook

COURSE = Path(__file__).resolve().parents[2] / "course"
CH1 = COURSE / "01_introduction.ipynb"
CH2 = COURSE / "02_core_concepts.ipynb"
CH3 = COURSE / "03_practical_implementation.ipynb"
NOTEBOOKS = [CH1, CH2, CH3]

# Wall-clock budget for one headless run of each notebook. Measured on a shared, busy 2-core
# machine, kernel start included: 4-6 s (chapter 1), 7-13 s (chapter 2), 11-26 s (chapter 3),
# depending on the load; CI machines vary, hence the wide margin.
BUDGET_SECONDS = {CH1.name: 120, CH2.name: 120, CH3.name: 120}

CH1_FETCH = ["linear_acc", "mlp_acc", "first_loss", "last_loss", "slope", "exact_slope", "shifted"]
CH2_FETCH = [
    "neuron_z", "neuron_a", "explorer_output", "first_firing", "dense_difference",
    "collapse_difference", "relu_difference", "softmax_sum", "n_parameters",
    "iterations_per_epoch", "hand_output", "library_output", "hand_loss", "library_loss",
    "hand_grad_w2", "library_grad_w2", "gradcheck_max_error", "loss_before", "loss_after",
    "step_matches_formula", "trained_prediction", "n_connections", "descent_outcomes",
    "stepper_loss_before", "stepper_loss_after",
]
CH3_FETCH = [
    "slope_numerical", "slope_from_output", "slope_from_z", "backprop_error",
    "wrong_derivative_error", "loss_now", "loss_descent_step", "loss_ascent_step",
    "predictions", "buggy_losses", "buggy_predictions", "all_near_one", "all_near_zero",
    "seed_final_losses", "fixed_slow_losses", "fixed_losses", "fixed_predictions",
    "fixed_rounded", "library_predictions", "library_rounded", "modern_accuracy",
    "regression_rmse", "scaling_results", "lr_losses", "overfitting", "best_epoch",
    "playground_accuracy", "init_kept",
]
XOR_TARGETS = [0, 1, 1, 0]


def _execute(path: Path, fetch: list[str]) -> NotebookRun:
    return run_notebook(path, fetch=fetch, cell_timeout=300)


@pytest.fixture(scope="module")
def ch1() -> NotebookRun:
    return _execute(CH1, CH1_FETCH)


@pytest.fixture(scope="module")
def ch2() -> NotebookRun:
    return _execute(CH2, CH2_FETCH)


@pytest.fixture(scope="module")
def ch3() -> NotebookRun:
    return _execute(CH3, CH3_FETCH)


# ---------------------------------------------------------------- structure (fast) ----------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_valid_and_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a code cell has outputs"
            assert cell.execution_count is None, f"{path.name}: a code cell has an execution count"


@pytest.mark.parametrize(
    ("path", "exercise"),
    [
        (CH1, "ex1_perceptron/perceptron.ipynb"),
        (CH2, "ex1_perceptron/perceptron.ipynb"),
        (CH3, "ex2_xor/xor_mlp.ipynb"),
        (CH3, "ex3_mnist/mnist_mlp.ipynb"),
    ],
    ids=["ch1-ex1", "ch2-ex1", "ch3-ex2", "ch3-ex3"],
)
def test_chapter_points_to_its_exercise(path, exercise):
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    assert f"course/exercises/{exercise}" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_check_your_understanding_answers_are_folded(path):
    nb = nbformat.read(path, as_version=4)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "## Check your understanding" in markdown
    n_answers = markdown.count("<details><summary>Answer</summary>")
    assert n_answers >= 3, f"{path.name} has {n_answers} folded answers"
    assert n_answers == markdown.count("</details>")
    # the architecture picture is drawn by nnbasics, never fetched from the internet
    assert "upload.wikimedia.org" not in markdown
    assert "![" not in markdown


@pytest.mark.parametrize(
    ("path", "headings"),
    [
        (CH1, ["## 1.1", "## 1.2 Why", "## 1.3 Prerequisites", "## 1.4 Learning objectives"]),
        (
            CH2,
            ["## 2.1 Key theoretical", "### Neurons", "### Weights and biases", "### Layers",
             "### Activation functions", "## 2.2 Important terminology", "## 2.3 The fundamental",
             "### Step 1", "### Step 2", "### Step 3", "### Step 4", "## 2.4 Visual"],
        ),
        (
            CH3,
            ["## 3.1 Step-by-step", "## 3.2 The tutorial's code", "### The fix",
             "## The same network in a few lines of `nnbasics`", "## 3.3 Common use cases",
             "## 3.4 Best practices"],
        ),
    ],
    ids=["ch1", "ch2", "ch3"],
)
def test_chapter_mirrors_the_tutorial_sections(path, headings):
    markdown = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    for heading in headings:
        assert heading in markdown, f"{path.name} lacks the section {heading!r}"


def test_chapter_3_runs_the_tutorials_update_lines_verbatim():
    source = "\n".join(c.source for c in nbformat.read(CH3, as_version=4).cells if c.cell_type == "code")
    assert "self.weights_ho += learning_rate * np.dot(self.hidden_output.T, output_delta)" in source
    assert "self.weights_ho -= learning_rate * np.dot(self.hidden_output.T, output_delta)" in source


# ---------------------------------------------------------------- execution (slow) ----------

@pytest.mark.slow
@pytest.mark.notebook
class TestChapter1:
    def test_runs_within_budget(self, ch1):
        assert ch1.seconds < BUDGET_SECONDS[CH1.name], f"took {ch1.seconds:.0f} s"

    def test_hidden_layers_beat_a_straight_line_on_spirals(self, ch1):
        v = ch1.values
        assert v["mlp_acc"] >= 0.9
        assert v["linear_acc"] <= 0.75
        assert v["mlp_acc"] - v["linear_acc"] >= 0.2

    def test_training_lowered_the_loss_and_sentence_reports_it(self, ch1):
        v = ch1.values
        assert v["last_loss"] < 0.5 * v["first_loss"]
        assert f"{v['last_loss']:.3f}" in all_outputs_text(ch1.notebook)

    def test_prerequisite_cells(self, ch1):
        v = ch1.values
        assert v["slope"][0] == pytest.approx(6.0, abs=1e-5)
        assert v["exact_slope"] == [6.0]
        assert v["shifted"] == [[11.0, 22.0, 33.0], [14.0, 25.0, 36.0]]


@pytest.mark.slow
@pytest.mark.notebook
class TestChapter2:
    def test_runs_within_budget(self, ch2):
        assert ch2.seconds < BUDGET_SECONDS[CH2.name], f"took {ch2.seconds:.0f} s"

    def test_single_neuron_by_hand_and_in_the_explorer(self, ch2):
        v = ch2.values
        assert v["neuron_z"] == pytest.approx(0.8 * 0.5 + 0.2 * -1.0 - 0.5 * 2.0 + 0.1)
        assert v["neuron_a"] == pytest.approx(1 / (1 + math.exp(0.7)))
        assert v["explorer_output"] == pytest.approx(v["neuron_a"], abs=1e-6)

    def test_bias_moves_the_threshold(self, ch2):
        first = {float(k): value for k, value in ch2.values["first_firing"].items()}
        for bias in (-1.0, 0.0, 1.0):
            assert first[bias] == pytest.approx(-bias, abs=0.011)

    def test_layer_algebra(self, ch2):
        v = ch2.values
        assert v["dense_difference"] < 1e-12
        assert v["collapse_difference"] < 1e-10
        assert v["relu_difference"] > 1e-3
        assert v["softmax_sum"] == pytest.approx(1.0)
        assert v["n_parameters"] == 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10
        assert v["iterations_per_epoch"] == 1875
        assert v["n_connections"] == 36

    def test_hand_forward_pass_equals_the_library(self, ch2):
        v = ch2.values
        np.testing.assert_allclose(v["hand_output"], v["library_output"], rtol=1e-12)
        # the numbers themselves, recomputed here from the chapter's weights
        x = np.array([[1.0, 0.5]])
        a1 = 1 / (1 + np.exp(-(x @ np.array([[0.2, -0.4], [0.6, 0.1]]) + [0.0, 0.1])))
        y_hat = 1 / (1 + np.exp(-(a1 @ np.array([[0.5], [-0.3]]) + 0.2)))
        np.testing.assert_allclose(v["hand_output"], y_hat, rtol=1e-12)

    def test_hand_loss_and_gradient_equal_the_library(self, ch2):
        v = ch2.values
        assert v["hand_loss"] == pytest.approx(v["library_loss"], rel=1e-12)
        np.testing.assert_allclose(v["hand_grad_w2"], v["library_grad_w2"], rtol=1e-10)
        assert v["gradcheck_max_error"] < 1e-6

    def test_one_descent_step_lowers_the_loss_and_training_continues(self, ch2):
        v = ch2.values
        assert v["step_matches_formula"] is True
        assert v["loss_after"] < v["loss_before"]
        assert v["trained_prediction"] > v["hand_output"][0][0]
        assert v["trained_prediction"] > 0.8

    def test_stepper_update_lowers_the_loss(self, ch2):
        v = ch2.values
        assert v["stepper_loss_after"] < v["stepper_loss_before"]

    def test_descent_presets_behave_as_named(self, ch2):
        outcomes = ch2.values["descent_outcomes"]
        assert outcomes["good"]["converged"] and not outcomes["good"]["diverged"]
        assert outcomes["divergent"]["diverged"]
        assert not outcomes["too small"]["converged"]
        assert outcomes["too small"]["lr"] < outcomes["good"]["lr"] < outcomes["divergent"]["lr"]

    def test_widgets_were_displayed(self, ch2):
        views = [
            output
            for cell in ch2.notebook.cells
            for output in cell.get("outputs", [])
            if "application/vnd.jupyter.widget-view+json" in output.get("data", {})
        ]
        assert len(views) >= 4  # NeuronExplorer, ActivationExplorer, BackpropStepper, DescentExplorer


@pytest.mark.slow
@pytest.mark.notebook
class TestChapter3:
    def test_runs_within_budget(self, ch3):
        assert ch3.seconds < BUDGET_SECONDS[CH3.name], f"took {ch3.seconds:.0f} s"

    def test_sigmoid_derivative_expects_the_output(self, ch3):
        v = ch3.values
        assert v["slope_from_output"] == pytest.approx(v["slope_numerical"], rel=1e-6)
        assert v["slope_from_z"] == pytest.approx(-2.0)

    def test_backprop_quantities_are_the_loss_gradient(self, ch3):
        v = ch3.values
        assert v["backprop_error"] < 1e-6
        assert v["wrong_derivative_error"] > 0.1
        assert v["loss_descent_step"] < v["loss_now"] < v["loss_ascent_step"]

    def test_tutorial_code_climbs_the_loss(self, ch3):
        v = ch3.values
        losses = np.array(v["buggy_losses"])
        assert len(losses) == 2000
        assert losses[-1] > losses[0] + 0.1
        assert losses[-1] == pytest.approx(0.5, abs=0.01)
        assert np.all(np.diff(losses) > -1e-9), "the loss of the buggy network should never fall"
        # the tutorial's own run (100 epochs, a loss printed every 10) already climbs
        printed = [float(m) for m in re.findall(r"Epoch \d+, Loss: ([0-9.]+)", all_outputs_text(ch3.notebook))]
        assert len(printed) == 10
        assert all(b > a for a, b in zip(printed, printed[1:], strict=False))
        assert np.all(np.array(v["predictions"]) > 0.5)

    def test_tutorial_predictions_drift_to_one(self, ch3):
        assert np.all(np.array(ch3.values["buggy_predictions"]) > 0.95)

    def test_buggy_network_plateaus_at_half_for_every_seed(self, ch3):
        v = ch3.values
        assert v["all_near_one"] + v["all_near_zero"] == 10
        assert np.all(np.abs(np.array(v["seed_final_losses"]) - 0.5) < 0.01)

    def test_fix_lowers_the_loss_and_solves_xor(self, ch3):
        v = ch3.values
        slow = np.array(v["fixed_slow_losses"])
        assert slow[-1] < slow[0]
        losses = np.array(v["fixed_losses"])
        assert losses[-1] < 0.01 < losses[0]
        assert v["fixed_rounded"] == XOR_TARGETS
        predictions = np.array(v["fixed_predictions"])
        assert np.all(np.abs(predictions - XOR_TARGETS) < 0.2)

    def test_nnbasics_version_solves_xor(self, ch3):
        v = ch3.values
        assert v["library_rounded"] == XOR_TARGETS
        assert v["modern_accuracy"] == 1.0

    def test_playground_needs_a_hidden_layer_for_xor(self, ch3):
        accuracy = ch3.values["playground_accuracy"]
        assert accuracy["()"] < 0.7
        assert accuracy["(4,)"] > 0.85

    def test_use_case_and_best_practice_demos(self, ch3):
        v = ch3.values
        assert v["init_kept"]["normal"] < 1e-3 < 0.2 < v["init_kept"]["xavier"]
        assert v["init_kept"]["he"] > 0.2
        assert v["regression_rmse"] < 0.15
        scaling = v["scaling_results"]
        assert scaling["standardised"] >= 0.9
        assert scaling["raw"] == "diverged" or scaling["raw"] < scaling["standardised"]
        final = {float(lr): losses[-1] for lr, losses in v["lr_losses"].items()}
        assert final[1.0] < final[0.1]
        assert final[100.0] > final[10.0] + 0.2  # too large: saturated and stuck

    def test_monitoring_demo_shows_overfitting(self, ch3):
        assert ch3.values["overfitting"] is True
        assert 1 <= ch3.values["best_epoch"] < 150

    def test_results_are_stated_in_words(self, ch3):
        text = all_outputs_text(ch3.notebook)
        assert "The loss rose" in text
        assert "XOR solved: every rounded prediction equals its target." in text

"""Chapter 4 (advanced topics): structure checks (fast) and the demos' numbers after a headless run.

The notebook runs once, in a module-scoped fixture (``make test`` distributes whole test files
to the xdist workers, so one worker owns this module).
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

import nbformat
import pytest
from notebook_runner import NotebookRun, all_outputs_text, run_notebook

NOTEBOOK = Path(__file__).resolve().parents[2] / "course" / "04_advanced_topics.ipynb"
BUDGET_SECONDS = 240  # measured 50-105 s on a shared 2-core machine at load 10 (25 s with one BLAS thread)
CELL_BUDGET_SECONDS = 60  # every demo must run within a minute on a CPU

FETCH = [
    "kernel_response", "conv_gradcheck_error", "cnn_accuracy", "rnn_majority_accuracy",
    "rnn_step_probabilities", "lstm_gradcheck_error", "rnn_gradcheck_error",
    "rnn_memory_accuracy", "lstm_memory_accuracy", "forget_mean", "ae_loss_before",
    "ae_loss_after", "ae_losses", "reconstruction_accuracy", "gan_mean", "gan_std", "TARGET_MEAN",
    "overfit_gaps", "sigmoid_ratio", "relu_spread", "unclipped_diverged", "clipped_losses",
    "exploding_factor", "max_abs_difference", "speedup", "minibatch_loss_at_budget",
    "fullbatch_loss_at_budget",
]


@pytest.fixture(scope="module")
def ch4() -> NotebookRun:
    return run_notebook(NOTEBOOK, fetch=FETCH, cell_timeout=300)


# ------------------------------------------------------------------------- structure (fast)
def test_notebook_is_committed_without_outputs_and_ends_with_folded_answers():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata.kernelspec.name == "python3"
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code_cells)
    last = nb.cells[-1]
    assert last.cell_type == "markdown" and last.source.count("<details>") >= 6
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for heading in ("## 4.1", "## 4.2", "## 4.3", "## 4.4", "Check your understanding"):
        assert heading in text


# ------------------------------------------------------------------------- execution (slow)

def _cell_seconds(cell) -> float | None:
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return None
    parse = lambda stamp: datetime.fromisoformat(stamp.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


@pytest.mark.slow
@pytest.mark.notebook
def test_runs_headless_within_budget_and_every_demo_within_a_minute(ch4):
    assert ch4.seconds < BUDGET_SECONDS
    slow_cells = {
        cell.id: seconds
        for cell in ch4.notebook.cells
        if cell.cell_type == "code" and (seconds := _cell_seconds(cell)) is not None
        and seconds > CELL_BUDGET_SECONDS
    }
    assert not slow_cells


@pytest.mark.slow
@pytest.mark.notebook
def test_convolution_demos(ch4):
    v = ch4.values
    response = v["kernel_response"]
    assert response["edge"] > response["identity"]  # outlines on both sides of each stroke
    assert response["blur"] > response["identity"]  # ink smeared onto the background
    assert v["conv_gradcheck_error"] <= 1e-6
    assert v["cnn_accuracy"] > 0.75


@pytest.mark.slow
@pytest.mark.notebook
def test_recurrent_demos(ch4):
    v = ch4.values
    assert v["rnn_majority_accuracy"] > 0.9
    probabilities = v["rnn_step_probabilities"]
    assert len(probabilities) == 11 and all(0 <= p <= 1 for p in probabilities)
    assert v["lstm_gradcheck_error"] <= 1e-6 and v["rnn_gradcheck_error"] <= 1e-6
    assert v["lstm_memory_accuracy"] >= 0.9  # remembers across 29 noisy steps
    assert v["rnn_memory_accuracy"] < 0.65  # the plain RNN stays near chance
    assert v["forget_mean"] > 0.7


@pytest.mark.slow
@pytest.mark.notebook
def test_autoencoder_and_gan_demos(ch4):
    v = ch4.values
    assert v["ae_loss_after"] < 0.5 * v["ae_loss_before"]
    assert v["ae_losses"][-1] < v["ae_losses"][0]
    assert v["reconstruction_accuracy"] > 0.2  # chance is 0.1: the 2-number codes keep part of it
    assert abs(v["gan_mean"] - v["TARGET_MEAN"]) < 0.3
    assert 0 < v["gan_std"] < 2


@pytest.mark.slow
@pytest.mark.notebook
def test_challenge_demos(ch4):
    v = ch4.values
    gaps = v["overfit_gaps"]
    assert gaps["plain"] > 0.3
    for cure in ("L2", "dropout", "early stopping"):
        assert gaps[cure] < gaps["plain"], cure
    assert v["sigmoid_ratio"] < 1e-3  # the sigmoid net's first-layer gradient has vanished
    assert v["relu_spread"] < 10  # ReLU + He: all layers within 10x of each other
    assert v["unclipped_diverged"] is True
    clipped = v["clipped_losses"]
    assert all(math.isfinite(x) for x in clipped) and clipped[-1] < clipped[0]
    assert v["exploding_factor"] > 100  # weights 3x too large: gradients hundreds of times larger


@pytest.mark.slow
@pytest.mark.notebook
def test_performance_demos_and_printed_conclusions(ch4):
    v = ch4.values
    assert v["max_abs_difference"] < 1e-9  # same result...
    assert v["speedup"] > 5  # ...much faster
    assert v["minibatch_loss_at_budget"] < v["fullbatch_loss_at_budget"]
    text = all_outputs_text(ch4.notebook)
    for phrase in ("the layer passes", "The RNN names the winner", "reconstruction error",
                   "Sigmoid: the first layer's gradient", "With clip=1.0", "times faster",
                   "mini-batch training reaches"):
        assert phrase in text, phrase

"""Random-search NAS: distinct samples from the space, best-first results, parameter counts."""

import numpy as np
import pytest

from nnbasics.advanced.nas import count_mlp_params, mlp_evaluator, random_search, sample_architecture


def test_count_params_matches_mlp():
    from nnbasics import MLP

    assert count_mlp_params([784, 128, 10]) == MLP([784, 128, 10]).n_params == 101770


def test_samples_lie_in_the_search_space():
    rng = np.random.default_rng(0)
    for _ in range(50):
        arch = sample_architecture(rng, depths=(1, 2), widths=(8, 16))
        assert 1 <= len(arch) <= 2 and set(arch) <= {8, 16}


def test_random_search_returns_distinct_trials_best_first():
    def evaluate(hidden):
        return -abs(sum(hidden) - 100)  # best: hidden sizes summing to 100

    trials = random_search(
        evaluate, n_trials=6, depths=(1, 2), widths=(25, 50, 75), n_inputs=4, n_outputs=2, seed=1
    )
    archs = [t.hidden_sizes for t in trials]
    assert len(set(archs)) == 6
    scores = [t.score for t in trials]
    assert scores == sorted(scores, reverse=True)
    assert trials[0].n_params == count_mlp_params([4, *trials[0].hidden_sizes, 2])
    with pytest.raises(ValueError, match="only 12"):
        random_search(evaluate, n_trials=13, depths=(1, 2), widths=(25, 50, 75))


def test_search_is_reproducible_and_mlp_evaluator_scores_accuracy():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 5)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    evaluate = mlp_evaluator(X[:200], y[:200], X[200:], y[200:], epochs=5, lr=1e-2)
    first = random_search(evaluate, n_trials=3, depths=(1,), widths=(4, 8, 16), seed=3)
    second = random_search(evaluate, n_trials=3, depths=(1,), widths=(4, 8, 16), seed=3)
    assert [(t.hidden_sizes, t.score) for t in first] == [(t.hidden_sizes, t.score) for t in second]
    assert 0.8 < first[0].score <= 1.0


def test_chapter_5_modules_import_numpy_only():
    """The nine chapter-5 modules must not pull in matplotlib, torch or tqdm at import time."""
    import subprocess
    import sys

    modules = ["attention", "residual", "quantize", "prune", "adversarial", "federated", "parallel", "graph", "nas"]
    code = (
        "import sys\n"
        + "".join(f"import nnbasics.advanced.{m}\n" for m in modules)
        + "print(sorted(m for m in ('matplotlib', 'torch', 'tqdm', 'ipywidgets') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"

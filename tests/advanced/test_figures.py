"""Chapter 4's extra figures draw what they are given (one artist per series, titles, labels)."""

import matplotlib.pyplot as plt  # headless: tests/conftest.py sets MPLBACKEND=Agg
import numpy as np

from nnbasics.advanced import figures


def teardown_function():
    plt.close("all")


def test_plot_convolution_shows_the_kernel_numbers():
    image, kernel = np.zeros((6, 6)), np.arange(9.0).reshape(3, 3) - 4
    axes = figures.plot_convolution(image, kernel, image)
    assert [t.get_text() for t in axes[1].texts] == [f"{v:.2g}" for v in kernel.ravel()]
    assert axes[0].get_title() == "input"


def test_gate_traces_colour_sequences_by_label():
    gates = {"input": np.random.default_rng(0).random((4, 5, 2)), "cell": np.zeros((4, 5, 2))}
    axes = figures.plot_gate_traces(gates, np.array([1, 0, 1, 0]), unit=1)
    colours = [line.get_color() for line in axes[0].lines]
    assert colours == ["tab:blue", "tab:orange", "tab:blue", "tab:orange"]
    assert axes[1].get_title() == "cell state"


def test_latent_histogram_time_and_state_plots_draw_every_series():
    ax = figures.plot_latent_space(np.random.default_rng(0).random((30, 2)), np.arange(30) % 3)
    assert len(ax.collections) == 3
    ax = figures.plot_real_vs_generated(np.random.default_rng(1).normal(size=100), np.zeros(50) + 0.5)
    assert len(ax.get_legend().get_texts()) == 2
    ax = figures.plot_loss_against_time({"a": ([1, 2], [1.0, 0.5]), "b": ([3], [0.7])})
    assert len(ax.lines) == 2 and ax.get_xlabel() == "training time (s)"
    ax = figures.plot_gan_progress({"step": [1, 2], "mean": [0, 1], "std": [1, 1]}, 3.0, 0.5)
    assert len(ax.lines) == 4
    ax = figures.plot_sequence_states(np.array([1.0, -1.0, 1.0]), np.zeros((3, 4)))
    assert ax.images[0].get_array().shape == (4, 3)


def test_chapter_4_modules_import_only_numpy():
    """matplotlib (figures), torch and tqdm (progress bars) are imported lazily, when used."""
    import subprocess
    import sys

    modules = ["conv", "kernels", "rnn", "lstm", "autoencoder", "gan", "sequences", "shaped_input",
               "performance", "figures"]
    code = (
        "import sys\n"
        f"for name in {modules!r}: __import__('nnbasics.advanced.' + name)\n"
        "print([m for m in ('matplotlib', 'torch', 'tqdm', 'ipywidgets') if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"

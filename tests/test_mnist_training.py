"""A short MNIST run: the default MLP reaches a sane test accuracy quickly."""

import time

import numpy as np
import pytest

from nnbasics import MLP, Adam

threadpool_limits = pytest.importorskip("threadpoolctl").threadpool_limits

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mnist():
    datasets = pytest.importorskip("nnbasics.datasets")
    try:
        X_train, y_train, X_test, y_test = datasets.load_mnist()
    except (FileNotFoundError, OSError) as exc:
        pytest.skip(f"MNIST not available: {exc}")
    flat = lambda X: X.reshape(len(X), -1).astype(np.float32) / 255.0  # noqa: E731
    return flat(X_train[:15000]), y_train[:15000], flat(X_test[:5000]), y_test[:5000]


def test_short_mnist_run_reaches_sane_accuracy(mnist):
    X_train, y_train, X_test, y_test = mnist
    model = MLP([784, 100, 10], activation="relu", seed=0)
    # One BLAS thread: under `pytest -n 2` the two workers already fill the two cores, and
    # oversubscribed OpenBLAS threads spin-wait for each other (10x slower, not faster).
    with threadpool_limits(1):
        start = time.perf_counter()
        history = model.fit(X_train, y_train, epochs=3, batch_size=64, optimizer=Adam(2e-3))
        seconds = time.perf_counter() - start
    accuracy = model.score(X_test, y_test)
    assert accuracy >= 0.93, f"test accuracy {accuracy:.3f} after 3 epochs on 15k images"
    assert history["loss"][-1] < history["loss"][0]
    assert seconds < 30, f"3 epochs on 15k images took {seconds:.1f} s"

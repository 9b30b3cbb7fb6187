"""Autoencoder: shapes of codes and reconstructions, gradient check, and learning to compress."""

import numpy as np
import pytest

from nnbasics import Adam
from nnbasics.advanced.autoencoder import Autoencoder
from nnbasics.gradcheck import check_model


def _points_on_a_plane(n: int, seed: int) -> np.ndarray:
    """(n, 8) values in [0, 1] that depend on only 2 hidden numbers: compressible to 2-D."""
    rng = np.random.default_rng(seed)
    hidden = rng.uniform(-1, 1, size=(n, 2))
    mixing = np.random.default_rng(99).standard_normal((2, 8))
    return 1.0 / (1.0 + np.exp(-hidden @ mixing))


def test_encoder_and_decoder_compose_to_the_model():
    ae = Autoencoder([8, 6, 2], seed=0)
    X = _points_on_a_plane(5, seed=0).astype(np.float32)
    codes = ae.encode(X)
    assert codes.shape == (5, 2)
    reconstruction = ae.decode(codes)
    assert reconstruction.shape == (5, 8)
    assert np.all((reconstruction > 0) & (reconstruction < 1))  # sigmoid output
    np.testing.assert_allclose(reconstruction, ae.predict(X), rtol=1e-6)
    assert repr(ae) == "Autoencoder([8, 6, 2])"


def test_autoencoder_passes_a_float64_gradient_check():
    ae = Autoencoder([6, 4, 2], activation="tanh", seed=1, dtype=np.float64)
    X = _points_on_a_plane(7, seed=1)[:, :6]
    report = check_model(ae, X, X, max_entries=None)
    assert report.max_error <= 1e-6, report


def test_training_reduces_the_reconstruction_error():
    ae = Autoencoder([8, 16, 2], seed=0)
    X, X_new = _points_on_a_plane(600, seed=2), _points_on_a_plane(200, seed=3)
    before = ae.evaluate(X_new, X_new)[0]
    history = ae.fit(X, X, epochs=30, batch_size=32, optimizer=Adam(1e-2), seed=0)
    after = ae.evaluate(X_new, X_new)[0]
    assert history["loss"][-1] < history["loss"][0]
    assert after < 0.2 * before
    # ...and a trained code keeps enough information: nearby inputs get nearby codes.
    codes = ae.encode(X_new)
    assert np.isfinite(codes).all() and codes.std(axis=0).min() > 1e-3


def test_bad_sizes_and_inputs_are_explained():
    with pytest.raises(ValueError, match="at least"):
        Autoencoder([784])
    ae = Autoencoder([8, 4, 2])
    with pytest.raises(ValueError, match="expected 8 features"):
        ae.encode(np.zeros((3, 7)))
    with pytest.raises(ValueError, match="expected 2 features"):
        ae.decode(np.zeros((3, 3)))

"""Prediction and evaluation methods of ``Sequential`` (a mixin, to keep files small)."""

from __future__ import annotations

import numpy as np

from ..losses import MSE
from ..metrics import accuracy as accuracy_score
from .validation import check_same_length, check_X

__all__ = ["InferenceMixin"]

INFERENCE_CHUNK = 8192  # rows per forward pass in predict/score, to bound memory


class InferenceMixin:
    """``predict_proba``, ``predict``, ``score``, ``evaluate`` for a model with ``forward``,
    ``logits``, ``loss_fn``, ``penalty``, ``n_features``, ``n_outputs`` and ``dtype``."""

    def predict_proba(self, X) -> np.ndarray:
        """Model outputs ``(n, n_outputs)`` (probabilities for classifiers), in chunks."""
        X = check_X(X, self.n_features, self.dtype)
        chunks = [self.forward(X[i : i + INFERENCE_CHUNK]) for i in range(0, len(X), INFERENCE_CHUNK)]
        return np.concatenate(chunks) if chunks else np.zeros((0, self.n_outputs), self.dtype)

    def predict(self, X) -> np.ndarray:
        """Predictions: class labels ``(n,)`` (int) for classifiers; for MSE models the raw
        output values ``(n, n_outputs)``."""
        out = self.predict_proba(X)
        if isinstance(self.loss_fn, MSE):
            return out
        return self._labels_from_output(out)

    def _labels_from_output(self, out: np.ndarray) -> np.ndarray:
        """Class labels from outputs: argmax for several outputs, threshold 0.5 for one."""
        if out.shape[1] == 1:
            return (out[:, 0] >= 0.5).astype(np.int64)
        return out.argmax(axis=1)

    def _labels_from_targets(self, y) -> np.ndarray:
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] > 1:
            return y.argmax(axis=1)
        y = y.reshape(-1)
        if self.n_outputs == 1:
            return (y >= 0.5).astype(np.int64)
        return y

    def tracks_accuracy(self, y) -> bool:
        """Whether accuracy is meaningful for targets ``y`` (classifiers; MSE with 0/1 or
        one-hot targets)."""
        if not isinstance(self.loss_fn, MSE):
            return True
        y = np.asarray(y)
        return bool(y.size) and bool(np.isin(y, (0, 1)).all())

    def count_correct(self, out: np.ndarray, y) -> int:
        """Number of rows of raw output ``out`` (from ``logits``) classified as ``y``."""
        return int(np.count_nonzero(self._labels_from_output(out) == self._labels_from_targets(y)))

    def score(self, X, y) -> float:
        """Accuracy of ``predict`` on ``(X, y)`` (for one output: threshold 0.5)."""
        X = check_X(X, self.n_features, self.dtype)
        check_same_length(X, np.asarray(y))
        if not self.tracks_accuracy(y):
            raise ValueError(
                "score() reports accuracy, which needs class targets (0/1 or one-hot); "
                "for regression use model.loss(X, y)"
            )
        out = self.predict_proba(X)
        return accuracy_score(self._labels_from_targets(y), self._labels_from_output(out))

    def evaluate(self, X, y) -> tuple[float, float | None]:
        """``(loss, accuracy)`` on ``(X, y)`` in inference mode (accuracy ``None`` for
        regression targets). The loss includes the regularization penalty."""
        X = check_X(X, self.n_features, self.dtype)
        y = np.asarray(y)
        check_same_length(X, y)
        total, correct = 0.0, 0
        track = self.tracks_accuracy(y)
        for i in range(0, len(X), INFERENCE_CHUNK):
            xb, yb = X[i : i + INFERENCE_CHUNK], y[i : i + INFERENCE_CHUNK]
            out = self.logits(xb)
            total += self.loss_fn.forward(out, yb) * len(xb)
            if track:
                correct += self.count_correct(out, yb)
        return total / len(X) + self.penalty(), (correct / len(X) if track else None)

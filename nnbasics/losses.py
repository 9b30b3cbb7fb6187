"""Loss functions: mean squared error, binary cross-entropy, softmax cross-entropy.

Every loss follows the same two-step protocol as the layers:

* ``forward(y_pred, y_true) -> float``: the loss averaged over the samples (rows); the
  loss keeps what it needs for the backward pass;
* ``backward() -> dy_pred``: the gradient of that average with respect to ``y_pred``,
  an array with the shape of ``y_pred``.

``loss(y_pred, y_true)`` is the same as ``loss.forward(y_pred, y_true)``.

``output(z)`` maps the network's raw output to what the model reports as
``predict_proba``: the softmax for :class:`SoftmaxCrossEntropy` (which takes logits),
the identity for the others.
"""

from __future__ import annotations

import numpy as np

from .activations import softmax

__all__ = [
    "BinaryCrossEntropy",
    "Loss",
    "MSE",
    "SoftmaxCrossEntropy",
    "get_loss",
]


class Loss:
    """Base class: subclasses implement ``forward`` and ``backward``."""

    name = "loss"

    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:  # pragma: no cover
        raise NotImplementedError

    def backward(self) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def __call__(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        return self.forward(y_pred, y_true)

    def output(self, z: np.ndarray) -> np.ndarray:
        """Map the network's raw output ``z`` to the model's reported output (identity here)."""
        return z

    def check_targets(self, y_true, n_outputs: int) -> np.ndarray:
        """Validate ``y_true`` for a network with ``n_outputs`` outputs; return it as an array."""
        return np.asarray(y_true)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def _require_forward(self) -> None:
        if getattr(self, "_cache", None) is None:
            raise RuntimeError(f"{type(self).__name__}.backward() called before forward()")


def _check_pred(y_pred) -> np.ndarray:
    y_pred = np.asarray(y_pred)
    if not np.issubdtype(y_pred.dtype, np.floating):
        y_pred = y_pred.astype(np.float64)
    if y_pred.ndim != 2:
        raise ValueError(
            f"predictions must be a 2-D array (n_samples, n_outputs), got shape {y_pred.shape}"
        )
    return y_pred


def _match_shape(y_true, y_pred: np.ndarray, what: str) -> np.ndarray:
    """Return ``y_true`` as a float array with the shape of ``y_pred`` (``(n,)`` -> ``(n, 1)``)."""
    y_true = np.asarray(y_true)
    if y_true.dtype.kind not in "biuf":
        raise TypeError(f"{what} targets must be numbers, got an array of dtype {y_true.dtype}")
    if y_true.ndim == 1 and y_pred.shape[1] == 1:
        y_true = y_true.reshape(-1, 1)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{what}: targets of shape {y_true.shape} do not match predictions of shape "
            f"{y_pred.shape}; give one target per output (e.g. y.reshape(-1, 1) for one output)"
        )
    return y_true.astype(y_pred.dtype, copy=False)


class MSE(Loss):
    """Mean squared error ``mean((y_pred - y_true) ** 2)`` over every element.

    ``y_pred``: ``(n, k)``; ``y_true``: ``(n, k)``, or ``(n,)`` when ``k == 1``.
    The gradient is ``2 * (y_pred - y_true) / y_pred.size``, exactly the tutorial's
    ``mse_derivative``.
    """

    name = "mse"

    def __init__(self) -> None:
        self._cache = None

    def check_targets(self, y_true, n_outputs: int) -> np.ndarray:
        y_true = np.asarray(y_true)
        if y_true.dtype.kind not in "biuf":
            raise TypeError(f"MSE targets must be numbers, got dtype {y_true.dtype}")
        if y_true.ndim == 1 and n_outputs == 1:
            y_true = y_true.reshape(-1, 1)
        if y_true.ndim != 2 or y_true.shape[1] != n_outputs:
            raise ValueError(
                f"MSE targets must have shape (n_samples, {n_outputs}), got {y_true.shape}"
            )
        return y_true

    def forward(self, y_pred, y_true) -> float:
        y_pred = _check_pred(y_pred)
        y_true = _match_shape(y_true, y_pred, "MSE")
        diff = y_pred - y_true
        self._cache = diff
        return float(np.mean(diff * diff))

    def backward(self) -> np.ndarray:
        self._require_forward()
        diff = self._cache
        return diff * (2.0 / diff.size)


class BinaryCrossEntropy(Loss):
    """Binary cross-entropy on probabilities ``p`` (the output of a sigmoid):
    ``-mean(y log p + (1 - y) log(1 - p))``.

    ``y_pred``: ``(n, k)`` probabilities; ``y_true``: 0/1 (or soft) targets of the same
    shape, or ``(n,)`` when ``k == 1``. Probabilities are clipped to ``[eps, 1 - eps]`` so
    the loss stays finite when the sigmoid saturates.
    """

    name = "bce"

    def __init__(self, eps: float = 1e-7) -> None:
        if not 0 < eps < 0.5:
            raise ValueError(f"eps must be in (0, 0.5), got {eps}")
        self.eps = eps
        self._cache = None

    def check_targets(self, y_true, n_outputs: int) -> np.ndarray:
        y_true = np.asarray(y_true)
        if y_true.dtype.kind not in "biuf":
            raise TypeError(f"binary cross-entropy targets must be 0/1 numbers, got {y_true.dtype}")
        if y_true.ndim == 1 and n_outputs == 1:
            y_true = y_true.reshape(-1, 1)
        if y_true.ndim != 2 or y_true.shape[1] != n_outputs:
            raise ValueError(
                f"binary cross-entropy targets must have shape (n_samples,) or "
                f"(n_samples, {n_outputs}), got {y_true.shape}"
            )
        if y_true.size and (y_true.min() < 0 or y_true.max() > 1):
            raise ValueError(
                "binary cross-entropy targets must lie in [0, 1] (class labels 0 and 1); "
                f"got values from {y_true.min()} to {y_true.max()}. For more than two classes "
                "use loss='softmax_cross_entropy'"
            )
        return y_true

    def forward(self, y_pred, y_true) -> float:
        y_pred = _check_pred(y_pred)
        y_true = _match_shape(y_true, y_pred, "binary cross-entropy")
        p = np.clip(y_pred, self.eps, 1.0 - self.eps)
        self._cache = (p, y_true)
        losses = -(y_true * np.log(p) + (1.0 - y_true) * np.log1p(-p))
        return float(np.mean(losses))

    def backward(self) -> np.ndarray:
        self._require_forward()
        p, y_true = self._cache
        return (p - y_true) / (p * (1.0 - p)) / p.size


class SoftmaxCrossEntropy(Loss):
    """Softmax followed by cross-entropy, fused: takes **logits** ``z`` of shape ``(n, k)``.

    ``loss = -mean(log softmax(z)[i, y_i])``, computed with the log-sum-exp trick so it
    never overflows. Targets are integer labels ``(n,)`` in ``[0, k)`` or one-hot / soft
    label rows ``(n, k)``. The fused gradient is ``(softmax(z) - onehot(y)) / n``.
    """

    name = "softmax_cross_entropy"

    def __init__(self) -> None:
        self._cache = None

    def output(self, z: np.ndarray) -> np.ndarray:
        """Probabilities ``softmax(z)`` from logits ``z``."""
        return softmax(z, axis=1)

    def check_targets(self, y_true, n_outputs: int) -> np.ndarray:
        y_true = np.asarray(y_true)
        if y_true.ndim == 2 and not (y_true.shape[1] == 1 and n_outputs > 1):
            if y_true.shape[1] != n_outputs:
                raise ValueError(
                    f"one-hot targets must have {n_outputs} columns (one per class), "
                    f"got shape {y_true.shape}"
                )
            if y_true.dtype.kind not in "biuf":
                raise TypeError(f"one-hot targets must be numbers, got dtype {y_true.dtype}")
            return y_true
        return _check_labels(y_true, n_outputs)

    def forward(self, y_pred, y_true) -> float:
        z = _check_pred(y_pred)
        n, k = z.shape
        shifted = z - z.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        sums = exp.sum(axis=1, keepdims=True)
        probs = np.divide(exp, sums, out=exp)
        log_sums = np.log(sums)
        y_true = np.asarray(y_true)
        if y_true.ndim != 2 or (y_true.shape[1] == 1 and k > 1):
            labels = _check_labels(y_true, k, n)
            picked = shifted[np.arange(n), labels] - log_sums[:, 0]
            loss = -float(np.mean(picked))
            self._cache = (probs, labels)
        else:
            target = _match_shape(y_true, z, "softmax cross-entropy")
            loss = -float(np.sum(target * (shifted - log_sums)) / n)
            self._cache = (probs, target)
        return loss

    def backward(self) -> np.ndarray:
        self._require_forward()
        probs, target = self._cache
        n = probs.shape[0]
        grad = probs.copy()
        if target.ndim == 1:
            grad[np.arange(n), target] -= 1.0
        else:
            grad -= target
        grad *= 1.0 / n
        return grad


def _check_labels(y, n_classes: int, n_samples: int | None = None) -> np.ndarray:
    """Check integer class labels ``(n,)`` in ``[0, n_classes)``; return them as an int array."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(
            f"class labels must be a 1-D array of integers (n_samples,), got shape {y.shape}; "
            "use y.ravel() for a column of labels"
        )
    if n_samples is not None and len(y) != n_samples:
        raise ValueError(f"got {len(y)} labels for {n_samples} predictions; they must match")
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or not np.array_equal(y, np.round(y)):
            raise TypeError(
                "class labels must be integers 0..k-1, got non-integer floats; "
                "for one-hot targets pass an (n_samples, n_classes) array"
            )
        y = y.astype(np.int64)
    elif y.dtype.kind == "b":
        y = y.astype(np.int64)
    elif y.dtype.kind not in "iu":
        raise TypeError(f"class labels must be integers 0..k-1, got an array of dtype {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(
            f"class labels must lie in [0, {n_classes}) for a network with {n_classes} "
            f"outputs; got labels from {y.min()} to {y.max()}"
        )
    return y


_LOSSES = {
    "mse": MSE,
    "mean_squared_error": MSE,
    "bce": BinaryCrossEntropy,
    "binary_cross_entropy": BinaryCrossEntropy,
    "softmax_cross_entropy": SoftmaxCrossEntropy,
    "cross_entropy": SoftmaxCrossEntropy,
}


def get_loss(name: str | Loss) -> Loss:
    """A new loss by name ("mse", "bce", "softmax_cross_entropy" / "cross_entropy");
    a ``Loss`` instance passes through."""
    if isinstance(name, Loss):
        return name
    if not isinstance(name, str) or name.lower() not in _LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(sorted(_LOSSES))}")
    return _LOSSES[name.lower()]()

"""Adversarial examples with the fast gradient sign method (FGSM, Goodfellow et al. 2015).

Training asks "how should the *weights* change to lower the loss?". An attacker asks the same
question about the *input*: the gradient of the loss with respect to the pixels says which
direction makes the model most wrong. FGSM takes one step of size ``epsilon`` along the sign
of that gradient::

    x_adv = clip(x + epsilon * sign(dL/dx), 0, 1)

Every pixel moves by at most ``epsilon`` (an L-infinity budget), often too little for a person
to notice, yet because the step is aligned with the gradient in all 784 pixels at once, the
logits move a lot.
"""

from __future__ import annotations

import numpy as np

__all__ = ["accuracy_under_fgsm", "fgsm", "loss_input_gradient"]


def loss_input_gradient(model, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Gradient of ``model``'s mean data loss with respect to the inputs ``X (n, d) -> (n, d)``.

    Runs the model in inference mode and backpropagates through every layer, including the
    first (whose input gradient the model itself does not need during training). The layers'
    ``grads`` are overwritten as a side effect; the weights are not changed.
    """
    logits = model.logits(X, training=False)
    model.loss_fn.forward(logits, y)
    dout = model.loss_fn.backward()
    for layer in reversed(model.layers):
        dout = layer.backward(dout)
    return dout


def fgsm(
    model,
    X: np.ndarray,
    y: np.ndarray,
    epsilon: float,
    clip_range: tuple[float, float] | None = (0.0, 1.0),
) -> np.ndarray:
    """Adversarial versions of ``X (n, d)``: one signed-gradient step of size ``epsilon``.

    ``clip_range`` keeps the result a valid input (pixels in ``[0, 1]`` by default; ``None``
    to skip). ``|x_adv - x| <= epsilon`` entry-wise whenever ``X`` already lies in the range.
    """
    if not np.isfinite(epsilon) or epsilon < 0:
        raise ValueError(f"epsilon must be a non-negative number, got {epsilon}")
    X = np.asarray(X, dtype=np.float32)
    if epsilon == 0:
        return X.copy()
    gradient = loss_input_gradient(model, X, y)
    X_adv = X + np.float32(epsilon) * np.sign(gradient).astype(np.float32)
    if clip_range is not None:
        X_adv = np.clip(X_adv, *clip_range)
    return X_adv.astype(np.float32)


def accuracy_under_fgsm(
    model, X: np.ndarray, y: np.ndarray, epsilons, batch_size: int = 2000
) -> np.ndarray:
    """Accuracy of ``model`` on FGSM versions of ``(X, y)`` for each epsilon, ``(len(epsilons),)``.

    Works in batches of ``batch_size`` rows to bound memory.
    """
    y = np.asarray(y)
    accuracies = []
    for epsilon in epsilons:
        correct = 0
        for start in range(0, len(X), batch_size):
            xb, yb = X[start : start + batch_size], y[start : start + batch_size]
            correct += int(np.sum(model.predict(fgsm(model, xb, yb, epsilon)) == yb))
        accuracies.append(correct / len(X))
    return np.asarray(accuracies)

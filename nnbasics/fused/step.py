"""``fused_train_step``: ``Sequential.train_step`` with the element-wise work fused.

The same forward pass, loss, backward pass and update as the NumPy path, in the same order
(dropout draws the same masks), with three fusions where the layers allow them:

* ``Dense`` followed by ``Activation("relu")``: the matrix product is NumPy's, then one loop
  adds the bias and applies the ReLU (``dense.output`` keeps the pre-activation ``z``, the
  ReLU layer's ``output`` the activation, as in the NumPy path);
* backward through that pair: one loop masks the gradient with ``a > 0`` and sums the bias
  gradient, then NumPy's matrix products give ``dW`` and ``dx``;
* softmax cross-entropy on integer labels: one loop per row gives the loss and its gradient.

Every other layer, loss and optimizer runs its own NumPy code, so any model trains here.
"""

from __future__ import annotations

import numpy as np

from ..layers import Activation, Dense, Layer
from ..losses import SoftmaxCrossEntropy
from ..model.validation import check_X
from ..optimizers import Optimizer
from ..regularization import clip_gradients
from . import kernels
from .optimizers import fused_optimizer_step

__all__ = ["fused_train_step"]

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _dense_then_relu(dense: Layer, activation: Layer | None) -> bool:
    """True for a library ``Dense`` followed by a library ReLU (subclasses keep their own code)."""
    return (type(dense) is Dense and type(activation) is Activation
            and activation.name == "relu" and dense.dtype in _FLOATS)


def _forward(layers: list[Layer], x: np.ndarray) -> np.ndarray:
    """Training-mode forward pass; returns the last layer's output ``(n, n_outputs)``."""
    i = 0
    while i < len(layers):
        layer = layers[i]
        following = layers[i + 1] if i + 1 < len(layers) else None
        if _dense_then_relu(layer, following):
            x = layer._check_input(x)
            z = np.matmul(x, layer.params["W"])
            a = np.empty_like(z)
            kernels.bias_relu_forward(z, layer.params["b"], a)
            layer.input, layer.output = x, z
            following.input, following.output = z, a
            x, i = a, i + 2
        else:
            x = layer.forward(x, training=True)
            i += 1
    return x


def _loss_and_gradient(loss_fn, logits: np.ndarray, y) -> tuple[float, np.ndarray]:
    """The mean loss of ``logits (n, k)`` against ``y`` and its gradient ``(n, k)``."""
    labels = np.asarray(y)
    if (type(loss_fn) is SoftmaxCrossEntropy and logits.dtype in _FLOATS and labels.ndim == 1
            and labels.dtype.kind in "iu" and len(labels) == len(logits) and logits.ndim == 2):
        grad = np.empty_like(logits)
        loss, bad = kernels.softmax_cross_entropy(np.ascontiguousarray(logits),
                                                  labels.astype(np.int64, copy=False), grad)
        if not bad:
            loss_fn._cache = None  # its backward() belongs to its own forward()
            return float(loss), grad
    # everything else (and bad labels, which the loss reports clearly): the loss's own code
    loss = loss_fn.forward(logits, y)
    return loss, loss_fn.backward()


def _backward(layers: list[Layer], first: int, skip_first_input_grad: bool, dout) -> None:
    """Backward pass from the last layer down to layer ``first`` (the first with parameters)."""
    i = len(layers) - 1
    while i >= first:
        layer = layers[i]
        if i - 1 >= first and _dense_then_relu(layers[i - 1], layer):
            dense = layers[i - 1]
            dout = np.ascontiguousarray(dout, dtype=dense.dtype)
            a = np.ascontiguousarray(layer.output)
            dz = np.empty_like(dout)
            kernels.relu_backward_bias_grad(dout, a, dz, dense.grads["b"])
            np.matmul(dense.input.T, dz, out=dense.grads["W"])
            dout = np.matmul(dz, dense.params["W"].T) if i - 1 > first else None
            i -= 2
        elif i == first and skip_first_input_grad:
            layer.backward(dout, need_input_grad=False)
            i -= 1
        else:
            dout = layer.backward(dout)
            i -= 1


def fused_train_step(model, X, y, optimizer: Optimizer, clip: float | None = None) -> float:
    """One forward pass (training mode), backward pass and update of ``model`` on the batch
    ``X (n, n_features)``, ``y``; returns the batch loss before the update (data + penalty)."""
    logits = _forward(model.layers, check_X(X, model.n_features, model.dtype))
    model._last_output = logits
    loss, dout = _loss_and_gradient(model.loss_fn, logits, y)
    _backward(model.layers, model._first_trainable, model._skip_first_input_grad, dout)
    model._add_penalty_gradients()
    if clip is not None:
        clip_gradients(model.grads, clip)
    flat = model._packed.buffers() if model._packed is not None else None
    if flat is not None:  # all parameters in one buffer: one loop updates the whole model
        fused_optimizer_step(optimizer, [{"all": flat[0]}], [{"all": flat[1]}])
    else:
        fused_optimizer_step(optimizer, model.params, model.grads)
    return loss + model.penalty()

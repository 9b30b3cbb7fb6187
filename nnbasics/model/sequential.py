"""``Sequential``: a stack of layers trained with a loss, layer by layer inspectable."""

from __future__ import annotations

import numbers

import numpy as np

from ..layers import Dense, Layer
from ..losses import MSE, Loss, get_loss
from ..metrics import accuracy as accuracy_score
from ..optimizers import Optimizer
from ..regularization import clip_gradients, global_norm
from .history import History
from .validation import check_same_length, check_X

__all__ = ["Sequential"]

INFERENCE_CHUNK = 8192  # rows per forward pass in predict/score, to bound memory


class Sequential:
    """A neural network as a list of layers followed by a loss.

    Args:
        layers: e.g. ``[Dense(2, 4), Activation("tanh"), Dense(4, 1), Activation("sigmoid")]``.
        loss: "softmax_cross_entropy" (the network outputs logits; ``forward`` applies the
            softmax), "bce" (the network ends with a sigmoid), "mse", or a ``Loss``.
        l1, l2: penalty strengths on every weight matrix ``W`` (see ``nnbasics.regularization``).
        seed: seeds the shuffling of ``fit`` when ``fit(seed=None)``.

    Layer-by-layer access: ``model.layers[i].input`` / ``.output`` after a forward pass,
    ``model.params`` / ``model.grads`` (one dict per layer, empty for parameter-free
    layers), ``model.gradient_norms()`` after a backward pass.

    Typical use::

        model.forward(X, training=True)   # (n, k) outputs; probabilities for classifiers
        grads = model.backward(y)          # fills every layer's grads, returns model.grads
        optimizer.step(model.params, grads)
    """

    def __init__(
        self,
        layers: list[Layer],
        loss: str | Loss = "softmax_cross_entropy",
        l1: float = 0.0,
        l2: float = 0.0,
        seed: int | None = None,
    ) -> None:
        layers = list(layers)
        if not layers:
            raise ValueError("a Sequential model needs at least one layer")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"layer {i} is {layer!r}, not a layer; use Dense, Activation or Dropout"
                )
        dense = [layer for layer in layers if isinstance(layer, Dense)]
        if not dense:
            raise ValueError("a Sequential model needs at least one Dense layer")
        for before, after in zip(dense, dense[1:], strict=False):
            if before.n_out != after.n_in:
                raise ValueError(
                    f"{before!r} outputs {before.n_out} values but the next {after!r} expects "
                    f"{after.n_in}; make consecutive sizes match"
                )
        self.layers = layers
        self.loss_fn = get_loss(loss)
        self.l1 = _check_strength(l1, "l1")
        self.l2 = _check_strength(l2, "l2")
        self.dtype = dense[0].dtype
        self.n_features = dense[0].n_in
        self.n_outputs = dense[-1].n_out
        self.seed = seed
        self._rng = np.random.default_rng(seed)
        self._first_trainable = next(i for i, layer in enumerate(layers) if layer.params)
        self._last_output: np.ndarray | None = None
        self.history_: History | None = None
        self.n_epochs_: int = 0

    # ----------------------------------------------------------------- parameters
    @property
    def params(self) -> list[dict[str, np.ndarray]]:
        """One dict of parameter arrays per layer (the arrays themselves, not copies)."""
        return [layer.params for layer in self.layers]

    @property
    def grads(self) -> list[dict[str, np.ndarray]]:
        """One dict of gradient arrays per layer, filled by ``backward``."""
        return [layer.grads for layer in self.layers]

    @property
    def n_params(self) -> int:
        """Total number of trainable numbers."""
        return sum(layer.n_params for layer in self.layers)

    def get_flat_params(self) -> np.ndarray:
        """All parameters concatenated into one 1-D copy (layer order, then key order)."""
        arrays = [p.ravel() for d in self.params for p in d.values()]
        return np.concatenate(arrays) if arrays else np.zeros(0, self.dtype)

    def set_flat_params(self, flat: np.ndarray) -> None:
        """Write a vector from ``get_flat_params`` back into the parameters, in place."""
        flat = np.asarray(flat)
        if flat.shape != (self.n_params,):
            raise ValueError(f"expected a vector of {self.n_params} parameters, got {flat.shape}")
        offset = 0
        for d in self.params:
            for p in d.values():
                p[...] = flat[offset : offset + p.size].reshape(p.shape)
                offset += p.size

    def get_flat_grads(self) -> np.ndarray:
        """All gradients concatenated, in the order of ``get_flat_params``."""
        arrays = [g.ravel() for d in self.grads for g in d.values()]
        return np.concatenate(arrays) if arrays else np.zeros(0, self.dtype)

    def gradient_norms(self, which: str = "W") -> list[float]:
        """Euclidean norm of each parametrized layer's gradient (after ``backward``).

        ``which``: "W" (weights only, default), "b" (biases) or "all". One number per
        layer that has parameters, from input to output: small values in the first
        layers show vanishing gradients.
        """
        if which not in ("W", "b", "all"):
            raise ValueError(f"which must be 'W', 'b' or 'all', got {which!r}")
        norms = []
        for layer in self.layers:
            if not layer.grads:
                continue
            grads = layer.grads if which == "all" else {which: layer.grads[which]}
            norms.append(global_norm([grads]))
        return norms

    # ----------------------------------------------------------------- forward / backward
    def logits(self, X, training: bool = False) -> np.ndarray:
        """The raw output of the last layer (before the loss's softmax), ``(n, n_outputs)``."""
        out = check_X(X, self.n_features, self.dtype)
        for layer in self.layers:
            out = layer.forward(out, training=training)
        self._last_output = out
        return out

    def forward(self, X, training: bool = False) -> np.ndarray:
        """Outputs ``(n, n_outputs)``: probabilities for classifiers, values for MSE.

        ``training=True`` turns dropout on. Caches everything ``backward`` needs.
        """
        return self.loss_fn.output(self.logits(X, training=training))

    __call__ = forward

    def penalty(self) -> float:
        """The regularization term ``l1 * sum|W| + 0.5 * l2 * sum W**2`` over all weights."""
        total = 0.0
        if self.l1 or self.l2:
            for d in self.params:
                W = d.get("W")
                if W is not None:
                    if self.l1:
                        total += self.l1 * float(np.abs(W).sum(dtype=np.float64))
                    if self.l2:
                        total += 0.5 * self.l2 * float(np.vdot(W, W))
        return total

    def loss(self, X, y, training: bool = False) -> float:
        """Mean data loss on ``(X, y)`` plus the regularization penalty (one forward pass)."""
        out = self.logits(X, training=training)
        return self.loss_fn.forward(out, y) + self.penalty()

    def backward(self, y) -> list[dict[str, np.ndarray]]:
        """Backpropagate the loss of the last forward pass against targets ``y``.

        Fills every layer's ``grads`` (including the regularization gradients) and returns
        ``model.grads``. Call ``forward``/``logits``/``loss`` first.
        """
        if self._last_output is None:
            raise RuntimeError("call model.forward(X) before model.backward(y)")
        self.loss_fn.forward(self._last_output, y)
        self._backprop()
        return self.grads

    def _backprop(self) -> None:
        """Run the loss's backward and every layer's backward (after a loss forward)."""
        dout = self.loss_fn.backward()
        for i in range(len(self.layers) - 1, self._first_trainable - 1, -1):
            # layers before the first trainable one need no gradient: skip computing it
            dout = self.layers[i].backward(dout, need_input_grad=i > self._first_trainable)
        if self.l1 or self.l2:
            for layer in self.layers:
                W = layer.params.get("W")
                if W is None:
                    continue
                if self.l2:
                    layer.grads["W"] += self.l2 * W
                if self.l1:
                    layer.grads["W"] += self.l1 * np.sign(W)

    def train_step(self, X, y, optimizer: Optimizer, clip: float | None = None) -> float:
        """One forward pass (training mode), backward pass and optimizer update on a batch.

        Returns the batch loss (data loss + penalty) measured *before* the update.
        ``clip``: clip the global gradient norm to this value first.
        """
        out = self.logits(X, training=True)
        loss = self.loss_fn.forward(out, y)
        self._backprop()
        if clip is not None:
            clip_gradients(self.grads, clip)
        optimizer.step(self.params, self.grads)
        return loss + self.penalty()

    # ----------------------------------------------------------------- training
    def fit(self, X, y, epochs: int = 10, batch_size: int = 32, optimizer=None, **kwargs) -> History:
        """Train with shuffled mini-batches; returns a ``History`` (also ``model.history_``).

        Args:
            X: ``(n, n_features)`` float inputs. y: integer labels ``(n,)`` (softmax
                cross-entropy), 0/1 targets ``(n,)`` or ``(n, 1)`` (BCE), or targets of the
                output's shape (MSE).
            epochs, batch_size: numbers of passes over the data and of samples per update.
            optimizer: an ``Optimizer`` (default ``Adam(1e-3)``) or a name such as "sgd".
            validation_data: ``(X_val, y_val)`` evaluated after each epoch.
            shuffle: reshuffle the samples every epoch (default True).
            seed: seed for the shuffling (default: the model's own generator).
            early_stopping: patience in epochs; stop when the monitored loss (``val_loss``
                if validation data is given, else ``loss``) has not improved for that many
                epochs, and restore the best weights.
            clip: clip the global gradient norm to this value at every step.
            progress: show a tqdm progress bar (notebook-aware).
            callbacks: callables ``cb(epoch, history)`` called after each epoch; returning
                ``False`` or raising ``StopTraining`` stops training.
            verbose: print one line per epoch.

        Raises:
            TrainingDivergedError: the loss became NaN/inf (lower the lr or use ``clip``).
        """
        from .training import fit_model

        return fit_model(self, X, y, epochs=epochs, batch_size=batch_size, optimizer=optimizer,
                         **kwargs)

    # ----------------------------------------------------------------- inference
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

    # ----------------------------------------------------------------- display
    def summary(self) -> str:
        """A table of the layers with their output sizes and parameter counts."""
        lines = [f"{'layer':<24}{'params':>10}"]
        for i, layer in enumerate(self.layers):
            lines.append(f"{i:>2} {layer!r:<21}{layer.n_params:>10}")
        lines.append(f"{'total':<24}{self.n_params:>10}   loss: {self.loss_fn!r}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Sequential([{inner}], loss={self.loss_fn.name!r})"


def _check_strength(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
        raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    return float(value)

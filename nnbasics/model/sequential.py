"""``Sequential``: a stack of layers trained with a loss, layer by layer inspectable."""

from __future__ import annotations

import inspect
import numbers

import numpy as np

from ..backend import get_backend
from ..layers import Activation, Dense, Dropout, Layer
from ..losses import Loss, SoftmaxCrossEntropy, get_loss
from ..optimizers import Optimizer
from ..regularization import clip_gradients, global_norm
from .history import History
from .inference import InferenceMixin
from .packing import PackedParameters
from .validation import check_X

__all__ = ["Sequential"]


class Sequential(InferenceMixin):
    """A neural network as a list of layers followed by a loss.

    Args:
        layers: e.g. ``[Dense(2, 4), Activation("tanh"), Dense(4, 1), Activation("sigmoid")]``.
        loss: "softmax_cross_entropy" (the network outputs logits; ``forward`` applies the
            softmax), "bce" (the network ends with a sigmoid), "mse", or a ``Loss``.
        l1, l2: penalty strengths on every weight matrix ``W`` (see ``nnbasics.regularization``).
        seed: seeds the shuffling of ``fit`` when ``fit(seed=None)``.
        n_features: the number of input columns (default: the first ``Dense``'s ``n_in``).

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
        n_features: int | None = None,
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
        _check_consecutive_sizes(layers)
        self.layers = layers
        self.loss_fn = get_loss(loss)
        last = layers[-1]
        if isinstance(self.loss_fn, SoftmaxCrossEntropy) and getattr(last, "name", None) == "softmax":
            raise ValueError(
                "SoftmaxCrossEntropy applies the softmax itself and takes logits: remove the final "
                "Activation('softmax') (model.forward still returns probabilities)"
            )
        self.l1 = _check_strength(l1, "l1")
        self.l2 = _check_strength(l2, "l2")
        self.dtype = dense[0].dtype
        # inputs are rows (n, n_features); layers that reshape them (e.g. for convolutions)
        # come first and the model is then given n_features explicitly
        self.n_features = dense[0].n_in if n_features is None else int(n_features)
        self.n_outputs = dense[-1].n_out
        self.seed = seed
        self._rng = np.random.default_rng(seed)
        self._first_trainable = next(i for i, layer in enumerate(layers) if layer.params)
        # the first trainable layer needs no input gradient: skip it where the layer allows
        backward = layers[self._first_trainable].backward
        self._skip_first_input_grad = "need_input_grad" in inspect.signature(backward).parameters
        self._last_output: np.ndarray | None = None
        self._packed: PackedParameters | None = None  # see _pack_parameters
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

    def _pack_parameters(self) -> None:
        """Keep all parameters and gradients in one contiguous buffer each (see
        ``nnbasics.model.packing``); only for layers the model created itself (``MLP``)."""
        self._packed = PackedParameters.pack(self.layers)

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
        first = self._first_trainable  # layers before it have no parameters: stop there
        for i in range(len(self.layers) - 1, first, -1):
            dout = self.layers[i].backward(dout)
        if self._skip_first_input_grad:
            self.layers[first].backward(dout, need_input_grad=False)
        else:
            self.layers[first].backward(dout)
        self._add_penalty_gradients()

    def _add_penalty_gradients(self) -> None:
        """Add the L1/L2 penalties' gradients to every weight gradient (after a backward)."""
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
        With the "fused" backend (``nnbasics.set_backend``) the same step runs with its
        element-wise work fused (``nnbasics.fused``); the code below is the NumPy path.
        """
        cls = type(self)  # the fused step re-implements logits/_backprop: not for overrides
        if (get_backend() == "fused" and cls.logits is Sequential.logits
                and cls._backprop is Sequential._backprop):
            from ..fused import fused_train_step

            return fused_train_step(self, X, y, optimizer, clip=clip)
        out = self.logits(X, training=True)
        loss = self.loss_fn.forward(out, y)
        self._backprop()
        if clip is not None:
            clip_gradients(self.grads, clip)
        flat = self._packed.buffers() if self._packed is not None else None
        if flat is not None:  # the same update, applied to all parameters at once
            optimizer.step([{"all": flat[0]}], [{"all": flat[1]}])
        else:
            optimizer.step(self.params, self.grads)
        return loss + self.penalty()

    # ----------------------------------------------------------------- training
    def fit(
        self,
        X,
        y,
        epochs: int = 10,
        batch_size: int = 32,
        optimizer: Optimizer | str | None = None,
        validation_data: tuple | None = None,
        shuffle: bool = True,
        seed: int | None = None,
        early_stopping: int | None = None,
        clip: float | None = None,
        progress: bool = False,
        callbacks=(),
        verbose: bool = False,
    ) -> History:
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

        return fit_model(
            self, X, y, epochs=epochs, batch_size=batch_size, optimizer=optimizer,
            validation_data=validation_data, shuffle=shuffle, seed=seed,
            early_stopping=early_stopping, clip=clip, progress=progress, callbacks=callbacks,
            verbose=verbose,
        )

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


def _check_consecutive_sizes(layers: list[Layer]) -> None:
    """Dense layers separated only by elementwise layers must have matching sizes."""
    previous = None
    for layer in layers:
        if isinstance(layer, Dense):
            if previous is not None and previous.n_out != layer.n_in:
                raise ValueError(
                    f"{previous!r} outputs {previous.n_out} values but the next {layer!r} expects "
                    f"{layer.n_in}; make consecutive sizes match"
                )
            previous = layer
        elif not isinstance(layer, (Activation, Dropout)):
            previous = None  # a layer that may change the width: nothing to compare


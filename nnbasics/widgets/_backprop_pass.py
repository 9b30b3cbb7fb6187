"""The state behind the backprop stepper: one pass of a model on one sample, layer by layer.

Numpy only. The values are the model's own: the forward pass calls the model's layers, the loss
is ``model.loss``, the gradients are ``model.backward``'s (copied), the update is an
``nnbasics.optimizers.SGD`` step. Network layer ``k`` (1-based) is the ``k``-th ``Dense`` layer
with what follows it up to the next ``Dense``; ``a[0]`` is the input, ``z[k]``/``a[k]`` the
pre-activation/output of layer ``k``, ``delta[k] = dL/dz[k]``, ``W[k]: (n[k-1], n[k])``.
"""

from __future__ import annotations

import numpy as np

from nnbasics.activations import get_activation
from nnbasics.gradcheck import numerical_gradient, relative_error
from nnbasics.layers import Activation, Dense
from nnbasics.losses import MSE, BinaryCrossEntropy, SoftmaxCrossEntropy
from nnbasics.optimizers import SGD

NUMERICAL_EPS = 1e-6


class BackpropPass:
    """Forward (layer by layer), loss, backward (layer by layer, output first) and one update.

    Args:
        model: a ``Sequential``/``MLP`` (use ``dtype=np.float64`` for gradient checks).
        x: one sample ``(n_inputs,)``.
        target: its target row as the model's loss takes it (a label, or ``(n_outputs,)``).
    """

    def __init__(self, model, x: np.ndarray, target) -> None:
        self.model = model
        self.x = np.asarray(x, dtype=model.dtype).reshape(1, -1)
        self.target = np.asarray(target)[None, ...]
        dense_at = [i for i, layer in enumerate(model.layers) if isinstance(layer, Dense)]
        ends = dense_at[1:] + [len(model.layers)]
        self._blocks = [list(range(start, end)) for start, end in zip(dense_at, ends, strict=True)]
        self.n_layers = len(self._blocks)
        self.layer_sizes = [model.layers[dense_at[0]].n_in] + [model.layers[i].n_out for i in dense_at]
        self.a: list[np.ndarray] = [self.x[0].copy()]
        self.z: list[np.ndarray | None] = [None]
        self.loss_before: float | None = None
        self.loss_after: float | None = None
        self.gradients: list[dict[str, np.ndarray]] | None = None  # per network layer (1..L)
        self.backward_done = 0
        self.updated = False
        self._before_update: list[dict[str, np.ndarray]] | None = None
        self.lr: float | None = None  # the learning rate of the update, once done
        self._numerical: dict[int, dict[str, np.ndarray]] = {}

    # ----- progress -----
    @property
    def forward_done(self) -> int:
        """How many layers the forward pass has computed (0..n_layers)."""
        return len(self.a) - 1

    @property
    def stage(self) -> str:
        """"start", "forward k/L", "loss", "backward k/L" (layers done, from the output), "updated"."""
        if self.updated:
            return "updated"
        if self.backward_done:
            return f"backward {self.backward_done}/{self.n_layers}"
        if self.loss_before is not None:
            return "loss"
        if self.forward_done:
            return f"forward {self.forward_done}/{self.n_layers}"
        return "start"

    def can_forward(self) -> bool:
        return self.forward_done < self.n_layers

    def can_compute_loss(self) -> bool:
        return self.forward_done == self.n_layers and self.loss_before is None

    def can_backward(self) -> bool:
        return self.loss_before is not None and self.backward_done < self.n_layers

    def can_update(self) -> bool:
        return self.backward_done == self.n_layers and not self.updated

    # ----- the four steps -----
    def forward_layer(self) -> np.ndarray:
        """Compute the next layer's ``z`` and ``a`` with the model's own layers; return ``a``."""
        if not self.can_forward():
            raise RuntimeError("the forward pass is complete; compute the loss next")
        k = self.forward_done + 1
        out = self.a[-1][None, :]
        z = None
        for index in self._blocks[k - 1]:
            layer = self.model.layers[index]
            out = layer.forward(out, training=True)
            if isinstance(layer, Dense):
                z = out
        if k == self.n_layers:
            out = self.model.loss_fn.output(out)  # the softmax of a softmax cross-entropy model
        self.z.append(z[0].copy())
        self.a.append(out[0].copy())
        return self.a[-1]

    def compute_loss(self) -> float:
        """``model.loss`` on the sample (its forward pass also readies ``model.backward``)."""
        if not self.can_compute_loss():
            raise RuntimeError("finish the forward pass before computing the loss")
        self.loss_before = float(self.model.loss(self.x, self.target, training=True))
        return self.loss_before

    def backward_layer(self) -> int:
        """Reveal the gradients of the next layer from the output; return its number ``k``.

        The first call runs ``model.backward`` once and keeps a copy of every gradient.
        """
        if not self.can_backward():
            raise RuntimeError("compute the loss before the backward pass")
        if self.gradients is None:
            grads = self.model.backward(self.target)
            self.gradients = [
                {key: value.copy() for key, value in grads[block[0]].items()} for block in self._blocks
            ]
        self.backward_done += 1
        return self.n_layers - self.backward_done + 1

    def update(self, lr: float) -> float:
        """One SGD step ``W -= lr * dL/dW`` with the model's gradients; return the new loss."""
        if not self.can_update():
            raise RuntimeError("finish the backward pass before updating")
        params = [self.parameters(k) for k in range(1, self.n_layers + 1)]
        self._before_update = [{key: value.copy() for key, value in p.items()} for p in params]
        self.lr = lr
        SGD(lr=lr).step(params, self.gradients)
        self.updated = True
        self.loss_after = float(self.model.loss(self.x, self.target))
        return self.loss_after

    # ----- what is shown -----
    def revealed(self, k: int) -> bool:
        """Whether layer ``k``'s gradients have been revealed by the backward pass."""
        return self.gradients is not None and k > self.n_layers - self.backward_done

    def delta(self, k: int) -> np.ndarray:
        """``dL/dz[k]``, shape ``(n[k],)``: for one sample it is the bias gradient ``dL/db[k]``."""
        return self.gradients[k - 1]["b"]

    def parameters(self, k: int) -> dict[str, np.ndarray]:
        """Layer ``k``'s live ``{"W": (n[k-1], n[k]), "b": (n[k],)}``."""
        return self.model.layers[self._blocks[k - 1][0]].params

    def weights(self, k: int) -> np.ndarray:
        """``W[k]``, shape ``(n[k-1], n[k])`` (the live array)."""
        return self.parameters(k)["W"]

    def pass_parameters(self, k: int) -> dict[str, np.ndarray]:
        """Layer ``k``'s ``{"W", "b"}`` as this pass's forward and backward used them: the live
        arrays before the update, a copy of the old values after it."""
        return self._before_update[k - 1] if self.updated else self.parameters(k)

    def numerical_gradients(self, k: int) -> dict[str, np.ndarray]:
        """Centred-difference gradients of ``model.loss`` for layer ``k``'s ``W`` and ``b``.

        Computed once per pass, before the update (afterwards the weights have moved).
        """
        if k not in self._numerical:
            if self.updated:
                raise RuntimeError("numerical gradients are taken before the update; "
                                   "start a new pass to see them")
            params = self.parameters(k)
            self._numerical[k] = {
                key: numerical_gradient(lambda _p: self.model.loss(self.x, self.target),
                                        params[key], eps=NUMERICAL_EPS)
                for key in ("W", "b")
            }
        return self._numerical[k]

    def has_numerical(self, k: int) -> bool:
        """Whether layer ``k``'s numerical gradients exist or can still be computed."""
        return k in self._numerical or not self.updated

    def gradient_errors(self, k: int) -> dict[str, float]:
        """Relative error between the analytic and the numerical gradients of layer ``k``."""
        numeric = self.numerical_gradients(k)
        return {key: relative_error(self.gradients[k - 1][key], numeric[key]) for key in numeric}

    def hidden_activation(self, k: int) -> str | None:
        """Name of the activation of layer ``k`` (None when the layer has none)."""
        for index in self._blocks[k - 1]:
            layer = self.model.layers[index]
            if isinstance(layer, Activation):
                return layer.name
        return None

    def explain_weight(self, k: int, i: int, j: int) -> str:
        """The arithmetic of ``dL/dW[k][i, j] = a[k-1][i] × delta[k][j]``."""
        a_in, d = float(self.a[k - 1][i]), float(self.delta(k)[j])
        g = float(self.gradients[k - 1]["W"][i, j])
        return (f"dL/dW{k}[{i},{j}] = a{k - 1}[{i}] × δ{k}[{j}] = {a_in:.4g} × {d:.4g} = "
                f"{a_in * d + 0.0:.4g}   (model.backward: {g + 0.0:.4g})")

    def explain_delta(self, k: int, j: int) -> str:
        """The arithmetic of ``delta[k][j]`` (chain rule from the layer above, or the loss)."""
        d = float(self.delta(k)[j])
        if k == self.n_layers:
            return self._explain_output_delta(j, d)
        name = self.hidden_activation(k) or "linear"
        slope = float(get_activation(name).derivative(self.z[k][j : j + 1])[0])
        W_next, d_next = self.pass_parameters(k + 1)["W"][j], self.delta(k + 1)
        back = float(W_next @ d_next)
        terms = " + ".join(f"{w:.3g}×{dn:.3g}" for w, dn in zip(W_next, d_next, strict=True))
        return (f"δ{k}[{j}] = {name}'(z{k}[{j}]) × Σ_m W{k + 1}[{j},m]·δ{k + 1}[m] = "
                f"{slope:.4g} × ({terms}) = {slope:.4g} × {back:.4g} = {slope * back:.4g}")

    def _explain_output_delta(self, j: int, d: float) -> str:
        loss, k = self.model.loss_fn, self.n_layers
        y_hat = float(self.a[k][j])
        if isinstance(loss, SoftmaxCrossEntropy):
            y = float(self.target.reshape(-1)[0] == j) if self.target.ndim == 1 else float(
                self.target[0, j])
            return (f"δ{k}[{j}] = p[{j}] − y[{j}] (softmax + cross-entropy) = {y_hat:.4g} − {y:.4g} "
                    f"= {y_hat - y:.4g}")
        y = float(self.target.reshape(1, -1)[0, j])
        n_out = self.layer_sizes[-1]
        if isinstance(loss, BinaryCrossEntropy):
            share = f" / {n_out}" if n_out > 1 else ""
            return (f"δ{k}[{j}] = (ŷ[{j}] − y[{j}]){share} (sigmoid + binary cross-entropy) = "
                    f"({y_hat:.4g} − {y:.4g}){share} = {d:.4g}")
        if isinstance(loss, MSE):
            name = self.hidden_activation(k) or "linear"
            slope = float(get_activation(name).derivative(self.z[k][j : j + 1])[0])
            return (f"δ{k}[{j}] = 2(ŷ[{j}] − y[{j}])/{n_out} × {name}'(z{k}[{j}]) (MSE) = "
                    f"2×({y_hat:.4g} − {y:.4g})/{n_out} × {slope:.4g} = "
                    f"{2 * (y_hat - y) / n_out * slope:.4g}")
        return f"δ{k}[{j}] = dL/dz{k}[{j}] = {d:.4g}"

"""A vanilla (Elman) recurrent layer with backpropagation through time (BPTT).

Sequences are ``(N, T, D)``: N sequences, T time steps, D features per step. At every step the
layer mixes the new input with its memory of the past, using the *same* weights at every step::

    h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b)        x_t (N, D), h_t (N, H), h_0 = 0

Backpropagation through time is ordinary backpropagation on the unrolled chain
``h_1 -> h_2 -> ... -> h_T``: walking backwards, the gradient reaching ``h_{t-1}`` is the part
flowing out of step t (through ``Wh``) plus whatever the output at step t-1 sends directly.
The weight gradients are sums over the steps, because the weights are shared.
"""

from __future__ import annotations

import numpy as np

from nnbasics.layers import Layer


def check_sequences(x: np.ndarray, n_features: int, name: str) -> None:
    """Raise a clear ``ValueError`` unless ``x`` has shape ``(N, T, n_features)``."""
    if x.ndim != 3 or x.shape[2] != n_features:
        hint = "; add a feature axis with x[..., None]" if x.ndim == 2 else ""
        raise ValueError(
            f"{name} expects sequences of shape (N, T, {n_features}), got {x.shape}{hint}"
        )


class RNN(Layer):
    """Recurrent layer: ``forward(x (N, T, D)) -> (N, T, H)``, or ``(N, H)`` (last step only).

    ``params = {"Wx": (D, H), "Wh": (H, H), "b": (H,)}``. With ``return_sequences=False`` (default)
    only the last hidden state is returned, so a ``Dense`` layer can classify the whole sequence.
    After ``forward`` the hidden states of every step are kept in ``hidden_states_`` (N, T, H).
    """

    def __init__(
        self,
        n_in: int,
        n_hidden: int,
        return_sequences: bool = False,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
        dtype: type = np.float32,
    ) -> None:
        super().__init__()
        if n_in < 1 or n_hidden < 1:
            raise ValueError(f"n_in and n_hidden must be positive, got {n_in} and {n_hidden}")
        rng = rng if rng is not None else np.random.default_rng(seed)
        self.n_in, self.n_hidden, self.return_sequences = n_in, n_hidden, return_sequences
        self.params = {
            "Wx": (rng.standard_normal((n_in, n_hidden)) / np.sqrt(n_in)).astype(dtype),
            "Wh": (rng.standard_normal((n_hidden, n_hidden)) / np.sqrt(n_hidden)).astype(dtype),
            "b": np.zeros(n_hidden, dtype=dtype),
        }
        self.grads = {key: np.zeros_like(value) for key, value in self.params.items()}
        self.hidden_states_: np.ndarray | None = None
        self._cache: tuple[np.ndarray, np.ndarray] | None = None

    def step(self, x_t: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
        """One time step: ``x_t`` (N, D) and ``h_prev`` (N, H) -> ``h_t`` (N, H)."""
        p = self.params
        return np.tanh(x_t @ p["Wx"] + h_prev @ p["Wh"] + p["b"])

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Run the sequences ``x`` (N, T, D) from ``h_0 = 0``; ``(N, T, H)`` or ``(N, H)``."""
        check_sequences(x, self.n_in, "RNN")
        n, steps, _ = x.shape
        h = np.zeros((n, self.n_hidden), dtype=np.result_type(x, self.params["Wx"]))
        hs = np.empty((n, steps, self.n_hidden), dtype=h.dtype)
        for t in range(steps):
            h = self.step(x[:, t], h)
            hs[:, t] = h
        self._cache = (x, hs)
        self.hidden_states_ = hs
        return hs if self.return_sequences else hs[:, -1]

    def backward(self, dout: np.ndarray, need_input_grad: bool = True) -> np.ndarray:
        """BPTT: ``dout`` is (N, T, H) or (N, H) like the output; returns ``dL/dx`` (N, T, D)."""
        if self._cache is None:
            raise RuntimeError("call forward before backward")
        x, hs = self._cache
        n, steps, _ = x.shape
        if not self.return_sequences:
            last_only = np.zeros_like(hs)
            last_only[:, -1] = dout
            dout = last_only
        Wx, Wh = self.params["Wx"], self.params["Wh"]
        grads = {key: np.zeros_like(value, dtype=hs.dtype) for key, value in self.params.items()}
        dx = np.empty_like(x, dtype=hs.dtype)
        dh_from_future = np.zeros((n, self.n_hidden), dtype=hs.dtype)
        for t in reversed(range(steps)):
            dh = dout[:, t] + dh_from_future
            dz = dh * (1.0 - hs[:, t] ** 2)  # through tanh
            h_prev = hs[:, t - 1] if t > 0 else np.zeros_like(hs[:, 0])
            grads["Wx"] += x[:, t].T @ dz
            grads["Wh"] += h_prev.T @ dz
            grads["b"] += dz.sum(axis=0)
            dx[:, t] = dz @ Wx.T
            dh_from_future = dz @ Wh.T
        self.grads = {key: g.astype(self.params[key].dtype) for key, g in grads.items()}
        return dx

    def __repr__(self) -> str:
        return f"RNN({self.n_in}, {self.n_hidden}, return_sequences={self.return_sequences})"

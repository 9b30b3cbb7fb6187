"""Long Short-Term Memory (LSTM) layer with its gates exposed, and backpropagation through time.

An LSTM keeps two states: the hidden state ``h`` (what it shows) and the cell ``c`` (its memory).
Four gates, computed from the input and the previous hidden state, decide what happens to the
memory at each step (gate order i, f, g, o, as in PyTorch)::

    z = x_t @ Wx + h_{t-1} @ Wh + b           (N, 4H)
    i = sigmoid(z_i)   input gate:  how much of the candidate to write
    f = sigmoid(z_f)   forget gate: how much of the old memory to keep
    g = tanh(z_g)      candidate:   what could be written
    o = sigmoid(z_o)   output gate: how much of the memory to show
    c_t = f * c_{t-1} + i * g
    h_t = o * tanh(c_t)

Because ``c_t`` depends on ``c_{t-1}`` through a plain multiplication by ``f`` (no squashing
function), a forget gate near 1 carries both the memory and its gradient across many steps:
this is why LSTMs handle long-range dependencies better than the vanilla RNN.
"""

from __future__ import annotations

import numpy as np

from nnbasics.activations import sigmoid
from nnbasics.advanced.rnn import check_sequences
from nnbasics.layers import Layer

GATE_NAMES = ("input", "forget", "candidate", "output")


def weights_from_torch(
    weight_ih: np.ndarray, weight_hh: np.ndarray, bias_ih: np.ndarray, bias_hh: np.ndarray
) -> dict[str, np.ndarray]:
    """Convert ``torch.nn.LSTMCell`` weights (as NumPy arrays) into this module's ``params``.

    PyTorch stores ``weight_ih`` (4H, D), ``weight_hh`` (4H, H) and two biases (4H,) with the same
    i, f, g, o gate order; here samples are rows, so the matrices are transposed and the biases
    summed.
    """
    return {"Wx": weight_ih.T.copy(), "Wh": weight_hh.T.copy(), "b": bias_ih + bias_hh}


class LSTM(Layer):
    """LSTM layer: ``forward(x (N, T, D)) -> (N, T, H)``, or ``(N, H)`` for the last step only.

    ``params = {"Wx": (D, 4H), "Wh": (H, 4H), "b": (4H,)}``; the forget-gate bias starts at 1 so
    that a fresh LSTM remembers by default. After ``forward``, ``gates_`` maps each name of
    ``GATE_NAMES`` and ``"cell"`` to its values at every step, ``(N, T, H)``.
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
        bias = np.zeros(4 * n_hidden)
        bias[n_hidden : 2 * n_hidden] = 1.0
        self.params = {
            "Wx": (rng.standard_normal((n_in, 4 * n_hidden)) / np.sqrt(n_in)).astype(dtype),
            "Wh": (rng.standard_normal((n_hidden, 4 * n_hidden)) / np.sqrt(n_hidden)).astype(dtype),
            "b": bias.astype(dtype),
        }
        self.grads = {key: np.zeros_like(value) for key, value in self.params.items()}
        self.gates_: dict[str, np.ndarray] | None = None
        self._cache: tuple[np.ndarray, dict[str, np.ndarray], np.ndarray] | None = None

    def step(
        self, x_t: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """One time step: ``x_t`` (N, D), ``h_prev``, ``c_prev`` (N, H) -> ``(h_t, c_t, gates)``.

        ``gates`` maps the names of ``GATE_NAMES`` to their activations (N, H). Same computation as
        ``torch.nn.LSTMCell`` given the weights of :func:`weights_from_torch`.
        """
        p, hidden = self.params, self.n_hidden
        z = x_t @ p["Wx"] + h_prev @ p["Wh"] + p["b"]
        gates = {
            "input": sigmoid(z[:, :hidden]),
            "forget": sigmoid(z[:, hidden : 2 * hidden]),
            "candidate": np.tanh(z[:, 2 * hidden : 3 * hidden]),
            "output": sigmoid(z[:, 3 * hidden :]),
        }
        c_t = gates["forget"] * c_prev + gates["input"] * gates["candidate"]
        h_t = gates["output"] * np.tanh(c_t)
        return h_t, c_t, gates

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Run the sequences ``x`` (N, T, D) from zero states; ``(N, T, H)`` or ``(N, H)``."""
        check_sequences(x, self.n_in, "LSTM")
        n, steps, _ = x.shape
        dtype = np.result_type(x, self.params["Wx"])
        h = np.zeros((n, self.n_hidden), dtype=dtype)
        c = np.zeros_like(h)
        record = {name: np.empty((n, steps, self.n_hidden), dtype=dtype) for name in GATE_NAMES}
        record["cell"] = np.empty((n, steps, self.n_hidden), dtype=dtype)
        hs = np.empty((n, steps, self.n_hidden), dtype=dtype)
        for t in range(steps):
            h, c, gates = self.step(x[:, t], h, c)
            for name in GATE_NAMES:
                record[name][:, t] = gates[name]
            record["cell"][:, t] = c
            hs[:, t] = h
        self._cache = (x, record, hs)
        self.gates_ = record
        return hs if self.return_sequences else hs[:, -1]

    def backward(self, dout: np.ndarray, need_input_grad: bool = True) -> np.ndarray:
        """BPTT: ``dout`` (N, T, H) or (N, H) like the output; returns ``dL/dx`` (N, T, D)."""
        if self._cache is None:
            raise RuntimeError("call forward before backward")
        x, rec, hs = self._cache
        n, steps, _ = x.shape
        if not self.return_sequences:
            last_only = np.zeros_like(hs)
            last_only[:, -1] = dout
            dout = last_only
        Wx, Wh = self.params["Wx"], self.params["Wh"]
        grads = {key: np.zeros_like(value, dtype=hs.dtype) for key, value in self.params.items()}
        dx = np.empty_like(x, dtype=hs.dtype)
        dh_next = np.zeros((n, self.n_hidden), dtype=hs.dtype)
        dc_next = np.zeros_like(dh_next)
        zeros = np.zeros_like(dh_next)
        for t in reversed(range(steps)):
            i, f = rec["input"][:, t], rec["forget"][:, t]
            g, o = rec["candidate"][:, t], rec["output"][:, t]
            c = rec["cell"][:, t]
            c_prev = rec["cell"][:, t - 1] if t > 0 else zeros
            h_prev = hs[:, t - 1] if t > 0 else zeros
            dh = dout[:, t] + dh_next
            tanh_c = np.tanh(c)
            dc = dc_next + dh * o * (1.0 - tanh_c**2)
            dz = np.concatenate(
                [
                    dc * g * i * (1.0 - i),  # input gate
                    dc * c_prev * f * (1.0 - f),  # forget gate
                    dc * i * (1.0 - g**2),  # candidate
                    dh * tanh_c * o * (1.0 - o),  # output gate
                ],
                axis=1,
            )
            grads["Wx"] += x[:, t].T @ dz
            grads["Wh"] += h_prev.T @ dz
            grads["b"] += dz.sum(axis=0)
            dx[:, t] = dz @ Wx.T
            dh_next = dz @ Wh.T
            dc_next = dc * f
        self.grads = {key: gr.astype(self.params[key].dtype) for key, gr in grads.items()}
        return dx

    def __repr__(self) -> str:
        return f"LSTM({self.n_in}, {self.n_hidden}, return_sequences={self.return_sequences})"

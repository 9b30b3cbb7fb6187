"""An autoencoder: a network trained to output its own input through a narrow bottleneck.

The encoder squeezes each input into a few numbers (the *code*, or latent vector); the decoder
rebuilds the input from the code alone. Trained with ``fit(X, X)`` (the target is the input), it
must keep in the code whatever best explains the data: with a 2-D code on MNIST, similar
digits end up close together, which we can plot.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nnbasics.layers import Activation, Dense, Layer
from nnbasics.model import Sequential
from nnbasics.model.validation import check_X


class Autoencoder(Sequential):
    """``Dense`` encoder ``sizes[0] -> ... -> sizes[-1]`` (the code), mirrored decoder, MSE loss.

    Args:
        sizes: encoder sizes, e.g. ``[784, 128, 2]``: inputs of 784 numbers, a 2-D code.
        activation: hidden activation (the code itself is linear, the output a sigmoid, so
            inputs should be scaled to [0, 1]).
        seed, dtype: as for ``MLP``.

    Train with ``ae.fit(X, X, ...)``; ``encode(X) -> (n, sizes[-1])``, ``decode(Z) -> (n, sizes[0])``.
    """

    def __init__(
        self,
        sizes: Sequence[int] = (784, 128, 2),
        activation: str = "relu",
        seed: int = 0,
        dtype: type = np.float32,
    ) -> None:
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes must be at least [n_inputs, code_size], got {sizes}")
        rng = np.random.default_rng(seed)
        mirrored = sizes[::-1]
        encoder = self._stack(sizes, activation, rng, dtype, last="linear")
        decoder = self._stack(mirrored, activation, rng, dtype, last="sigmoid")
        super().__init__([*encoder, *decoder], loss="mse", seed=seed)
        self.sizes = sizes
        self.n_encoder_layers = len(encoder)

    @staticmethod
    def _stack(sizes: list[int], activation: str, rng, dtype, last: str) -> list[Layer]:
        layers: list[Layer] = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            is_last = i == len(sizes) - 2
            init = "xavier" if is_last else "he"
            layers.append(Dense(n_in, n_out, init=init, rng=rng, dtype=dtype))
            if not is_last:
                layers.append(Activation(activation))
            elif last != "linear":
                layers.append(Activation(last))
        return layers

    def encode(self, X) -> np.ndarray:
        """The codes ``(n, sizes[-1])`` of the inputs ``X (n, sizes[0])``."""
        out = check_X(X, self.n_features, self.dtype)
        for layer in self.layers[: self.n_encoder_layers]:
            out = layer.forward(out)
        return out

    def decode(self, Z) -> np.ndarray:
        """Reconstructions ``(n, sizes[0])`` built from codes ``Z (n, sizes[-1])``."""
        out = check_X(Z, self.sizes[-1], self.dtype)
        for layer in self.layers[self.n_encoder_layers :]:
            out = layer.forward(out)
        return out

    def __repr__(self) -> str:
        return f"Autoencoder({self.sizes})"

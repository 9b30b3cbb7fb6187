"""2-D convolution in NumPy: im2col, a ``Conv2D`` layer with backward pass, and ``Flatten``.

Shapes follow PyTorch: images are ``(N, C, H, W)`` (batch, channels, height, width) and kernels
``(F, C, kh, kw)`` (filters, channels, height, width). Like every deep-learning library, the layer
computes a *cross-correlation* (the kernel is not flipped), so its output equals
``torch.nn.functional.conv2d``.

im2col turns the convolution into one matrix product: every ``kh x kw`` patch of the (padded)
input becomes one row of a matrix, and the filters become the columns of another::

    cols (N*oh*ow, C*kh*kw) @ W.reshape(F, -1).T (C*kh*kw, F) -> (N*oh*ow, F)

The backward pass is two more matrix products and ``col2im``, which adds each patch's gradient
back to the pixels it came from.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from nnbasics.layers import Layer


def output_size(size: int, kernel: int, stride: int, padding: int) -> int:
    """Length of one output side: ``(size + 2*padding - kernel) // stride + 1``."""
    out = (size + 2 * padding - kernel) // stride + 1
    if out < 1:
        raise ValueError(
            f"kernel of size {kernel} does not fit an input of size {size} with padding {padding}"
        )
    return out


def _check_images(x: np.ndarray, name: str = "Conv2D") -> None:
    if x.ndim != 4:
        hint = ""
        if x.ndim == 2:
            hint = "; reshape flat MNIST rows with X.reshape(len(X), 1, 28, 28)"
        elif x.ndim == 3:
            hint = "; add the channel axis with x[:, None]"
        raise ValueError(f"{name} expects images of shape (N, C, H, W), got {x.shape}{hint}")


def im2col(x: np.ndarray, kh: int, kw: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Unfold every ``kh x kw`` patch of ``x`` (N, C, H, W) into a row: ``(N*oh*ow, C*kh*kw)``.

    Rows are ordered by image, then output row, then output column; within a row the values are
    ordered by channel, then kernel row, then kernel column (the order of ``W.reshape(F, -1)``).
    """
    _check_images(x, "im2col")
    n, c, h, w = x.shape
    oh, ow = output_size(h, kh, stride, padding), output_size(w, kw, stride, padding)
    padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(padded, (kh, kw), axis=(2, 3))  # (N, C, H', W', kh, kw)
    windows = windows[:, :, : stride * oh : stride, : stride * ow : stride]  # (N,C,oh,ow,kh,kw)
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * kh * kw)


def col2im(
    cols: np.ndarray,
    x_shape: tuple[int, int, int, int],
    kh: int,
    kw: int,
    stride: int = 1,
    padding: int = 0,
) -> np.ndarray:
    """Inverse bookkeeping of :func:`im2col`: sum each row's values back into ``x_shape`` pixels.

    ``cols`` is ``(N*oh*ow, C*kh*kw)``; the result has shape ``x_shape`` = (N, C, H, W). Pixels
    shared by overlapping patches receive the sum of their contributions (as the chain rule
    requires).
    """
    n, c, h, w = x_shape
    oh, ow = output_size(h, kh, stride, padding), output_size(w, kw, stride, padding)
    patches = cols.reshape(n, oh, ow, c, kh, kw).transpose(0, 3, 4, 5, 1, 2)  # N,C,kh,kw,oh,ow
    padded = np.zeros((n, c, h + 2 * padding, w + 2 * padding), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            padded[:, :, i : i + stride * oh : stride, j : j + stride * ow : stride] += patches[
                :, :, i, j
            ]
    return padded[:, :, padding : padding + h, padding : padding + w]


def conv2d(
    x: np.ndarray, W: np.ndarray, b: np.ndarray | None = None, stride: int = 1, padding: int = 0
) -> np.ndarray:
    """Cross-correlate images ``x`` (N, C, H, W) with filters ``W`` (F, C, kh, kw): (N, F, oh, ow).

    ``b`` (F,) is added to every output pixel of its filter. Same result as
    ``torch.nn.functional.conv2d(x, W, b, stride, padding)``.
    """
    _check_images(x, "conv2d")
    if W.ndim != 4 or W.shape[1] != x.shape[1]:
        raise ValueError(
            f"filters must have shape (F, {x.shape[1]}, kh, kw) for {x.shape[1]}-channel images, "
            f"got {W.shape}"
        )
    n, _, h, w = x.shape
    f, _, kh, kw = W.shape
    oh, ow = output_size(h, kh, stride, padding), output_size(w, kw, stride, padding)
    out = im2col(x, kh, kw, stride, padding) @ W.reshape(f, -1).T
    if b is not None:
        out = out + b
    return out.reshape(n, oh, ow, f).transpose(0, 3, 1, 2)


def convolve_image(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Slide a 2-D ``kernel`` (kh, kw), odd sides, over a grey ``image`` (H, W); same-size output.

    Zero padding keeps the output ``(H, W)``; this is what the convolution widget shows.
    """
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(f"expected a 2-D image and kernel, got {image.shape} and {kernel.shape}")
    kh, kw = kernel.shape
    if kh != kw or kh % 2 == 0:
        raise ValueError(f"the kernel must be square with an odd side (3x3, 5x5): {kernel.shape}")
    return conv2d(image[None, None], kernel[None, None], padding=kh // 2)[0, 0]


class Conv2D(Layer):
    """Convolution layer: ``forward(x (N, C, H, W)) -> (N, F, oh, ow)``, ``backward(dout) -> dx``.

    ``params = {"W": (F, C, kh, kw), "b": (F,)}``, initialised with He normal
    (std ``sqrt(2 / (C*kh*kw))``) and zero bias; ``grads`` has the same keys after ``backward``.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        stride: int = 1,
        padding: int = 0,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
        dtype: type = np.float32,
    ) -> None:
        super().__init__()
        for name, value in [("in_channels", in_channels), ("out_channels", out_channels),
                            ("kernel_size", kernel_size), ("stride", stride)]:
            if int(value) < 1:
                raise ValueError(f"{name} must be a positive integer, got {value}")
        if padding < 0:
            raise ValueError(f"padding must be >= 0, got {padding}")
        rng = rng if rng is not None else np.random.default_rng(seed)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        fan_in = in_channels * kernel_size * kernel_size
        shape = (out_channels, in_channels, kernel_size, kernel_size)
        self.params = {
            "W": (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype),
            "b": np.zeros(out_channels, dtype=dtype),
        }
        self.grads = {key: np.zeros_like(value) for key, value in self.params.items()}
        self._cache: tuple[np.ndarray, tuple[int, int, int, int]] | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Convolve ``x`` (N, C, H, W) with every filter; returns ``(N, F, oh, ow)``."""
        _check_images(x)
        if x.shape[1] != self.in_channels:
            raise ValueError(
                f"Conv2D expects {self.in_channels} input channel(s), got shape {x.shape}"
            )
        k = self.kernel_size
        n, _, h, w = x.shape
        oh = output_size(h, k, self.stride, self.padding)
        ow = output_size(w, k, self.stride, self.padding)
        cols = im2col(x, k, k, self.stride, self.padding)
        out = cols @ self.params["W"].reshape(self.out_channels, -1).T + self.params["b"]
        self._cache = (cols, x.shape)
        return out.reshape(n, oh, ow, self.out_channels).transpose(0, 3, 1, 2)

    def backward(self, dout: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """Given ``dL/dout`` (N, F, oh, ow), fill ``grads`` and return ``dL/dx`` (N, C, H, W).

        With ``need_input_grad=False`` (what ``Sequential`` passes to its first layer) the input
        gradient is not computed and ``None`` is returned.
        """
        if self._cache is None:
            raise RuntimeError("call forward before backward")
        cols, x_shape = self._cache
        dout_rows = dout.transpose(0, 2, 3, 1).reshape(-1, self.out_channels)  # (N*oh*ow, F)
        W = self.params["W"]
        self.grads["W"] = (dout_rows.T @ cols).reshape(W.shape)
        self.grads["b"] = dout_rows.sum(axis=0)
        if not need_input_grad:  # first layer of a model: nobody needs dL/dx
            return None
        dcols = dout_rows @ W.reshape(self.out_channels, -1)
        k = self.kernel_size
        return col2im(dcols, x_shape, k, k, self.stride, self.padding)

    def __repr__(self) -> str:
        return (
            f"Conv2D({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding})"
        )


class Flatten(Layer):
    """Reshape ``(N, ...)`` to ``(N, features)`` so that a ``Dense`` layer can follow ``Conv2D``."""

    def __init__(self) -> None:
        super().__init__()
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._input_shape: tuple[int, ...] | None = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """``(N, d1, d2, ...) -> (N, d1*d2*...)``."""
        self._input_shape = x.shape
        return x.reshape(len(x), -1)

    def backward(self, dout: np.ndarray, need_input_grad: bool = True) -> np.ndarray:
        """Reshape the gradient back to the input's shape."""
        if self._input_shape is None:
            raise RuntimeError("call forward before backward")
        return dout.reshape(self._input_shape)

    def __repr__(self) -> str:
        return "Flatten()"

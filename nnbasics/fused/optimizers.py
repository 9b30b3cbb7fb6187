"""One-pass updates for the optimizers of ``nnbasics.optimizers``.

``fused_optimizer_step(optimizer, params, grads)`` does what ``optimizer.step`` does, with
the per-array update replaced by one compiled loop (``kernels``). It keeps its state in
the optimizer's own per-parameter buffers (same names, same meaning), so the NumPy and the
fused path can take turns on one optimizer and ``Adam.moments`` keeps working.
Only the four library classes themselves are fused: a subclass may have changed the rule,
so it runs its own ``step``.
"""

from __future__ import annotations

import math

import numpy as np

from ..optimizers import SGD, Adam, Momentum, Optimizer, RMSprop
from . import kernels

__all__ = ["fused_optimizer_step"]


def _adam(opt: Adam, p, g, state) -> None:
    b1, b2, t = opt.beta1, opt.beta2, opt.t
    c = math.sqrt((1.0 - b2) / (1.0 - b2**t))  # see Adam's docstring for the folded constants
    step = opt.lr * (1.0 - b1) / ((1.0 - b1**t) * c)
    f = p.dtype.type
    kernels.adam_update(p, g, state["M"].reshape(-1), state["V"].reshape(-1), f(b1), f(b2),
                        f(step), f(opt.eps / c))


def _rmsprop(opt: RMSprop, p, g, state) -> None:
    f = p.dtype.type
    kernels.rmsprop_update(p, g, state["s"].reshape(-1), f(opt.rho), f(opt.lr), f(opt.eps))


def _momentum(opt: Momentum, p, g, state) -> None:
    f = p.dtype.type
    kernels.momentum_update(p, g, state["v"].reshape(-1), f(opt.beta), f(opt.lr))


def _sgd(opt: SGD, p, g, state) -> None:
    kernels.sgd_update(p, g, p.dtype.type(opt.lr))


_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_UPDATES = {Adam: _adam, RMSprop: _rmsprop, Momentum: _momentum, SGD: _sgd}


def fused_optimizer_step(
    optimizer: Optimizer, params: list[dict[str, np.ndarray]], grads: list[dict[str, np.ndarray]]
) -> None:
    """``optimizer.step(params, grads)``, fused where the optimizer and the arrays allow."""
    update = _UPDATES.get(type(optimizer))
    if update is None:
        optimizer.step(params, grads)
        return
    if len(params) != len(grads):
        raise ValueError(f"params and grads must be parallel lists; got {len(params)} and {len(grads)}")
    optimizer.t += 1
    for p_dict, g_dict in zip(params, grads, strict=True):
        for key, p in p_dict.items():
            g = g_dict[key]
            if g.shape != p.shape:
                raise ValueError(f"gradient for {key!r} has shape {g.shape}, parameter has {p.shape}")
            state = optimizer._state_for(p)
            if (p.dtype in _FLOATS and g.dtype == p.dtype and p.flags.c_contiguous
                    and g.flags.c_contiguous):
                update(optimizer, p.reshape(-1), g.reshape(-1), state)
            else:  # an array the loops do not take: the optimizer's own rule
                optimizer._update(p, g, state)

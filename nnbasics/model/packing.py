"""All of a model's parameters (and gradients) in one contiguous buffer.

Every ``layer.params[key]`` becomes a view into one flat array (same values), and every
``layer.grads[key]`` a view into another, so an optimizer can update the whole model
with a few large array operations instead of a few small ones per layer. Nothing else
changes: layers still read and write their own arrays.
"""

from __future__ import annotations

import numpy as np

from ..layers import Layer

__all__ = ["PackedParameters"]


class PackedParameters:
    """The flat ``params``/``grads`` buffers and the views handed to the layers."""

    def __init__(self, params: np.ndarray, grads: np.ndarray, views: list) -> None:
        self.params, self.grads, self._views = params, grads, views

    @classmethod
    def pack(cls, layers: list[Layer]) -> PackedParameters | None:
        """Move the layers' arrays into flat buffers; ``None`` if there is nothing to pack
        or the dtypes differ."""
        arrays = [(layer, key, p) for layer in layers for key, p in layer.params.items()]
        if not arrays or len({p.dtype for _, _, p in arrays}) != 1:
            return None
        size = sum(p.size for _, _, p in arrays)
        flat_params = np.empty(size, dtype=arrays[0][2].dtype)
        flat_grads = np.zeros_like(flat_params)
        views, offset = [], 0
        for layer, key, p in arrays:
            view = flat_params[offset : offset + p.size].reshape(p.shape)
            view[...] = p
            grad_view = flat_grads[offset : offset + p.size].reshape(p.shape)
            layer.params[key], layer.grads[key] = view, grad_view
            views.append((layer, key, view, grad_view))
            offset += p.size
        return cls(flat_params, flat_grads, views)

    def buffers(self) -> tuple[np.ndarray, np.ndarray] | None:
        """``(params, grads)`` flat buffers, or ``None`` if some layer's array was replaced
        since packing, or the views stopped sharing the buffers' memory (``copy.deepcopy``
        copies each view into an array of its own): then the model updates the layers' arrays
        one by one."""
        for layer, key, view, grad_view in self._views:
            if layer.params.get(key) is not view or layer.grads.get(key) is not grad_view:
                return None
            if view.base is not self.params or grad_view.base is not self.grads:
                return None
        return self.params, self.grads

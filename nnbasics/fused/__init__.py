"""The fused training path (``nnbasics.set_backend("fused")``): see ``nnbasics.backend``.

Imported only when a model trains with the fused backend (it imports numba, which takes
a moment); the NumPy layers, losses and optimizers stay the readable reference.
"""

from .optimizers import fused_optimizer_step
from .step import fused_train_step

__all__ = ["fused_optimizer_step", "fused_train_step"]

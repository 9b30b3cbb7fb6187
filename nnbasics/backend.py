"""Which code path trains the models: the readable NumPy code or the fused kernels.

* ``"numpy"``: the layers', losses' and optimizers' own NumPy code, the code the course
  shows and explains (one NumPy operation per line, easy to read and step through).
* ``"fused"``: the same arithmetic, with the element-wise work of a training step fused
  into a few compiled loops (``nnbasics.fused``, compiled with numba): Adam's, RMSprop's
  and Momentum's update in one pass over all parameters, the bias with the ReLU, the ReLU's
  backward with the bias gradient, softmax with cross-entropy and its gradient. The matrix
  products are NumPy's (BLAS) in both paths.

Both paths give the same parameters up to float rounding (``tests/test_backend.py``).
The backend only changes ``model.train_step`` (and so ``fit``); ``optimizer.step``,
``layer.forward`` and ``layer.backward`` called by hand always run the NumPy code.

Selection: ``nnbasics.set_backend("numpy" | "fused")``, or the environment variable
``NNBASICS_BACKEND``. The default is ``"fused"`` when numba is installed, else ``"numpy"``.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["BACKENDS", "fused_available", "get_backend", "set_backend", "use_backend"]

BACKENDS = ("numpy", "fused")
ENV_VARIABLE = "NNBASICS_BACKEND"
_selected: str | None = None  # None: not chosen yet (environment variable, then default)


def fused_available() -> bool:
    """True if the fused path can run (numba is installed); does not import numba."""
    return importlib.util.find_spec("numba") is not None


def _check_name(name, source: str) -> str:
    if not isinstance(name, str) or name.strip().lower() not in BACKENDS:
        raise ValueError(f"{source} must be one of {', '.join(map(repr, BACKENDS))}, got {name!r}")
    name = name.strip().lower()
    if name == "fused" and not fused_available():
        raise RuntimeError(
            f"{source} asks for the 'fused' backend, which needs numba: install it "
            "(pip install numba) or choose the 'numpy' backend"
        )
    return name


def set_backend(name: str) -> str:
    """Select the training path, ``"numpy"`` or ``"fused"``; return the previous one."""
    global _selected
    previous = get_backend()
    _selected = _check_name(name, "set_backend(name)")
    return previous


def get_backend() -> str:
    """The selected backend: ``set_backend``'s, else ``$NNBASICS_BACKEND``, else the default
    (``"fused"`` if numba is installed, ``"numpy"`` otherwise)."""
    global _selected
    if _selected is None:
        from_env = os.environ.get(ENV_VARIABLE, "").strip()
        if from_env:
            _selected = _check_name(from_env, f"the environment variable {ENV_VARIABLE}")
        else:
            _selected = "fused" if fused_available() else "numpy"
    return _selected


@contextmanager
def use_backend(name: str) -> Iterator[str]:
    """``with use_backend("numpy"): ...`` trains with that backend inside the block only."""
    previous = set_backend(name)
    try:
        yield get_backend()
    finally:
        set_backend(previous)

"""Interactive widgets of the course (ipywidgets + matplotlib), imported lazily.

``from nnbasics.widgets import Playground`` imports only ``nnbasics.widgets.playground``;
``import nnbasics.widgets`` alone imports neither ipywidgets nor matplotlib.

Every widget is a plain Python object: set its controls through their ``.value`` or call its
methods, read its state from attributes, and show it in a notebook with ``display(w)`` (or as the
last expression of a cell); ``w.widget`` is the root ipywidgets container.
"""

from __future__ import annotations

import importlib
from typing import Any

_WIDGET_MODULES: dict[str, str] = {
    "NeuronExplorer": "neuron",
    "ActivationExplorer": "activation",
    "BackpropStepper": "stepper",
    "Playground": "playground",
    "DescentExplorer": "descent",
    "ConvolutionExplorer": "conv",
    "InitializationExplorer": "initialization",
}

__all__ = sorted(_WIDGET_MODULES)


def __getattr__(name: str) -> Any:
    """Import the submodule that defines widget ``name`` on first access."""
    try:
        module_name = _WIDGET_MODULES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    module = importlib.import_module(f"{__name__}.{module_name}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

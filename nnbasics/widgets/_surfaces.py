"""2-D loss surfaces for the gradient-descent explorer, each with its exact gradient.

Every ``fn`` is vectorised: ``fn(p)`` takes ``p: (..., 2)`` and returns ``(...)``; ``gradient(p)``
takes ``p: (2,)`` and returns ``(2,)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

REGIMES = ("too small", "good", "too large", "divergent")


@dataclass(frozen=True)
class Surface:
    """A loss surface ``f(p)`` over ``p = (p0, p1)`` with its minima and learning-rate presets.

    ``presets[optimizer][regime]`` is a learning rate showing that regime (see :data:`REGIMES`);
    an optimizer may lack a regime (Adam's step is bounded by its rate, so it hardly diverges).
    """

    name: str
    description: str
    fn: Callable[[np.ndarray], np.ndarray]
    gradient: Callable[[np.ndarray], np.ndarray]
    start: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    default_steps: int
    presets: dict[str, dict[str, float]] = field(default_factory=dict)


def _quadratic(p: np.ndarray) -> np.ndarray:
    return 0.5 * (p[..., 0] ** 2 + 20.0 * p[..., 1] ** 2)


def _quadratic_gradient(p: np.ndarray) -> np.ndarray:
    return np.array([p[0], 20.0 * p[1]])


def _rosenbrock(p: np.ndarray) -> np.ndarray:
    x, y = p[..., 0], p[..., 1]
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def _rosenbrock_gradient(p: np.ndarray) -> np.ndarray:
    x, y = p
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x**2), 200.0 * (y - x**2)])


def _himmelblau(p: np.ndarray) -> np.ndarray:
    x, y = p[..., 0], p[..., 1]
    return (x**2 + y - 11.0) ** 2 + (x + y**2 - 7.0) ** 2


def _himmelblau_gradient(p: np.ndarray) -> np.ndarray:
    x, y = p
    a, b = x**2 + y - 11.0, x + y**2 - 7.0
    return np.array([4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b])


SURFACES: dict[str, Surface] = {
    "elongated quadratic": Surface(
        name="elongated quadratic",
        description="f = ½(p0² + 20·p1²): a convex valley 20× steeper across than along; "
        "plain gradient descent is stable only for lr < 2/20 = 0.1",
        fn=_quadratic,
        gradient=_quadratic_gradient,
        start=(-4.5, 1.5),
        minima=((0.0, 0.0),),
        xlim=(-5.0, 5.0),
        ylim=(-2.5, 2.5),
        default_steps=100,
        presets={
            "SGD": {"too small": 0.003, "good": 0.06, "too large": 0.099, "divergent": 0.105},
            "Momentum": {"too small": 1e-4, "good": 0.01, "too large": 0.15, "divergent": 0.3},
            "RMSprop": {"too small": 1e-3, "good": 0.1, "too large": 1.0},
            "Adam": {"too small": 1e-3, "good": 0.2, "too large": 3.0},
        },
    ),
    "rosenbrock": Surface(
        name="rosenbrock",
        description="f = (1 - p0)² + 100(p1 - p0²)²: a curved, flat-bottomed valley; "
        "the minimum is at (1, 1)",
        fn=_rosenbrock,
        gradient=_rosenbrock_gradient,
        start=(-1.2, 1.0),
        minima=((1.0, 1.0),),
        xlim=(-2.0, 2.0),
        ylim=(-1.0, 3.0),
        default_steps=500,
        presets={
            "SGD": {"too small": 1e-4, "good": 2e-3, "too large": 5.6e-3, "divergent": 0.01},
            "Momentum": {"too small": 1e-5, "good": 2e-3, "too large": 3e-3, "divergent": 8e-3},
            "RMSprop": {"too small": 1e-4, "good": 0.01, "too large": 1.0},
            "Adam": {"too small": 1e-3, "good": 0.2, "too large": 3.0},
        },
    ),
    "himmelblau (non-convex)": Surface(
        name="himmelblau (non-convex)",
        description="f = (p0² + p1 - 11)² + (p0 + p1² - 7)²: four minima; "
        "which one you reach depends on the start and the step size",
        fn=_himmelblau,
        gradient=_himmelblau_gradient,
        start=(-0.5, -0.5),
        minima=((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
        xlim=(-5.0, 5.0),
        ylim=(-5.0, 5.0),
        default_steps=100,
        presets={
            "SGD": {"too small": 2e-4, "good": 0.01, "too large": 0.03, "divergent": 0.06},
            "Momentum": {"too small": 1e-5, "good": 0.002, "too large": 0.02, "divergent": 0.04},
            "RMSprop": {"too small": 1e-3, "good": 0.05, "too large": 1.0},
            "Adam": {"too small": 1e-3, "good": 0.2, "too large": 3.0},
        },
    ),
}


def get_surface(name: str) -> Surface:
    """Look up a surface by name; raises ``ValueError`` listing the names."""
    if name not in SURFACES:
        raise ValueError(f"unknown surface {name!r}; choose one of {', '.join(SURFACES)}")
    return SURFACES[name]

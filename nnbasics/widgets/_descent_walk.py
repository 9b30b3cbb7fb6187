"""An optimizer from ``nnbasics.optimizers`` walking a 2-D surface: the descent explorer's state.

Numpy only. Each step hands ``[{"p": p}]`` and ``[{"p": ∇f(p)}]`` to ``optimizer.step``, the
same call a network's training makes.
"""

from __future__ import annotations

import numpy as np

from nnbasics.widgets._surfaces import Surface

DIVERGENCE_RADIUS = 1e4  # |p| beyond this counts as diverged (and stepping stops)
DIVERGENCE_FACTOR = 1e4  # so does f(p) > DIVERGENCE_FACTOR * max(f(start), 1)
CONVERGENCE_DISTANCE = 0.05  # closer than this to a minimum counts as converged


class DescentWalk:
    """The points an optimizer visits on ``surface`` from ``start``.

    Attributes: ``surface``, ``optimizer``, ``diverged``; properties ``trajectory``
    ``(k + 1, 2)``, ``losses`` ``(k + 1,)``, ``steps_taken``, ``converged``.
    """

    def __init__(self, surface: Surface, optimizer, start) -> None:
        self.surface = surface
        self.optimizer = optimizer
        self._p = np.array(start, dtype=np.float64)
        if self._p.shape != (2,):
            raise ValueError(f"the start point must be two numbers (p0, p1), got {start!r}")
        self._points = [self._p.copy()]
        self._losses = [float(surface.fn(self._p))]
        self.diverged = False

    @property
    def trajectory(self) -> np.ndarray:
        """Visited points, shape ``(steps_taken + 1, 2)`` (row 0 is the start)."""
        return np.array(self._points)

    @property
    def losses(self) -> np.ndarray:
        """``f`` at each visited point, shape ``(steps_taken + 1,)`` (inf once diverged)."""
        return np.array(self._losses)

    @property
    def steps_taken(self) -> int:
        return len(self._points) - 1

    @property
    def converged(self) -> bool:
        """True when the last point is within ``CONVERGENCE_DISTANCE`` of a minimum."""
        if self.diverged:
            return False
        distances = np.linalg.norm(np.array(self.surface.minima) - self._points[-1], axis=1)
        return bool(distances.min() < CONVERGENCE_DISTANCE)

    def advance(self, n: int) -> None:
        """Take up to ``n`` steps; stop once diverged: ``|p| > DIVERGENCE_RADIUS`` or
        ``f(p) > DIVERGENCE_FACTOR * max(f(start), 1)``."""
        loss_limit = DIVERGENCE_FACTOR * max(self._losses[0], 1.0)
        for _ in range(n):
            if self.diverged:
                return
            gradient = self.surface.gradient(self._p)
            self.optimizer.step([{"p": self._p}], [{"p": gradient}])
            self._points.append(self._p.copy())
            if not (np.all(np.isfinite(self._p)) and np.linalg.norm(self._p) < DIVERGENCE_RADIUS):
                self.diverged = True
                self._losses.append(np.inf)
                return
            loss = float(self.surface.fn(self._p))
            self._losses.append(loss)
            self.diverged = loss > loss_limit

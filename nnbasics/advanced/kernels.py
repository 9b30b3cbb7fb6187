"""Classic hand-made 3x3 image kernels, to compare with the filters a CNN learns by itself."""

from __future__ import annotations

import numpy as np

KERNELS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=np.float64),
    # Laplacian: zero on flat regions, large where the brightness changes in any direction.
    "edge": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], dtype=np.float64),
    # Sobel: responds to vertical strokes (brightness changing from left to right).
    "vertical edge": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64),
    # Sobel: responds to horizontal strokes (brightness changing from top to bottom).
    "horizontal edge": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=np.float64),
    # Box blur: every output pixel is the mean of its 3x3 neighbourhood.
    "blur": np.full((3, 3), 1.0 / 9.0),
    # Identity plus edges: keeps the image and boosts its contrast.
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=np.float64),
}


def get_kernel(name: str) -> np.ndarray:
    """A copy of the kernel called ``name`` (3, 3); see ``KERNELS`` for the names."""
    try:
        return KERNELS[name].copy()
    except KeyError:
        raise ValueError(f"unknown kernel {name!r}; choose one of {sorted(KERNELS)}") from None

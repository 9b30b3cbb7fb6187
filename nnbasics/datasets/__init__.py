"""Datasets for the course: MNIST (offline-first, torchvision download) and seeded synthetic sets.

Every synthetic generator returns ``X: (n, 2) float64`` and ``y: (n,) int64`` and is reproducible
from its ``seed``.
"""

from nnbasics.datasets.mnist import MNISTNotFoundError, load_mnist
from nnbasics.datasets.paths import cache_dir, data_dir
from nnbasics.datasets.split import train_test_split
from nnbasics.datasets.synthetic import (
    circles,
    gaussians,
    line,
    parabola,
    spirals,
    xor,
    xor_table,
)

__all__ = [
    "MNISTNotFoundError",
    "cache_dir",
    "circles",
    "data_dir",
    "gaussians",
    "line",
    "load_mnist",
    "parabola",
    "spirals",
    "train_test_split",
    "xor",
    "xor_table",
]

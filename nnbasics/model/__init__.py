"""Models: ``Sequential`` (explicit layers) and ``MLP`` (from layer sizes), their training
loop, ``History`` and the training exceptions."""

from .errors import StopTraining, TrainingDivergedError
from .history import History
from .mlp import MLP
from .sequential import Sequential

__all__ = ["MLP", "History", "Sequential", "StopTraining", "TrainingDivergedError"]

"""nnbasics: the numpy neural-network library of the "Neural Networks Basics" course.

Quick start::

    from nnbasics import MLP, Adam
    model = MLP([784, 256, 128, 10], activation="relu", seed=0)
    history = model.fit(X, y, epochs=5, batch_size=128, optimizer=Adam(1e-3))
    model.score(X_test, y_test)   # accuracy

The core (this package's top level) needs only numpy. Plots, widgets and datasets live in
``nnbasics.plots``, ``nnbasics.widgets`` and ``nnbasics.datasets`` and are imported
explicitly.

Training runs the readable NumPy code or, by default when numba is installed, the same
arithmetic with its element-wise work fused: ``set_backend("numpy" | "fused")``
(see ``nnbasics.backend``).
"""

from . import activations, initializers, losses, metrics, regularization
from .backend import get_backend, set_backend, use_backend
from .gradcheck import check_layer, check_loss, check_model, gradcheck, numerical_gradient, relative_error
from .layers import Activation, Dense, Dropout, Layer
from .losses import MSE, BinaryCrossEntropy, SoftmaxCrossEntropy
from .metrics import accuracy, confusion_matrix
from .model import MLP, History, Sequential, StopTraining, TrainingDivergedError
from .optimizers import SGD, Adam, Momentum, RMSprop
from .regularization import clip_gradients

__version__ = "0.1.0"

__all__ = [
    "MLP",
    "MSE",
    "SGD",
    "Activation",
    "Adam",
    "BinaryCrossEntropy",
    "Dense",
    "Dropout",
    "History",
    "Layer",
    "Momentum",
    "RMSprop",
    "Sequential",
    "SoftmaxCrossEntropy",
    "StopTraining",
    "TrainingDivergedError",
    "accuracy",
    "activations",
    "check_layer",
    "check_loss",
    "check_model",
    "clip_gradients",
    "confusion_matrix",
    "get_backend",
    "gradcheck",
    "initializers",
    "losses",
    "metrics",
    "numerical_gradient",
    "regularization",
    "relative_error",
    "set_backend",
    "use_backend",
]

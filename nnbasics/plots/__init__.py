"""Every figure the course draws. Functions take arrays (or a model/history) and an optional ``ax``.

matplotlib is imported here, never by the numpy core.
"""

from nnbasics.plots.activation import plot_activation
from nnbasics.plots.boundary import decision_grid, plot_decision_boundary
from nnbasics.plots.confusion import plot_confusion_matrix
from nnbasics.plots.history import plot_gradient_norms, plot_history
from nnbasics.plots.network import draw_network
from nnbasics.plots.weights import plot_digits, plot_first_layer_weights, plot_histograms

__all__ = [
    "decision_grid",
    "draw_network",
    "plot_activation",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_digits",
    "plot_first_layer_weights",
    "plot_gradient_norms",
    "plot_histograms",
    "plot_history",
]

"""The playground's model and data, without any widget (numpy only): what Play and Step run.

One *step* is one epoch: ``model.fit(..., epochs=1)`` over the training points in mini-batches,
then the train/test losses and the per-layer gradient norms (``model.gradient_norms()`` of the
full training batch) are recorded.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nnbasics import datasets
from nnbasics.layers import Activation
from nnbasics.model.errors import TrainingDivergedError
from nnbasics.model.mlp import MLP
from nnbasics.optimizers import SGD, Adam, Momentum
from nnbasics.widgets._features import check_features, feature_matrix

PLANE_SCALE = 3.0  # the datasets live in [-1, 1]²; the playground shows them on [-3, 3]²
DATASETS = ("circle", "xor", "gaussian", "spiral")
MULTICLASS_DATASETS = ("gaussian", "spiral")
OPTIMIZERS = {"SGD": SGD, "Momentum": Momentum, "Adam": Adam}
HIDDEN_ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
REGULARIZATIONS = ("none", "L1", "L2")
MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 8


def make_points(name: str, n: int, noise: float, seed: int, n_classes: int = 2):
    """Points ``(n, 2)`` on the playground's plane and labels ``(n,)`` from ``nnbasics.datasets``."""
    if name not in DATASETS:
        raise ValueError(f"dataset must be one of {DATASETS}, got {name!r}")
    if n_classes != 2 and name not in MULTICLASS_DATASETS:
        raise ValueError(f"{name!r} has 2 classes; use 'gaussian' or 'spiral' for {n_classes}")
    if name == "circle":
        X, y = datasets.circles(n, noise=noise, seed=seed)
    elif name == "xor":
        X, y = datasets.xor(n, noise=noise, seed=seed)
    elif name == "gaussian":
        X, y = datasets.gaussians(n, n_classes=n_classes, noise=0.15 + noise, seed=seed)
    else:
        X, y = datasets.spirals(n, n_classes=n_classes, noise=noise, seed=seed)
    return X * PLANE_SCALE, y


class PlaygroundTrainer:
    """Data, features, an ``MLP`` and its optimizer; :meth:`train_epoch` is one playground step.

    Attributes: ``X_train, X_test: (n, 2)`` points, ``y_train, y_test: (n,)`` labels,
    ``F_train, F_test: (n, n_features)`` features, ``model``, ``optimizer``, ``epoch``,
    ``history`` (``{"loss", "val_loss", "accuracy", "val_accuracy"}`` lists, one entry per epoch,
    losses without the penalty), ``gradient_norms`` (one list per epoch: ``|dL/dW|`` per layer,
    input to output), ``error`` (a message once training diverged, else None).
    """

    def __init__(
        self,
        dataset: str = "circle",
        n_points: int = 500,
        noise: float = 0.05,
        train_ratio: float = 0.5,
        n_classes: int = 2,
        features: Sequence[str] = ("x1", "x2"),
        hidden_layers: Sequence[int] = (4, 2),
        activation: str = "tanh",
        lr: float = 0.03,
        regularization: str = "none",
        reg_rate: float = 0.0,
        batch_size: int = 10,
        optimizer: str = "SGD",
        seed: int = 0,
    ) -> None:
        if not 0.05 <= train_ratio <= 0.95:
            raise ValueError(f"train_ratio must be between 0.05 and 0.95, got {train_ratio}")
        if activation not in HIDDEN_ACTIVATIONS:
            raise ValueError(f"activation must be one of {HIDDEN_ACTIVATIONS}, got {activation!r}")
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {list(OPTIMIZERS)}, got {optimizer!r}")
        self.dataset, self.n_points, self.noise = dataset, int(n_points), float(noise)
        self.train_ratio, self.n_classes, self.seed = float(train_ratio), int(n_classes), seed
        self.features = check_features(features)
        self.hidden_layers = check_hidden_layers(hidden_layers)
        self.activation, self.optimizer_name = activation, optimizer
        self.lr, self.batch_size = float(lr), int(batch_size)
        self.set_regularization(regularization, reg_rate)
        self.data_seed = seed
        self.regenerate(seed)

    # ----- data and model -----
    def regenerate(self, seed: int | None = None) -> None:
        """New points (same settings; ``seed`` None draws the next seed) and a fresh model."""
        self.data_seed = self.data_seed + 1 if seed is None else int(seed)
        X, y = make_points(self.dataset, self.n_points, self.noise, self.data_seed, self.n_classes)
        self.X_train, self.X_test, self.y_train, self.y_test = datasets.train_test_split(
            X, y, test_ratio=1.0 - self.train_ratio, seed=self.data_seed
        )
        self.rebuild()

    def rebuild(self) -> None:
        """A freshly initialised model for the current features and layers; epoch 0."""
        self.F_train = feature_matrix(self.X_train, self.features)
        self.F_test = feature_matrix(self.X_test, self.features)
        sizes = [len(self.features), *self.hidden_layers, self.n_outputs]
        self.model = MLP(sizes, activation=self.activation, l1=self.l1, l2=self.l2,
                         seed=self.seed, dtype=np.float64)
        self.reset_optimizer()
        self.epoch = 0
        self.history: dict[str, list[float]] = {"loss": [], "val_loss": [], "accuracy": [],
                                                "val_accuracy": []}
        self.gradient_norms: list[list[float]] = []
        self.error: str | None = None
        self._record()

    def reset_optimizer(self) -> None:
        """A new optimizer of the chosen kind (its momentum/Adam state forgotten)."""
        self.optimizer = OPTIMIZERS[self.optimizer_name](lr=self.lr)

    @property
    def n_outputs(self) -> int:
        return 1 if self.n_classes == 2 else self.n_classes

    @property
    def layer_sizes(self) -> list[int]:
        return [len(self.features), *self.hidden_layers, self.n_outputs]

    # ----- live settings (no reset) -----
    def set_lr(self, lr: float) -> None:
        self.lr = float(lr)
        self.optimizer.lr = self.lr

    def set_regularization(self, kind: str, rate: float) -> None:
        """"none", "L1" or "L2" with strength ``rate`` (applies from the next batch on)."""
        if kind not in REGULARIZATIONS:
            raise ValueError(f"regularization must be one of {REGULARIZATIONS}, got {kind!r}")
        if rate < 0:
            raise ValueError(f"the regularization rate must be >= 0, got {rate}")
        self.regularization, self.reg_rate = kind, float(rate)
        self.l1 = self.reg_rate if kind == "L1" else 0.0
        self.l2 = self.reg_rate if kind == "L2" else 0.0
        if hasattr(self, "model"):
            self.model.l1, self.model.l2 = self.l1, self.l2

    # ----- training -----
    def train_epoch(self) -> bool:
        """One epoch of mini-batch training and the new measurements; False if it diverged."""
        if self.error is not None:
            return False
        try:
            self.model.fit(self.F_train, self.y_train, epochs=1, batch_size=self.batch_size,
                           optimizer=self.optimizer)
        except TrainingDivergedError:
            self.error = (f"training diverged in epoch {self.epoch + 1}: the loss became NaN or "
                          f"infinite; lower the learning rate (now {self.lr:g}) and press Reset")
            return False
        self.epoch += 1
        self._record()
        return self.error is None

    def _record(self) -> None:
        """Append the losses, accuracies and gradient norms of the current weights."""
        model = self.model
        with np.errstate(over="ignore", invalid="ignore"):
            out = model.logits(self.F_train)
            loss = model.loss_fn.forward(out, self.y_train)
            accuracy = model.count_correct(out, self.y_train) / len(self.y_train)
            model.backward(self.y_train)
            norms = model.gradient_norms("W")
            out_test = model.logits(self.F_test)
            val_loss = model.loss_fn.forward(out_test, self.y_test)
            val_accuracy = model.count_correct(out_test, self.y_test) / len(self.y_test)
        if not (np.isfinite(loss) and np.all(np.isfinite(norms))):
            self.error = (f"training diverged at epoch {self.epoch}: the loss became {loss}; "
                          f"lower the learning rate (now {self.lr:g}) and press Reset")
            return
        for key, value in (("loss", loss), ("val_loss", val_loss), ("accuracy", accuracy),
                           ("val_accuracy", val_accuracy)):
            self.history[key].append(float(value))
        self.gradient_norms.append([float(v) for v in norms])

    # ----- what the views draw -----
    def predict_points(self, P: np.ndarray) -> np.ndarray:
        """Model output for plane points ``P: (m, 2)``: ``(m, 1)`` scores or ``(m, k)`` probabilities."""
        return self.model.predict_proba(feature_matrix(P, self.features))

    def neuron_outputs(self, P: np.ndarray) -> list[np.ndarray]:
        """Outputs of every hidden layer's activation at plane points ``P: (m, 2)``: ``(m, n_l)`` each.

        Runs the model's own layers in inference mode.
        """
        out = feature_matrix(P, self.features)
        outputs = []
        for layer in self.model.layers:
            out = layer.forward(out, training=False)
            if isinstance(layer, Activation) and len(outputs) < len(self.hidden_layers):
                outputs.append(out)
        return outputs


def check_hidden_layers(hidden_layers: Sequence[int]) -> tuple[int, ...]:
    """Validate hidden layer sizes: at most ``MAX_HIDDEN_LAYERS`` of 1 to ``MAX_NEURONS``."""
    sizes = tuple(int(n) for n in hidden_layers)
    if len(sizes) > MAX_HIDDEN_LAYERS or any(not 1 <= n <= MAX_NEURONS for n in sizes):
        raise ValueError(f"up to {MAX_HIDDEN_LAYERS} hidden layers of 1 to {MAX_NEURONS} neurons, "
                         f"got {list(hidden_layers)}")
    return sizes

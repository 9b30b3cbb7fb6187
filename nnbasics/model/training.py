"""The mini-batch training loop behind ``Sequential.fit``."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable

import numpy as np

from ..optimizers import Adam, get_optimizer
from ..progress import make_progress
from .errors import StopTraining, TrainingDivergedError
from .history import History
from .validation import check_finite, check_positive_int, check_same_length, check_X

__all__ = ["fit_model"]


def _prepare_data(model, X, y, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Validate and convert a dataset once, before training."""
    X = check_X(X, model.n_features, model.dtype)
    y = model.loss_fn.check_targets(y, model.n_outputs)
    check_same_length(X, y, f"{what} X and y")
    check_finite(X, f"{what} X")
    if y.dtype.kind == "f":
        check_finite(y, f"{what} y")
        y = y.astype(model.dtype, copy=False)
    return np.ascontiguousarray(X), np.ascontiguousarray(y)


def _as_callbacks(callbacks) -> list[Callable]:
    if callbacks is None:
        return []
    if callable(callbacks):
        return [callbacks]
    callbacks = list(callbacks) if isinstance(callbacks, Iterable) else [callbacks]
    for cb in callbacks:
        if not callable(cb):
            raise TypeError(f"callbacks must be callables cb(epoch, history), got {cb!r}")
    return callbacks


def _diverged(epoch: int, batch: int, loss: float, optimizer, clip) -> TrainingDivergedError:
    hint = f"lower the learning rate (now {optimizer.lr:g}, try {optimizer.lr / 10:g})"
    hint += " or clip the gradients, e.g. fit(..., clip=1.0)" if clip is None else (
        f" or clip harder (clip={clip:g})"
    )
    return TrainingDivergedError(
        f"training diverged at epoch {epoch}, batch {batch}: the loss became {loss}. "
        f"The weights blew up; {hint}. Also check that the inputs are scaled (e.g. X / 255)."
    )


def fit_model(
    model,
    X,
    y,
    epochs: int = 10,
    batch_size: int = 32,
    optimizer=None,
    validation_data=None,
    shuffle: bool = True,
    seed: int | None = None,
    early_stopping: int | None = None,
    clip: float | None = None,
    progress: bool = False,
    callbacks=(),
    verbose: bool = False,
) -> History:
    """Train ``model`` (see ``Sequential.fit`` for the arguments); return the ``History``."""
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    patience = check_positive_int(early_stopping, "early_stopping (a patience in epochs)",
                                  allow_none=True)
    if clip is not None and (isinstance(clip, bool) or not isinstance(clip, (int, float))
                             or not clip > 0):
        raise ValueError(f"clip must be a positive number (a maximum gradient norm), got {clip!r}")
    optimizer = Adam(1e-3) if optimizer is None else get_optimizer(optimizer)
    callbacks = _as_callbacks(callbacks)
    X, y = _prepare_data(model, X, y, "training")
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError("validation_data must be a pair (X_val, y_val)")
        X_val, y_val = _prepare_data(model, *validation_data, "validation")
    rng = np.random.default_rng(seed) if seed is not None else model._rng
    track_accuracy = model.tracks_accuracy(y)

    n = len(X)
    n_batches = math.ceil(n / batch_size)
    history = History()
    model.history_ = history
    # each shuffled batch is gathered into these reused buffers (no per-epoch copy of X)
    X_buf = np.empty((min(batch_size, n), *X.shape[1:]), dtype=X.dtype)
    y_buf = np.empty((min(batch_size, n), *y.shape[1:]), dtype=y.dtype)
    best_loss, best_params, wait = math.inf, None, 0
    bar = make_progress(progress, total=epochs * n_batches)
    try:
        for epoch in range(1, epochs + 1):
            start_time = time.perf_counter()
            order = rng.permutation(n) if shuffle else None
            total_loss, correct = 0.0, 0
            # overflow in a diverging run is reported below as TrainingDivergedError
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                for b, start in enumerate(range(0, n, batch_size)):
                    if order is None:
                        xb, yb = X[start : start + batch_size], y[start : start + batch_size]
                    else:
                        rows = order[start : start + batch_size]
                        xb, yb = X_buf[: len(rows)], y_buf[: len(rows)]
                        np.take(X, rows, axis=0, out=xb)
                        np.take(y, rows, axis=0, out=yb)
                    loss = model.train_step(xb, yb, optimizer, clip=clip)
                    if not math.isfinite(loss):
                        raise _diverged(epoch, b + 1, loss, optimizer, clip)
                    total_loss += loss * len(xb)
                    if track_accuracy:
                        correct += model.count_correct(model._last_output, yb)
                    bar.update(1)
            seconds = time.perf_counter() - start_time
            metrics = {"loss": total_loss / n, "seconds": seconds, "lr": optimizer.lr}
            if track_accuracy:
                metrics["accuracy"] = correct / n
            if validation_data is not None:
                val_loss, val_acc = model.evaluate(X_val, y_val)
                metrics["val_loss"] = val_loss
                if val_acc is not None:
                    metrics["val_accuracy"] = val_acc
            history.append(epoch, **metrics)
            model.n_epochs_ = epoch
            bar.set_postfix(**{k: round(v, 4) for k, v in metrics.items() if k != "lr"})
            if verbose:
                print(f"epoch {epoch}/{epochs}  " + "  ".join(
                    f"{k}={v:.4g}" for k, v in metrics.items()))

            if patience is not None:
                monitored = metrics.get("val_loss", metrics["loss"])
                if monitored < best_loss:
                    best_loss, wait = monitored, 0
                    best_params = model.get_flat_params()
                    history.best_epoch = epoch
                else:
                    wait += 1
                    if wait >= patience:
                        history.stopped_early = True
                        break
            if _callbacks_say_stop(callbacks, epoch, history):
                history.stopped_early = True
                break
    finally:
        bar.close()
    if best_params is not None and history.best_epoch != history.epochs[-1]:
        model.set_flat_params(best_params)  # early stopping keeps the best epoch's weights
    return history


def _callbacks_say_stop(callbacks: list[Callable], epoch: int, history: History) -> bool:
    for cb in callbacks:
        try:
            if cb(epoch, history) is False:
                return True
        except StopTraining:
            return True
    return False

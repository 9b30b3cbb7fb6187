"""The record of a training run returned by ``fit``."""

from __future__ import annotations

__all__ = ["History"]

METRICS = ("loss", "accuracy", "val_loss", "val_accuracy", "seconds", "lr")


class History:
    """Per-epoch metrics of a ``fit`` call.

    Attributes:
        history: dict of lists, one entry per epoch: ``loss`` (mean training loss),
            ``accuracy`` (training accuracy measured on the mini-batches as they were
            trained; empty for regression), ``val_loss`` and ``val_accuracy`` (empty
            without ``validation_data``), ``seconds`` (wall time of the epoch) and ``lr``.
        epochs: list of epoch numbers (1-based).
        stopped_early: True when early stopping, a callback or ``StopTraining`` ended the run.
        best_epoch: the epoch whose weights were kept by early stopping (else ``None``).
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {name: [] for name in METRICS}
        self.epochs: list[int] = []
        self.stopped_early = False
        self.best_epoch: int | None = None

    def append(self, epoch: int, **values: float) -> None:
        """Record the metrics of ``epoch`` (keys among ``METRICS``)."""
        self.epochs.append(epoch)
        for name, value in values.items():
            if name not in self.history:
                raise KeyError(f"unknown metric {name!r}; expected one of {METRICS}")
            self.history[name].append(float(value))

    def __getitem__(self, name: str) -> list[float]:
        return self.history[name]

    def __len__(self) -> int:
        return len(self.epochs)

    def last(self, name: str) -> float | None:
        """The latest value of metric ``name`` (``None`` if it was never recorded)."""
        values = self.history.get(name)
        return values[-1] if values else None

    def __repr__(self) -> str:
        parts = [f"epochs={len(self)}"]
        for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
            value = self.last(name)
            if value is not None:
                parts.append(f"{name}={value:.4g}")
        return f"History({', '.join(parts)})"

"""Where does training time go? ``profile_fit`` runs ``model.fit`` under cProfile and adds up the
time spent in each kind of layer, in the loss and in the optimizer (numpy only, standard library
profiler)."""

from __future__ import annotations

import cProfile
import inspect
import pstats
import time
from dataclasses import dataclass, field

__all__ = ["FitProfile", "profile_fit"]

_METHODS = ("forward", "backward", "step")


@dataclass
class FitProfile:
    """``rows``: one dict per part (``part``, ``calls``, ``seconds``, ``share`` of the fit's wall
    time), largest first, ending with ``other`` (batching, shuffling, bookkeeping, profiler
    overhead); ``total_seconds``: wall time of the profiled ``fit``; ``stats``: the raw
    ``pstats.Stats`` for a deeper look (``stats.sort_stats("cumulative").print_stats(15)``)."""

    rows: list[dict]
    total_seconds: float
    stats: pstats.Stats = field(repr=False)

    def __str__(self) -> str:
        lines = [f"{'part':<28}{'calls':>8}{'seconds':>10}{'share':>8}"]
        for row in self.rows:
            lines.append(
                f"{row['part']:<28}{row['calls']:>8}{row['seconds']:>10.3f}{row['share']:>8.1%}"
            )
        lines.append(f"{'total fit':<28}{'':>8}{self.total_seconds:>10.3f}{1:>8.0%}")
        return "\n".join(lines)


def _code_keys(classes) -> dict[tuple[str, int, str], str]:
    """Map each (file, first line, name) of the classes' forward/backward/step methods to a
    readable ``Class.method`` label (the class that defines the method)."""
    keys = {}
    for cls in classes:
        for name in _METHODS:
            method = getattr(cls, name, None)
            if method is None or not inspect.isfunction(method):
                continue
            owner = next(c.__name__ for c in cls.__mro__ if name in c.__dict__)
            code = method.__code__
            keys[(code.co_filename, code.co_firstlineno, code.co_name)] = f"{owner}.{name}"
    return keys


def profile_fit(model, X, y, **fit_kwargs) -> FitProfile:
    """Run ``model.fit(X, y, **fit_kwargs)`` under cProfile; return a :class:`FitProfile`.

    Time is summed per class and method (e.g. ``Dense.forward`` over every Dense layer), using
    cumulative time so that work done by numpy inside a method counts for that method. The fit runs
    on the plain NumPy backend, where each part is its own method; the fused backend merges them
    (bias with ReLU, the optimizer's update in one loop), so it could not be split this way.
    """
    from nnbasics.backend import use_backend

    profiler = cProfile.Profile()
    start = time.perf_counter()
    with use_backend("numpy"):
        profiler.enable()
        try:
            model.fit(X, y, **fit_kwargs)
        finally:
            profiler.disable()
    total = time.perf_counter() - start
    stats = pstats.Stats(profiler)
    from nnbasics import optimizers

    classes = {type(layer) for layer in model.layers} | {type(model.loss_fn)}
    classes |= {
        obj for obj in vars(optimizers).values()
        if isinstance(obj, type) and issubclass(obj, optimizers.Optimizer)
    }
    keys = _code_keys(classes)
    totals: dict[str, list[float]] = {}
    for key, (_, ncalls, _, cumtime, _) in stats.stats.items():
        label = keys.get(key)
        if label is not None:
            entry = totals.setdefault(label, [0, 0.0])
            entry[0] += ncalls
            entry[1] += cumtime
    rows = [
        {"part": label, "calls": int(calls), "seconds": seconds, "share": seconds / total}
        for label, (calls, seconds) in totals.items()
    ]
    rows.sort(key=lambda row: row["seconds"], reverse=True)
    other = max(total - sum(row["seconds"] for row in rows), 0.0)
    rows.append({"part": "other", "calls": 0, "seconds": other, "share": other / total})
    return FitProfile(rows=rows, total_seconds=total, stats=stats)

"""One SQLAlchemy engine per gradebook URL while the cluster coordinator records results.

nbgrader opens its ``Gradebook`` several times per recorded submission, and every ``Gradebook``
creates a fresh SQLAlchemy engine: a new connection pool, a cold cache of compiled queries, and
an inspection of every table (``create_all``). That is about half of the coordinator's CPU per
result. Inside :func:`shared_engines`, ``nbgrader.api`` gets the engine of a URL it has seen
before instead of a new one (``Gradebook.close`` still returns its connections to the pool), so
the queries are compiled once per process. The SQL that nbgrader runs is unchanged.

Only for processes that record results one at a time (the coordinator, a recorder process):
the patch is process-wide and not meant to be nested with other patches of ``nbgrader.api``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from nbgrader import api as nbgrader_api

_LOCK = threading.Lock()
_ENGINES: dict[str, object] = {}  # database URL -> its shared Engine
_DEPTH = 0
_ORIGINAL = nbgrader_api.create_engine


def _shared_create_engine(url, *args, **kwargs):
    """``create_engine`` that returns the engine made earlier for the same URL and options."""
    key = repr((str(url), args, sorted(kwargs.items())))
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = _ORIGINAL(url, *args, **kwargs)
        return engine


def engines_in_use() -> int:
    """How many shared engines this process holds (tests)."""
    return len(_ENGINES)


@contextmanager
def shared_engines() -> Iterator[None]:
    """While active, ``nbgrader.api.Gradebook`` reuses one engine per URL; on exit the
    engines are disposed and nbgrader's own ``create_engine`` is back."""
    global _DEPTH
    with _LOCK:
        _DEPTH += 1
        nbgrader_api.create_engine = _shared_create_engine
    try:
        yield
    finally:
        with _LOCK:
            _DEPTH -= 1
            if _DEPTH == 0:
                nbgrader_api.create_engine = _ORIGINAL
                for engine in _ENGINES.values():
                    engine.dispose()
                _ENGINES.clear()


def enable_for_process() -> None:
    """Process-pool initializer: share engines for the rest of this (recorder) process."""
    shared_engines().__enter__()

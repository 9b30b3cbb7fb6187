"""Where the course keeps data: the data directory (raw downloads) and the cache directory.

The data directory is, in order: the ``root`` argument, the ``NNBASICS_DATA`` environment variable,
or ``~/.cache/nnbasics/data``. It may be read-only (CI points it at a shared copy); everything the
course derives from it goes to the cache directory: ``NNBASICS_CACHE`` or ``~/.cache/nnbasics``.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "NNBASICS_DATA"
CACHE_ENV = "NNBASICS_CACHE"


def _user_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "nnbasics"


def data_dir(root: str | os.PathLike | None = None) -> Path:
    """The directory that holds ``MNIST/raw/*.gz`` (argument, then $NNBASICS_DATA, then the cache)."""
    if root is not None:
        return Path(root).expanduser()
    from_env = os.environ.get(DATA_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return _user_cache() / "data"


def cache_dir() -> Path:
    """A writable directory for derived files ($NNBASICS_CACHE, else ~/.cache/nnbasics)."""
    from_env = os.environ.get(CACHE_ENV)
    path = Path(from_env).expanduser() if from_env else _user_cache()
    return path

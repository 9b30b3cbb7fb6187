"""Process environment that nbgrader needs when it is used as a library.

nbgrader's ``Gradebook`` runs the ``alembic`` command when it creates a new gradebook, so the
virtual environment's ``bin/`` must be on ``PATH`` even when Python was started by its full path
(``.venv/bin/python -m autograder``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def ensure_interpreter_bin_on_path() -> None:
    """Prepend the running interpreter's ``bin/`` folder to ``PATH`` if it is missing."""
    bin_dir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bin_dir not in parts:
        os.environ["PATH"] = os.pathsep.join([bin_dir, *[p for p in parts if p]])

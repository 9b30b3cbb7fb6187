"""Process environment that nbgrader needs when it is used as a library.

nbgrader's ``Gradebook`` runs the ``alembic`` *command* (found on ``PATH``) to learn the schema
revision when it creates a new gradebook. Started as ``.venv/bin/python -m autograder`` from a
plain shell (no activated venv), that command is not found and the first gradebook access fails
with ``FileNotFoundError: 'alembic'``. :func:`use_alembic_api_for_new_gradebooks` replaces that
lookup by alembic's Python API (the same answer, no subprocess, no ``PATH``);
:func:`ensure_interpreter_bin_on_path` additionally puts the interpreter's ``bin/`` on ``PATH``
for the kernels and tools nbgrader starts.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path


@cache
def alembic_head_revision() -> str:
    """The newest revision of nbgrader's gradebook migrations (what ``alembic heads`` prints)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    config = Config()
    config.set_main_option("script_location", ALEMBIC_DIR)
    heads = ScriptDirectory.from_config(config).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"nbgrader's gradebook migrations have {len(heads)} heads: {heads}")
    return heads[0]


def use_alembic_api_for_new_gradebooks() -> None:
    """Make nbgrader create gradebooks without running the ``alembic`` command (idempotent)."""
    import nbgrader.api

    nbgrader.api.get_alembic_version = alembic_head_revision


def ensure_interpreter_bin_on_path() -> None:
    """Prepend the running interpreter's ``bin/`` folder to ``PATH`` if it is missing."""
    use_alembic_api_for_new_gradebooks()
    bin_dir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bin_dir not in parts:
        os.environ["PATH"] = os.pathsep.join([bin_dir, *[p for p in parts if p]])

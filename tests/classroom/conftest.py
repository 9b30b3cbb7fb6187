"""Fixtures of the class hub tests; the helpers live in ``hub_fixtures.py`` and ``hub_client.py``."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hub_fixtures import HUB_ENV, require_hub_prerequisites  # noqa: E402


@pytest.fixture(scope="session")
def hub_env() -> Path:
    """The hub's Python environment (built once, then reused)."""
    require_hub_prerequisites()
    from classroom.environment import ensure_environment

    ensure_environment(HUB_ENV)
    return HUB_ENV

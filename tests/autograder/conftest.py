"""Fixtures of the pipeline tests (helpers live in grading_pipeline_helpers.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from grading_pipeline_helpers import TinyCourse  # noqa: E402


@pytest.fixture(scope="session")
def tiny_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One released tiny course per test process, copied by every test that needs one."""
    root = tmp_path_factory.mktemp("tiny-template") / "course"
    TinyCourse(root)
    return root


@pytest.fixture
def tiny_course(tmp_path: Path, tiny_template: Path) -> TinyCourse:
    """A fresh temporary course with the tiny assignment released (own gradebook)."""
    return TinyCourse(tmp_path / "course", template=tiny_template)


@pytest.fixture
def make_tiny_course(tmp_path: Path, tiny_template: Path) -> Callable[[str], TinyCourse]:
    """Factory of further independent tiny courses in the same test."""

    def make(name: str) -> TinyCourse:
        return TinyCourse(tmp_path / name, template=tiny_template)

    return make

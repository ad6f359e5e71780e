"""Fixtures for the ingest tests: paths to the invented export and paste fixtures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.ingest import InputSource

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXPORTS = FIXTURES / "exports"
PASTE = FIXTURES / "paste"

Loader = Callable[[str], InputSource]


@pytest.fixture
def fixture_source() -> Loader:
    """`fixture_source("exports/x.json")`: an InputSource named like the file, with its bytes."""

    def load(relative: str) -> InputSource:
        path = FIXTURES / relative
        return InputSource(name=path.name, data=path.read_bytes())

    return load

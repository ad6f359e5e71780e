"""The loopback web fake, for the crash classes whose fetch path matters."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes.fake_web import FakeWeb


@pytest.fixture
def server() -> Iterator[FakeWeb]:
    with FakeWeb() as web:
        yield web

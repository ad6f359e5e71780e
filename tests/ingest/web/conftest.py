"""Loopback servers and guarded clients for the web-source tests (no test leaves 127.0.0.1)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from fakes.fake_web import FakeWeb, Trap

from bot.ingest.web.client import WebClient
from bot.ingest.web.guard import Limits, Policy, allow_only


def table(mapping: dict[str, list[str]]):
    """A resolver answering from `mapping` (names the test makes look public)."""

    async def resolve(host: str, port: int) -> list[str]:
        if host.rstrip(".") not in mapping:
            raise OSError(-2, "Name or service not known")
        return mapping[host.rstrip(".")]

    return resolve


@pytest.fixture
def server() -> Iterator[FakeWeb]:
    with FakeWeb() as web:
        yield web


@pytest.fixture
def trap() -> Iterator[Trap]:
    with Trap() as listener:
        yield listener


@pytest.fixture
async def open_client(server: FakeWeb) -> AsyncIterator[WebClient]:
    """A client that may reach exactly the fake server (every other loopback port is refused)."""
    client = WebClient(
        policy=Policy(allow=allow_only(("127.0.0.1", server.port))),
        limits=Limits(timeout_s=5, max_bytes=1024 * 1024),
    )
    async with client:
        yield client

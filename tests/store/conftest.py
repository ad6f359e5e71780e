"""Fixtures for the store tests: a clock that tests move by hand, a store on a temp file."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store.bench import realistic_result
from bot.store.sqlite import SQLiteStore
from bot.summarize.schema import DigestResult

# Short, so that the lock tests fail fast; open_store uses the real 2 s default.
TEST_BUSY_TIMEOUT_MS = 200


class FakeClock:
    """Returns `now`; `advance` moves it. Lets TTL tests run without sleeping."""

    def __init__(self, start: datetime = datetime(2025, 1, 1, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cache.sqlite3"


@pytest.fixture
async def store(db_path: Path, clock: FakeClock) -> AsyncIterator[SQLiteStore]:
    opened = await SQLiteStore(db_path, clock=clock, busy_timeout_ms=TEST_BUSY_TIMEOUT_MS).open()
    yield opened
    await opened.close()


@pytest.fixture
def result() -> DigestResult:
    return realistic_result()


@pytest.fixture(autouse=True)
def no_leaked_connections() -> Iterator[None]:
    """aiosqlite runs each connection on a non-daemon thread: one left open keeps the process
    alive at exit. Every test must close what it opens."""
    yield
    workers = [t for t in threading.enumerate() if "_connection_worker_thread" in t.name]
    for worker in workers:
        worker.join(timeout=2)
    assert not [t for t in workers if t.is_alive()], "an aiosqlite connection was not closed"

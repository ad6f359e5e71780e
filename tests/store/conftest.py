"""Fixtures for the store tests: a clock that tests move by hand, and a store on each backend.

`store` runs a test on SQLite (a temp file) and on PostgreSQL (a fresh schema of the database
that `DEBATE_DIGEST_TEST_POSTGRES_URL` names, dropped after), except tests that also read the
SQLite file (`db_path`): those run on SQLite only. Without the variable the PostgreSQL cases
skip (a user's machine); with it, a PostgreSQL that cannot be reached FAILS them (CI sets it).
"""

from __future__ import annotations

import os
import secrets
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


POSTGRES_URL_ENV = "DEBATE_DIGEST_TEST_POSTGRES_URL"
# Read at import: the autouse `_isolated_env` removes every DEBATE_DIGEST_ variable per test.
POSTGRES_URL = os.environ.get(POSTGRES_URL_ENV, "").strip()
BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store" in metafunc.fixturenames:
        backends = BACKENDS if "db_path" not in metafunc.fixturenames else BACKENDS[:1]
        metafunc.parametrize("store", backends, indirect=True)


@pytest.fixture
async def sqlite_store(db_path: Path, clock: FakeClock) -> AsyncIterator[SQLiteStore]:
    opened = await SQLiteStore(db_path, clock=clock, busy_timeout_ms=TEST_BUSY_TIMEOUT_MS).open()
    yield opened
    await opened.close()


def with_search_path(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}search_path={schema}"


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A URL whose connections use a fresh, empty schema (no migration applied)."""
    base = POSTGRES_URL
    if not base:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set: no PostgreSQL to test against")
    from bot.store.postgres import connect

    schema = f"t_{secrets.token_hex(8)}"
    # Unreachable while configured: this raises, and the test fails (never skips).
    admin = await connect(base)
    try:
        await admin.execute(f"CREATE SCHEMA {schema}")
        yield with_search_path(base, schema)
    finally:
        await admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await admin.close()


@pytest.fixture
async def pg_migrated(pg_url: str) -> str:
    """`pg_url` with every migration applied (what `debate-digest db upgrade` does)."""
    from bot.store.postgres import connect, upgrade

    conn = await connect(pg_url)
    try:
        await upgrade(conn)
    finally:
        await conn.close()
    return pg_url


@pytest.fixture
async def pg_store(pg_migrated: str, clock: FakeClock) -> AsyncIterator[SQLiteStore]:
    from bot.store.postgres import PostgresStore

    opened = await PostgresStore(pg_migrated, clock=clock).open()
    yield opened
    await opened.close()


@pytest.fixture
def store(request: pytest.FixtureRequest) -> SQLiteStore:
    """The store under test, on each backend in turn (see the module docstring)."""
    backend = getattr(request, "param", "sqlite")
    return request.getfixturevalue("pg_store" if backend == "postgresql" else "sqlite_store")


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

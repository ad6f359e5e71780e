"""A broken cache costs time, never the answer: open_store and every call degrade, never raise."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import time
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import default_database_url
from bot.store import NullStore, is_postgres_url, open_store, postgres_url, sqlite_path
from bot.store.sqlite import BUSY_TIMEOUT_MS, SQLiteStore
from bot.summarize.schema import DigestResult

from .conftest import TEST_BUSY_TIMEOUT_MS

KEY = "sha256:" + "cd" * 32
UNAVAILABLE = "continuing without cache"


def cache_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and r.name.startswith("bot.store")
    ]


async def assert_answers_as_null(store: object, result: DigestResult) -> None:
    assert isinstance(store, NullStore)
    assert await store.get(KEY) is None
    assert await store.put(KEY, result, ttl_seconds=60) is False
    assert await store.purge() == 0
    assert await store.purge(expired_only=True) == 0
    stats = await store.stats()
    assert stats.backend == "none" and stats.entries == 0


async def test_a_corrupt_file_gives_a_null_store_and_one_warning(
    db_path: Path, result: DigestResult, caplog: pytest.LogCaptureFixture
) -> None:
    db_path.write_bytes(b"this is not a database\x00\xff" * 200)
    with caplog.at_level(logging.WARNING):
        async with open_store(f"sqlite:///{db_path}") as store:
            await assert_answers_as_null(store, result)
            assert (await store.stats()).location == str(db_path)
    warnings = cache_warnings(caplog)
    assert len(warnings) == 1
    assert warnings[0].startswith("cache unavailable (") and warnings[0].endswith(UNAVAILABLE)
    assert "file is not a database" in warnings[0]
    assert db_path.read_bytes().startswith(b"this is not a database")  # left alone


async def test_a_path_that_cannot_be_created_gives_a_null_store(
    tmp_path: Path, result: DigestResult, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with caplog.at_level(logging.WARNING):
        async with open_store(str(blocker / "sub" / "cache.sqlite3")) as store:
            await assert_answers_as_null(store, result)
    assert len(cache_warnings(caplog)) == 1


async def test_a_folder_in_place_of_the_file_gives_a_null_store(
    tmp_path: Path, result: DigestResult, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "cache.sqlite3"
    folder.mkdir()
    with caplog.at_level(logging.WARNING):
        async with open_store(str(folder)) as store:
            await assert_answers_as_null(store, result)
    assert len(cache_warnings(caplog)) == 1


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores modes")
async def test_a_read_only_folder_gives_a_null_store(
    tmp_path: Path, result: DigestResult, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with caplog.at_level(logging.WARNING):
            async with open_store(str(folder / "cache.sqlite3")) as store:
                await assert_answers_as_null(store, result)
        assert len(cache_warnings(caplog)) == 1
    finally:
        folder.chmod(0o755)


async def test_a_database_locked_at_open_gives_a_null_store_within_the_busy_timeout(
    db_path: Path, result: DigestResult, caplog: pytest.LogCaptureFixture
) -> None:
    # A file in rollback-journal mode, where an exclusive lock keeps even readers out.
    with sqlite3.connect(db_path) as setup:
        setup.execute("CREATE TABLE other (x)")
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        with caplog.at_level(logging.WARNING):
            async with asyncio.timeout(BUSY_TIMEOUT_MS / 1000 + 5):
                async with open_store(str(db_path)) as store:
                    waited = time.monotonic() - started
                    await assert_answers_as_null(store, result)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert BUSY_TIMEOUT_MS / 1000 * 0.9 <= waited < BUSY_TIMEOUT_MS / 1000 + 3
    warnings = cache_warnings(caplog)
    assert len(warnings) == 1 and "locked" in warnings[0]


async def test_a_locked_database_fails_calls_in_bounded_time_then_recovers(
    store: SQLiteStore,
    db_path: Path,
    result: DigestResult,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert await store.put(KEY, result, ttl_seconds=None)
    limit = TEST_BUSY_TIMEOUT_MS / 1000 + 2
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with caplog.at_level(logging.WARNING):
            started = time.monotonic()
            async with asyncio.timeout(limit):
                saved = await store.put("sha256:other", result, ttl_seconds=None)
            assert saved is False
            assert time.monotonic() - started < limit
            # In WAL mode readers do not wait for the writer: the answer is still served,
            # only counting the hit fails.
            async with asyncio.timeout(limit):
                served = await store.get(KEY)
            assert served is not None and served.cached
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    warnings = cache_warnings(caplog)
    assert len(warnings) == 2 and all("locked" in w for w in warnings)
    # A lock is transient: the store keeps working once it is released.
    assert not store.disabled
    assert await store.put("sha256:other", result, ttl_seconds=None) is True
    assert (await store.stats()).entries == 2


async def test_a_failure_at_run_time_switches_the_store_off_with_one_warning(
    store: SQLiteStore,
    db_path: Path,
    result: DigestResult,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert await store.put(KEY, result, ttl_seconds=None)
    with sqlite3.connect(db_path) as other:
        other.execute("DROP TABLE results")
    with caplog.at_level(logging.WARNING):
        assert await store.get(KEY) is None
        assert store.disabled
        assert await store.put(KEY, result, ttl_seconds=None) is False
        assert await store.get(KEY) is None
        assert await store.purge() == 0
        assert (await store.stats()).backend == "none"
    warnings = cache_warnings(caplog)
    assert len(warnings) == 1 and warnings[0].startswith("cache unavailable (")
    assert "no such table" in warnings[0]


async def test_open_store_creates_parent_folders(tmp_path: Path, result: DigestResult) -> None:
    target = tmp_path / "a" / "b" / "cache.sqlite3"
    async with open_store(f"sqlite:///{target}") as store:
        assert isinstance(store, SQLiteStore)
        assert await store.put(KEY, result, ttl_seconds=None)
    assert target.is_file()


async def test_open_store_relative_and_bare_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, result: DigestResult
) -> None:
    monkeypatch.chdir(tmp_path)
    async with open_store("sqlite:///relative.sqlite3") as store:
        assert await store.put(KEY, result, ttl_seconds=None)
    async with open_store("nested/bare.sqlite3") as store:
        assert await store.put(KEY, result, ttl_seconds=None)
    assert (tmp_path / "relative.sqlite3").is_file()
    assert (tmp_path / "nested" / "bare.sqlite3").is_file()


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:////abs/path.sqlite3", "/abs/path.sqlite3"),
        ("sqlite:///relative.sqlite3", "relative.sqlite3"),
        ("sqlite:///sub/dir/x.sqlite3", "sub/dir/x.sqlite3"),
        ("sqlite://:memory:", ":memory:"),
        ("sqlite:///:memory:", ":memory:"),
        ("sqlite://", ":memory:"),
        ("SQLITE:///x.db", "x.db"),
        (":memory:", ":memory:"),
        ("/bare/abs.sqlite3", "/bare/abs.sqlite3"),
        ("bare.sqlite3", "bare.sqlite3"),
    ],
)
def test_sqlite_path(url: str, path: str) -> None:
    assert sqlite_path(url) == path


def test_the_settings_default_url_names_an_absolute_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "/var/cache/me")
    assert sqlite_path(default_database_url()) == "/var/cache/me/debate-digest/cache.sqlite3"


@pytest.mark.parametrize(
    "url",
    ["postgresql://user@host/db", "postgres://host/db", "postgresql+asyncpg://host/db"],
)
def test_a_postgresql_url_selects_postgresql_and_names_no_sqlite_file(url: str) -> None:
    assert is_postgres_url(url)
    assert postgres_url(url).startswith(("postgresql://", "postgres://"))
    with pytest.raises(ConfigError, match="names no SQLite file"):
        sqlite_path(url)


async def test_an_unreachable_postgresql_gives_a_null_store(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    async with open_store("postgresql://nobody:secret@127.0.0.1:1/none") as store:
        assert isinstance(store, NullStore)
        assert await store.get("k") is None
    assert "cache unavailable" in caplog.text
    assert "secret" not in caplog.text


@pytest.mark.parametrize(
    "url",
    ["mysql://host/db", "redis://x", "", "  ", "sqlite://host/x", "postgresql://h:port/db"],
)
def test_a_url_we_cannot_read_is_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError):
        open_store(url)

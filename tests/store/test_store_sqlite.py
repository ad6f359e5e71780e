"""The SQLite store: round trip, misses, expiry, hit counting, stats, purge, bad rows, sharing."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest

from bot.store import CacheStats, Store, open_store
from bot.store.sqlite import SQLiteStore
from bot.summarize.schema import DigestResult

from .conftest import TEST_BUSY_TIMEOUT_MS, FakeClock

KEY = "sha256:" + "ab" * 32


def row(path: Path, key: str = KEY) -> dict | None:
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        found = conn.execute("SELECT * FROM results WHERE key = ?", (key,)).fetchone()
    return None if found is None else dict(found)


def variant(result: DigestResult, **changes: object) -> DigestResult:
    return result.model_copy(update=changes)


async def test_store_satisfies_the_protocol(store: SQLiteStore) -> None:
    assert isinstance(store, Store)


async def test_round_trip_equals_the_original_except_cached(
    store: SQLiteStore, result: DigestResult, db_path: Path
) -> None:
    assert await store.put(KEY, result, ttl_seconds=None) is True
    served = await store.get(KEY)
    assert served is not None
    assert served.cached is True
    assert served == result.model_copy(update={"cached": True})
    assert served.model_copy(update={"cached": False}) == result

    saved = row(db_path)
    assert saved is not None
    assert saved["engine"] == "llm" and saved["model"] == result.model
    assert saved["prompt_version"] == result.prompt_version
    assert saved["prompt_tokens"] == result.usage.prompt_tokens
    assert saved["completion_tokens"] == result.usage.completion_tokens
    assert saved["cost_usd"] == result.usage.cost_usd
    assert saved["elapsed_ms"] == result.elapsed_ms
    assert saved["size_bytes"] == len(saved["result_json"].encode("utf-8"))
    assert saved["created_at"] == "2025-01-01T00:00:00.000000+00:00"
    assert saved["expires_at"] is None


async def test_a_result_is_saved_as_not_cached(
    store: SQLiteStore, result: DigestResult, db_path: Path
) -> None:
    await store.put(KEY, variant(result, cached=True), ttl_seconds=None)
    saved = row(db_path)
    assert saved is not None
    assert DigestResult.model_validate_json(saved["result_json"]).cached is False


async def test_unknown_key_misses(store: SQLiteStore, result: DigestResult) -> None:
    await store.put(KEY, result, ttl_seconds=None)
    assert await store.get("sha256:" + "00" * 32) is None
    assert (await store.stats()).hits == 0


async def test_entries_expire_after_their_ttl(
    store: SQLiteStore, result: DigestResult, clock: FakeClock, db_path: Path
) -> None:
    await store.put(KEY, result, ttl_seconds=60)
    saved = row(db_path)
    assert saved is not None and saved["expires_at"] == "2025-01-01T00:01:00.000000+00:00"
    clock.advance(59.9)
    assert await store.get(KEY) is not None
    clock.advance(0.1)
    assert await store.get(KEY) is None
    stats = await store.stats()
    assert (stats.entries, stats.expired, stats.hits) == (1, 1, 1)


@pytest.mark.parametrize("ttl", [None, 0, float("inf")])
async def test_no_ttl_never_expires(
    store: SQLiteStore, result: DigestResult, clock: FakeClock, ttl: float | None
) -> None:
    await store.put(KEY, result, ttl_seconds=ttl)
    clock.advance(10 * 365 * 24 * 3600)
    assert await store.get(KEY) is not None
    assert (await store.stats()).expired == 0


@pytest.mark.parametrize("ttl", [-1, float("nan")])
async def test_a_nonsense_ttl_is_a_caller_bug(
    store: SQLiteStore, result: DigestResult, ttl: float
) -> None:
    with pytest.raises(ValueError):
        await store.put(KEY, result, ttl_seconds=ttl)


async def test_put_replaces_an_entry_and_its_counters(
    store: SQLiteStore, result: DigestResult, clock: FakeClock
) -> None:
    await store.put(KEY, result, ttl_seconds=10)
    await store.get(KEY)
    clock.advance(5)
    newer = variant(result, notes=["recomputed"])
    await store.put(KEY, newer, ttl_seconds=None)
    clock.advance(3600)
    served = await store.get(KEY)
    assert served is not None and served.notes == ["recomputed"]
    stats = await store.stats()
    assert (stats.entries, stats.hits, stats.expired) == (1, 1, 0)
    assert stats.oldest == stats.newest == FakeClock().now.replace(second=5)


async def test_hits_and_stats(
    store: SQLiteStore, result: DigestResult, clock: FakeClock, db_path: Path
) -> None:
    empty = await store.stats()
    assert empty == CacheStats(backend="sqlite", location=str(db_path))

    first = variant(result, elapsed_ms=8000.0, reading_minutes_saved=6.0)
    second = variant(result, elapsed_ms=1500.0, reading_minutes_saved=2.5)
    third = variant(result, elapsed_ms=999.0, reading_minutes_saved=1.0)
    start = clock.now
    await store.put("k1", first, ttl_seconds=None)
    clock.advance(10)
    await store.put("k2", second, ttl_seconds=None)
    clock.advance(10)
    await store.put("k3", third, ttl_seconds=30)

    hit_time = clock.now
    for _ in range(2):
        assert await store.get("k1") is not None
    assert await store.get("k2") is not None
    clock.advance(31)
    assert await store.get("k3") is None  # expired: not a hit
    assert await store.get("nope") is None

    stats = await store.stats()
    assert stats.backend == "sqlite"
    assert stats.location == str(db_path)
    assert stats.entries == 3
    assert stats.expired == 1
    assert stats.hits == 3
    assert stats.compute_seconds_saved == pytest.approx(2 * 8.0 + 1.5)
    assert stats.reading_minutes_saved == pytest.approx(2 * 6.0 + 2.5)
    sizes = [row(db_path, key)["size_bytes"] for key in ("k1", "k2", "k3")]  # type: ignore[index]
    assert stats.bytes == sum(sizes) > 0
    assert stats.oldest == start
    assert stats.newest == hit_time
    assert stats.oldest.tzinfo is not None

    hit_row = row(db_path, "k1")
    assert hit_row is not None and hit_row["hits"] == 2
    assert hit_row["last_hit_at"] == hit_time.isoformat(timespec="microseconds")


async def test_purge_expired_only_then_all(
    store: SQLiteStore, result: DigestResult, clock: FakeClock
) -> None:
    await store.put("forever", result, ttl_seconds=None)
    await store.put("long", result, ttl_seconds=3600)
    await store.put("short", result, ttl_seconds=5)
    clock.advance(6)
    assert await store.purge(expired_only=True) == 1
    assert await store.purge(expired_only=True) == 0
    stats = await store.stats()
    assert (stats.entries, stats.expired) == (2, 0)
    assert await store.get("long") is not None

    assert await store.purge() == 2
    assert (await store.stats()).entries == 0
    assert await store.get("forever") is None


@pytest.mark.parametrize(
    "stored",
    ['{"engine": "llm", "summary": {trunc', '{"engine": "no-such-engine"}', "[]", ""],
    ids=["invalid-json", "schema-changed", "wrong-type", "empty"],
)
async def test_an_unreadable_row_is_a_miss_and_is_dropped(
    store: SQLiteStore,
    result: DigestResult,
    db_path: Path,
    caplog: pytest.LogCaptureFixture,
    stored: str,
) -> None:
    await store.put(KEY, result, ttl_seconds=None)
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE results SET result_json = ? WHERE key = ?", (stored, KEY))
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        assert await store.get(KEY) is None
    assert "unreadable" in caplog.text
    assert row(db_path) is None
    assert not store.disabled
    assert await store.put(KEY, result, ttl_seconds=None) is True


async def test_memory_database(result: DigestResult) -> None:
    async with open_store("sqlite://:memory:") as memory:
        assert isinstance(memory, SQLiteStore)
        assert await memory.put(KEY, result, ttl_seconds=None)
        assert await memory.get(KEY) is not None
        assert (await memory.stats()).location == ":memory:"


async def test_a_closed_store_answers_without_raising(
    store: SQLiteStore, result: DigestResult
) -> None:
    await store.close()
    await store.close()
    assert await store.get(KEY) is None
    assert await store.put(KEY, result, ttl_seconds=None) is False
    assert await store.purge() == 0
    assert (await store.stats()).backend == "none"


async def test_two_stores_share_one_file_under_concurrent_use(
    db_path: Path, result: DigestResult, caplog: pytest.LogCaptureFixture
) -> None:
    # Both open (and so migrate) a new file at the same moment, like two processes would.
    first, second = await asyncio.gather(SQLiteStore(db_path).open(), SQLiteStore(db_path).open())
    stores = (first, second)

    async def worker(number: int) -> int:
        served = 0
        for step in range(25):
            store = stores[(number + step) % 2]
            key = f"k{(number * 7 + step) % 12}"
            if step % 3 == 0:
                assert await store.put(key, variant(result, notes=[f"w{number}"]), ttl_seconds=60)
            elif await store.get(key) is not None:
                served += 1
            if step % 10 == 9:
                await store.stats()
        return served

    try:
        with caplog.at_level(logging.WARNING, logger="bot.store"):
            served = await asyncio.gather(*(worker(n) for n in range(8)))
        assert sum(served) > 0
        assert not caplog.records, caplog.text
        stats = await first.stats()
        assert stats.entries == 12
        assert stats.hits <= sum(served)  # a put resets the hits of the key it replaces
        assert not first.disabled and not second.disabled
    finally:
        await first.close()
        await second.close()


async def test_busy_timeout_is_set(sqlite_store: SQLiteStore) -> None:
    conn = sqlite_store._conn
    assert conn is not None
    rows = await conn.execute_fetchall("PRAGMA busy_timeout")
    assert list(rows)[0][0] == TEST_BUSY_TIMEOUT_MS
    rows = await conn.execute_fetchall("PRAGMA foreign_keys")
    assert list(rows)[0][0] == 1
    rows = await conn.execute_fetchall("PRAGMA synchronous")
    assert list(rows)[0][0] == 1  # NORMAL

"""The store where it guards something (issue 14): guarded reads fail closed, a forget that
could not be written is retried until it is, a bad row is deleted; and the privacy tables
(posted answers, opt-outs) behave as the bot relies on."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from pathlib import Path

import pytest

from bot.store import PostedAnswer, StoreUnavailable
from bot.store.sqlite import SQLiteStore
from bot.summarize.schema import DigestResult

from .conftest import TEST_BUSY_TIMEOUT_MS, FakeClock

BLOCK_DELETES = (
    "CREATE TRIGGER block_deletes BEFORE DELETE ON results "
    "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
)


def rows(db_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


def run_sql(db_path: Path, sql: str, params: tuple = ()) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute(sql, params)


async def wait_until(predicate, timeout: float = 5.0) -> None:  # noqa: ANN001
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


# --- fails closed ----------------------------------------------------------------------------


async def test_budget_reads_fail_closed_and_never_read_zero(
    store: SQLiteStore, db_path: Path
) -> None:
    await store.record_usage(1, "2025-01-01", tokens=250_000, llm_calls=3, cached=False)
    run_sql(db_path, "DROP TABLE guild_usage")
    with pytest.raises(StoreUnavailable):
        await store.guild_usage(1, "2025-01-01")
    # Again (never "0 used"); the cache itself, other tables, goes on.
    assert not store.disabled
    with pytest.raises(StoreUnavailable):
        await store.guild_usage(1, "2025-01-01")
    run_sql(db_path, "DROP TABLE opt_outs")
    with pytest.raises(StoreUnavailable):
        await store.opted_out(1)
    # Switched off by a failure of the cache itself, the guarded reads still fail closed.
    run_sql(db_path, "DROP TABLE results")
    assert await store.get("k") is None
    assert store.disabled
    with pytest.raises(StoreUnavailable):
        await store.guild_usage(1, "2025-01-01")


async def test_a_closed_store_fails_closed(db_path: Path) -> None:
    store = await SQLiteStore(db_path).open()
    await store.close()
    with pytest.raises(StoreUnavailable):
        await store.guild_usage(1, "2025-01-01")
    with pytest.raises(StoreUnavailable):
        await store.set_opt_out(1, 2, opted_out=True)


async def test_the_cache_comes_back_after_the_back_off(
    db_path: Path, clock: FakeClock, result: DigestResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await SQLiteStore(db_path, clock=clock, busy_timeout_ms=TEST_BUSY_TIMEOUT_MS).open()
    try:
        await store.put("k", result, ttl_seconds=None)
        run_sql(db_path, "ALTER TABLE results RENAME TO results_away")
        assert await store.get("k") is None
        assert store.disabled
        run_sql(db_path, "ALTER TABLE results_away RENAME TO results")
        assert await store.get("k") is None  # still switched off: no request per call
        import bot.store.sqlite as sqlite_module

        now = sqlite_module.time.monotonic()
        monkeypatch.setattr(sqlite_module.time, "monotonic", lambda: now + 3600)
        assert not store.disabled
        assert await store.get("k") is not None  # not off until a restart
    finally:
        await store.close()


async def test_a_row_that_is_not_utf8_is_deleted_not_fatal(
    store: SQLiteStore, db_path: Path, result: DigestResult
) -> None:
    await store.put("good", result, ttl_seconds=None)
    await store.put("bad", result, ttl_seconds=None)
    run_sql(db_path, "UPDATE results SET result_json = CAST(X'FF7B' AS TEXT) WHERE key = 'bad'")
    assert await store.get("bad") is None
    assert rows(db_path, "SELECT key FROM results WHERE key = 'bad'") == []
    assert not store.disabled
    assert await store.get("good") is not None
    assert await store.get("bad") is None  # a plain miss now


async def test_put_of_a_lone_surrogate_is_not_saved_and_breaks_nothing(
    store: SQLiteStore, result: DigestResult
) -> None:
    broken = result.model_copy(update={"notes": ["half an emoji \ud83d"]})
    assert await store.put("k", broken, ttl_seconds=None) is False
    assert not store.disabled
    assert await store.put("k", result, ttl_seconds=None) is True
    assert await store.get("k") is not None


async def test_stats_survive_a_created_at_that_is_not_iso(
    store: SQLiteStore, db_path: Path, result: DigestResult
) -> None:
    await store.put("a", result, ttl_seconds=None)
    await store.put("b", result, ttl_seconds=None)
    run_sql(db_path, "UPDATE results SET created_at = 'yesterday-ish' WHERE key = 'b'")
    stats = await store.stats()
    assert stats.entries == 2
    assert stats.oldest is not None and stats.oldest == stats.newest


# --- a forget is never lost ------------------------------------------------------------------


async def test_a_forget_that_fails_is_retried_until_written(
    db_path: Path, clock: FakeClock, result: DigestResult
) -> None:
    store = await SQLiteStore(
        db_path, clock=clock, busy_timeout_ms=TEST_BUSY_TIMEOUT_MS, retry_delays_s=(0.01,)
    ).open()
    try:
        await store.put("k", result, ttl_seconds=None)
        await store.link_sources("k", guild_id=1, message_ids=[42])
        run_sql(db_path, BLOCK_DELETES)
        assert await store.forget_messages([42]) == 0
        assert store.pending_forgets == 1
        journal = store.journal_path
        assert journal is not None
        assert json.loads(journal.read_text())["ids"] == [42]
        # Nothing is served while a forget is queued, even though the row is still there.
        assert await store.get("k") is None
        assert rows(db_path, "SELECT count(*) FROM results") == [(1,)]
        run_sql(db_path, "DROP TRIGGER block_deletes")
        await wait_until(lambda: store.pending_forgets == 0)
        assert rows(db_path, "SELECT count(*) FROM results") == [(0,)]
        assert rows(db_path, "SELECT count(*) FROM result_sources") == [(0,)]
        assert not journal.exists()
    finally:
        await store.close()


async def test_a_forget_not_written_before_exit_is_replayed_at_start(
    db_path: Path, clock: FakeClock, result: DigestResult, caplog: pytest.LogCaptureFixture
) -> None:
    store = await SQLiteStore(db_path, clock=clock, retry_delays_s=(60,)).open()
    await store.put("k", result, ttl_seconds=None)
    await store.link_sources("k", guild_id=1, channel_ids=[7])
    run_sql(db_path, BLOCK_DELETES)
    assert await store.forget_channels([7]) == 0
    await store.close()  # the process ends with the forget unwritten
    run_sql(db_path, "DROP TRIGGER block_deletes")

    with caplog.at_level(logging.WARNING):
        again = await SQLiteStore(db_path, clock=clock).open()
    try:
        assert "replaying 1 forget" in caplog.text
        assert again.pending_forgets == 0
        assert rows(db_path, "SELECT count(*) FROM results") == [(0,)]
        assert await again.get("k") is None
    finally:
        await again.close()


# --- opt-outs and posted answers -------------------------------------------------------------


async def test_opt_out_survives_reopening_and_drops_results_with_their_words(
    db_path: Path, clock: FakeClock, result: DigestResult
) -> None:
    store = await SQLiteStore(db_path, clock=clock).open()
    await store.put("theirs", result, ttl_seconds=None)
    await store.put("others", result, ttl_seconds=None)
    await store.link_sources("theirs", guild_id=1, message_ids=[5], author_ids=[100, 200])
    await store.link_sources("others", guild_id=1, message_ids=[6], author_ids=[200])
    assert await store.set_opt_out(1, 100, opted_out=True) is True
    assert await store.set_opt_out(1, 100, opted_out=True) is False  # already
    assert await store.get("theirs") is None
    assert await store.get("others") is not None
    await store.close()

    store = await SQLiteStore(db_path, clock=clock).open()
    try:
        assert await store.opted_out(1) == {100}
        assert await store.opted_out(2) == frozenset()  # guild-scoped
        assert await store.set_opt_out(1, 100, opted_out=False) is True
        assert await store.opted_out(1) == frozenset()
    finally:
        await store.close()


async def test_posted_answers_are_found_by_what_they_quote(store: SQLiteStore) -> None:
    one = PostedAnswer(message_id=1, channel_id=10, guild_id=5, key="k1", again_url="u1")
    two = PostedAnswer(message_id=2, channel_id=10, guild_id=5, key="k2", again_url=None)
    assert await store.record_post(one, [(5, 20, 100), (5, 20, 101), (5, 20, None)])
    assert await store.record_post(two, [(6, 30, 200)])
    assert await store.posts_quoting(message_ids=[101]) == [one]
    assert await store.posts_quoting(channel_ids=[30]) == [two]
    assert await store.posts_quoting(guild_id=6) == [two]
    assert await store.posts_quoting(message_ids=[999], channel_ids=[999]) == []
    await store.mark_to_withdraw([1], "deleted")
    assert await store.pending_withdrawals() == [(one, "deleted")]
    await store.mark_withdrawn([1])
    assert await store.pending_withdrawals() == []
    assert await store.posts_quoting(message_ids=[101]) == []  # withdrawn once only
    assert await store.drop_posts(channel_ids=[10]) == 2
    assert await store.posts_quoting(guild_id=6) == []


async def test_the_purge_takes_the_links_of_expired_results(
    store: SQLiteStore, clock: FakeClock, result: DigestResult, db_path: Path
) -> None:
    await store.put("old", result, ttl_seconds=60)
    await store.link_sources("old", guild_id=1, message_ids=[1], author_ids=[9])
    clock.advance(61)
    assert await store.purge(expired_only=True) == 1
    assert rows(db_path, "SELECT count(*) FROM result_sources") == [(0,)]
    assert rows(db_path, "SELECT count(*) FROM result_authors") == [(0,)]

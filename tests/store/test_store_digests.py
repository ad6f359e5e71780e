"""Digest bookkeeping: one claim per period across processes, resumable runs, fail closed."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.digest.config import DigestConfig, SourceRef
from bot.digest.schedule import Period, Schedule
from bot.store.digests import LEASE, DigestStoreError
from bot.store.sqlite import SQLiteStore

from .conftest import TEST_BUSY_TIMEOUT_MS, FakeClock

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def config(name: str = "daily", **changes: object) -> DigestConfig:
    base = DigestConfig(
        guild_id=1,
        name=name,
        destination_id=10,
        sources=(SourceRef(kind="guild", id=1),),
        schedule=Schedule(at=time(9), tz="Europe/Berlin"),
    )
    return base.model_copy(update=changes)


def period(day: int = 2) -> Period:
    end = datetime(2025, 1, day, 8, tzinfo=UTC)
    return Period(start=end - timedelta(days=1), end=end)


async def test_settings_round_trip_and_replace_by_name(store: SQLiteStore) -> None:
    first = await store.save_digest(config(), created_by=7, next_run=T0 + timedelta(hours=8))
    again = await store.save_digest(
        config(max_debates=3), created_by=7, next_run=T0 + timedelta(hours=8)
    )
    other = await store.save_digest(config("weekly"), created_by=7, next_run=T0)
    assert first == again != other
    rows = await store.digests(1)
    assert [r.config.name for r in rows] == ["daily", "weekly"]
    assert rows[0].config.max_debates == 3 and rows[0].config.schedule.tz == "Europe/Berlin"
    assert rows[0].created_by == 7 and rows[0].enabled


async def test_due_digests_pick_enabled_rows_whose_time_came(
    store: SQLiteStore, clock: FakeClock
) -> None:
    a = await store.save_digest(config("a"), created_by=None, next_run=T0 + timedelta(hours=1))
    b = await store.save_digest(config("b"), created_by=None, next_run=T0 + timedelta(hours=3))
    assert [r.id for r in await store.due_digests(T0 + timedelta(hours=2))] == [a]
    await store.set_digest_enabled(a, False)
    assert [r.id for r in await store.due_digests(T0 + timedelta(hours=4))] == [b]


async def test_a_period_is_claimed_once(store: SQLiteStore) -> None:
    digest = await store.save_digest(config(), created_by=None, next_run=T0)
    claim = await store.claim_period(digest, period(), owner="p1")
    assert claim is not None and not claim.resumed
    assert await store.claim_period(digest, period(), owner="p2") is None
    await store.finish_period(
        digest, period(), state="done", outcome="posted 3 debates", next_run=T0 + timedelta(days=2)
    )
    # Finished: nobody claims it again, not even its owner after a restart.
    assert await store.claim_period(digest, period(), owner="p1") is None
    row = await store.digest(digest)
    assert row is not None and row.last_end == period().end
    assert row.last_outcome == "posted 3 debates"


async def test_two_processes_racing_on_one_period_get_one_claim(
    db_path: Path, clock: FakeClock
) -> None:
    stores = [
        await SQLiteStore(db_path, clock=clock, busy_timeout_ms=2000).open() for _ in range(2)
    ]
    try:
        digest = await stores[0].save_digest(config(), created_by=None, next_run=T0)
        claims = await asyncio.gather(
            *(s.claim_period(digest, period(), owner=f"p{n}") for n, s in enumerate(stores * 10))
        )
        assert sum(c is not None for c in claims) == 1
    finally:
        for s in stores:
            await s.close()


async def test_a_crashed_run_resumes_after_its_last_recorded_post(
    store: SQLiteStore, clock: FakeClock
) -> None:
    digest = await store.save_digest(config(), created_by=None, next_run=T0)
    assert await store.claim_period(digest, period(), owner="p1")
    for seq in (0, 1):
        await store.record_digest_post(
            digest, period().key, seq=seq, channel_id=10, message_id=100 + seq,
            nonce=f"n{seq}", owner="p1",
        )  # fmt: skip
    # "p1" dies. Another process must wait for the lease; the same owner restarting need not.
    assert await store.claim_period(digest, period(), owner="p2") is None
    assert [p for _, p in await store.unfinished_claims()] == [period()]
    resumed = await store.claim_period(digest, period(), owner="p1")
    assert resumed is not None and resumed.resumed
    assert [(p.seq, p.message_id) for p in resumed.posts] == [(0, 100), (1, 101)]
    clock.advance(LEASE.total_seconds() + 1)
    taken = await store.claim_period(digest, period(), owner="p2")
    assert taken is not None and taken.resumed and len(taken.posts) == 2
    # A post recorded twice (same seq) is refused, never duplicated.
    with pytest.raises(DigestStoreError):
        await store.record_digest_post(
            digest, period().key, seq=1, channel_id=10, message_id=999, nonce="x", owner="p2"
        )


async def test_thread_marks(store: SQLiteStore) -> None:
    digest = await store.save_digest(config(), created_by=None, next_run=T0)
    assert await store.thread_mark(digest, 55) == (0, "", None)
    await store.set_thread_mark(digest, 55, last_message_id=900, period_key="k1", result_key="r")
    await store.set_thread_mark(digest, 55, last_message_id=950, period_key="k2", result_key=None)
    assert await store.thread_mark(digest, 55) == (950, "k2", None)


async def test_fails_closed_when_the_database_cannot_answer(
    store: SQLiteStore, db_path: Path
) -> None:
    digest = await store.save_digest(config(), created_by=None, next_run=T0)
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TABLE digest_posts")
    assert await store.claim_period(digest, period(), owner="p1") is not None
    with pytest.raises(DigestStoreError):
        await store.record_digest_post(
            digest, period().key, seq=0, channel_id=1, message_id=2, nonce="n", owner="p1"
        )
    await store.close()
    with pytest.raises(DigestStoreError):
        await store.claim_period(digest, period(3), owner="p1")


async def test_a_row_this_version_cannot_read_is_not_run(store: SQLiteStore, db_path: Path) -> None:
    await store.save_digest(config(), created_by=None, next_run=T0)
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE digests SET config = '{\"bad\": 1}'")
    assert await store.due_digests(T0 + timedelta(days=1)) == []


def test_busy_timeout_constant_is_short() -> None:
    assert TEST_BUSY_TIMEOUT_MS < 1000

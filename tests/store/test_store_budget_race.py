"""One digest budget raced from two store clients (two processes) on one database: the
reservations of the usage ledger never take it past its limit, on SQLite (one file) and on
PostgreSQL, as `bot.discord.digests` makes them (an account per request on the digest's own
bucket, its limit and day; reserve, send, settle)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.discord.guards import BudgetExhausted
from bot.discord.ledger import Ledger
from bot.result import Usage
from bot.settings import Settings
from bot.store.sqlite import SQLiteStore

from .conftest import BACKENDS, FakeClock

DAY = "2025-01-01"
LIMIT = 100_000
ESTIMATE = 9_000
BUCKET = -7  # a digest's own budget (`-digest id`)


@pytest.fixture
async def sqlite_two(tmp_path: Path, clock: FakeClock) -> AsyncIterator[tuple[Any, Any]]:
    path = tmp_path / "shared.sqlite3"
    first = await SQLiteStore(path, clock=clock).open()
    second = await SQLiteStore(path, clock=clock).open()
    yield first, second
    await first.close()
    await second.close()


@pytest.fixture
async def pg_two(pg_migrated: str, clock: FakeClock) -> AsyncIterator[tuple[Any, Any]]:
    from bot.store.postgres import PostgresStore

    first = await PostgresStore(pg_migrated, clock=clock).open()
    second = await PostgresStore(pg_migrated, clock=clock).open()
    yield first, second
    await first.close()
    await second.close()


@pytest.fixture(params=BACKENDS)
def two(request: pytest.FixtureRequest) -> tuple[Any, Any]:
    """Two clients of one database, as two bot processes hold (on each backend in turn)."""
    return request.getfixturevalue("pg_two" if request.param == "postgresql" else "sqlite_two")


async def test_a_digest_budget_raced_from_two_clients_is_never_passed(
    two: tuple[Any, Any],
) -> None:
    settings = Settings(database_url="sqlite:///:memory:")
    ledgers = [Ledger(store, settings) for store in two]
    rng = random.Random(12)
    # What each request really uses: mostly under the estimate, some over it (re-asks).
    used = [rng.choice([1_200, 3_000, 8_000, 12_000]) for _ in range(40)]
    sent: list[int] = []
    peak = 0
    # What settlements may have added past their reservations so far (counted before each
    # settlement is written, so that it bounds what any read can see).
    overage_so_far = 0

    async def request(i: int) -> None:
        nonlocal peak, overage_so_far
        account = ledgers[i % 2].account(BUCKET, limit=LIMIT, day=DAY)
        try:
            await account.reserve(ESTIMATE)
        except BudgetExhausted:
            return
        sent.append(i)
        total = (await two[i % 2].guild_usage(BUCKET, DAY)).tokens
        peak = max(peak, total - overage_so_far)
        await asyncio.sleep(0)
        overage_so_far += max(0, used[i] - ESTIMATE)
        await account.spent(Usage(llm_calls=1, prompt_tokens=used[i], completion_tokens=0))

    await asyncio.gather(*(request(i) for i in range(40)))
    total = (await two[0].guild_usage(BUCKET, DAY)).tokens
    assert sent and len(sent) < 40  # some were refused
    # Settled: exactly what the requests sent used, nothing reserved is left over.
    assert total == sum(used[i] for i in sent)
    # Every reservation was made within the limit: what was reserved or spent before it,
    # plus its estimate, never passed it. Only a request that used more than its estimate
    # can take the total past the limit, by at most what it used beyond the estimate (a read
    # right after a reservation may already see other requests' overage: it is taken off).
    assert peak <= LIMIT
    overage = sum(max(0, used[i] - ESTIMATE) for i in sent)
    assert total <= LIMIT + overage
    # Over (or too close to) the limit, the next reservation is refused on either client.
    if total + ESTIMATE > LIMIT:
        for ledger in ledgers:
            with pytest.raises(BudgetExhausted):
                await ledger.account(BUCKET, limit=LIMIT, day=DAY).reserve(ESTIMATE)
    assert (await two[1].guild_usage(BUCKET, DAY)).tokens == total


async def test_a_settlement_past_the_reservation_is_charged_and_refuses_the_next(
    two: tuple[Any, Any],
) -> None:
    """A run whose re-asks used more than it reserved is charged all of it, past the limit;
    every client then refuses the next request until the day ends."""
    settings = Settings(database_url="sqlite:///:memory:")
    first, second = (Ledger(store, settings) for store in two)
    account = first.account(BUCKET, limit=20_000, day=DAY)
    await account.reserve(ESTIMATE)
    await account.spent(Usage(llm_calls=4, prompt_tokens=21_000, completion_tokens=4_000))
    assert (await two[1].guild_usage(BUCKET, DAY)).tokens == 25_000
    with pytest.raises(BudgetExhausted, match="25,000 of 20,000"):
        await second.account(BUCKET, limit=20_000, day=DAY).reserve(1)
    await second.account(BUCKET, limit=20_000, day="2025-01-02").reserve(ESTIMATE)  # a new day

"""PostgreSQL only: migrations on purpose, and what holds across processes sharing one database.

Two `PostgresStore`s on one schema stand for two bot processes (each has its own pool, so its
own sessions and advisory locks, as two processes would). Skipped without
DEBATE_DIGEST_TEST_POSTGRES_URL; failed, not skipped, when it is set and unreachable.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from typer.testing import CliRunner

from bot.errors import ConfigError
from bot.pipeline import Options, _cached_or_run
from bot.singleflight import SingleFlight
from bot.store import open_store
from bot.store.digests import DigestStoreError
from bot.store.postgres import (
    PostgresStore,
    SchemaOutdated,
    connect,
    latest_version,
    migrations,
    schema_state,
    upgrade,
)
from bot.store.sqlite import Migration
from bot.summarize.schema import DigestResult

from .conftest import POSTGRES_URL_ENV, FakeClock
from .test_store_digests import config, period

ROOT = Path(__file__).resolve().parents[2]
TABLES = {
    "results",
    "guild_usage",
    "result_sources",
    "posted_answers",
    "posted_sources",
    "opt_outs",
    "result_authors",
    "digests",
    "digest_runs",
    "digest_posts",
    "digest_threads",
    "raw_keys",
    "cooldowns",
}


async def tables(conn: asyncpg.Connection) -> set[str]:
    rows = await conn.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    )
    return {row[0] for row in rows} - {"schema_migrations"}


@pytest.fixture
async def conn(pg_url: str) -> AsyncIterator[asyncpg.Connection]:
    opened = await connect(pg_url)
    yield opened
    await opened.close()


# --- migrations ------------------------------------------------------------------------------

SHIPPED = {
    "0001_init.sql": "27c12f2562ee05ae72bb3dfcda2f062e673df164858ae57e4200b48a8f32a945",
    "0002_discord.sql": "30cc6c1001b80a0f60188ec6c2d64533208285b11f79f62c924938da1b1f1f18",
    "0003_privacy.sql": "5be2725cca29c17b4c32a2104be3daf6c85d48cae98d7022fc746fa2a2c7f304",
    "0004_digests.sql": "58123f1faa1ba7a8db4df32756a128a149587eb2bb6f281a1b429c2c3709bb02",
    "0005_raw_keys.sql": "d73d9394fed15f3b9236ccd9fe49565d0aff3658bb416d8856f610f6e42b237b",
    "0006_cooldowns.sql": "5edc43f11a8d1d67fcc16efc1a0a4ab2593abd4933fac30f21e1cae124d9b8f3",
}


def test_shipped_postgresql_migrations_are_unchanged() -> None:
    import hashlib
    from importlib import resources

    folder = resources.files("bot.store.migrations.postgres")
    files = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".sql"))
    hashes = {
        name: hashlib.sha256(folder.joinpath(name).read_bytes()).hexdigest() for name in files
    }
    # A new migration needs its hash added here; an old one must keep its hash.
    assert hashes == SHIPPED


def test_the_postgresql_migrations_mirror_the_sqlite_ones() -> None:
    from bot.store.sqlite import load_migrations

    assert [(m.version, m.name) for m in migrations()] == [
        (m.version, m.name) for m in load_migrations()
    ]


async def test_upgrade_from_a_blank_database_then_again_is_a_no_op(
    conn: asyncpg.Connection,
) -> None:
    assert (await schema_state(conn)).current == 0
    assert await upgrade(conn) == list(range(1, latest_version() + 1))
    assert await tables(conn) == TABLES
    assert await upgrade(conn) == []
    state = await schema_state(conn)
    assert state.current == state.latest == latest_version() and not state.behind
    assert state.applied == tuple(range(1, latest_version() + 1))


@pytest.mark.parametrize("version", range(1, len(migrations())))
async def test_upgrade_from_each_earlier_version(
    conn: asyncpg.Connection, pg_url: str, version: int
) -> None:
    assert await upgrade(conn, to=migrations()[:version]) == list(range(1, version + 1))
    with pytest.raises(SchemaOutdated, match=f"version {version}, .*debate-digest db upgrade"):
        await PostgresStore(pg_url).open()
    assert await upgrade(conn) == list(range(version + 1, latest_version() + 1))
    assert await tables(conn) == TABLES
    store = await PostgresStore(pg_url).open()
    await store.close()


async def test_two_processes_upgrading_at_once_apply_each_migration_once(pg_url: str) -> None:
    first, second = await connect(pg_url), await connect(pg_url)
    try:
        done = await asyncio.gather(upgrade(first), upgrade(second))
        assert sorted(done[0] + done[1]) == list(range(1, latest_version() + 1))
        rows = await first.fetch("SELECT version FROM schema_migrations")
        assert sorted(row[0] for row in rows) == list(range(1, latest_version() + 1))
    finally:
        await first.close()
        await second.close()


async def test_a_failing_migration_leaves_nothing_of_itself(conn: asyncpg.Connection) -> None:
    await upgrade(conn)
    broken = Migration(
        latest_version() + 1, "broken", "CREATE TABLE half_done (x INT);\nSELECT 1/0;"
    )
    with pytest.raises(asyncpg.DivisionByZeroError):
        await upgrade(conn, to=[*migrations(), broken])
    assert (await schema_state(conn)).current == latest_version()
    assert await conn.fetchval("SELECT to_regclass('half_done')") is None


async def test_the_bot_refuses_an_old_schema_and_names_the_command(pg_url: str) -> None:
    with pytest.raises(ConfigError, match="run `debate-digest db upgrade`"):
        async with open_store(pg_url):
            pass


def test_the_cli_upgrades_on_purpose_and_refuses_to_summarize_before(
    pg_url: str, seed_path: Path
) -> None:
    from bot.cli import app

    runner = CliRunner()
    refused = runner.invoke(app, ["summarize", str(seed_path), "--db", pg_url])
    assert refused.exit_code == 2
    assert "db upgrade" in refused.output and "Traceback" not in refused.output
    current = runner.invoke(app, ["db", "current", "--db", pg_url])
    assert current.exit_code == 0 and "version 0 of" in current.output
    upgraded = runner.invoke(app, ["db", "upgrade", "--db", pg_url])
    assert upgraded.exit_code == 0 and "applied 0001" in upgraded.output
    again = runner.invoke(app, ["db", "upgrade", "--db", pg_url])
    assert again.exit_code == 0 and "up to date" in again.output
    ran = runner.invoke(app, ["summarize", str(seed_path), "--db", pg_url, "--json"])
    assert ran.exit_code == 0, ran.output
    cached = runner.invoke(app, ["summarize", str(seed_path), "--db", pg_url, "--json"])
    assert '"cached": true' in cached.output


def test_db_commands_say_one_line_when_postgresql_is_unreachable() -> None:
    from bot.cli import app

    result = CliRunner().invoke(app, ["db", "current", "--db", "postgresql://u:pw@127.0.0.1:1/x"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("debate-digest: error: cannot connect")
    assert "pw" not in result.output


def test_postgresql_tests_fail_not_skip_when_configured_but_unreachable(pg_url: str) -> None:
    # (pg_url: only where PostgreSQL is configured.) The same test file, pointed at a port
    # where nothing listens, must report errors, not skips.
    env = {**os.environ, POSTGRES_URL_ENV: "postgresql://postgres@127.0.0.1:1/test"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "blank", __file__],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0, run.stdout
    assert "1 error" in run.stdout and "skipped" not in run.stdout, run.stdout


# --- across processes ------------------------------------------------------------------------


@pytest.fixture
async def two(pg_migrated: str, clock: FakeClock) -> AsyncIterator[tuple[Any, Any]]:
    first = await CountingStore(pg_migrated, clock=clock).open()
    second = await CountingStore(pg_migrated, clock=clock).open()
    yield first, second
    await first.close()
    await second.close()


class CountingStore(PostgresStore):
    """Counts how often it found the key claimed by the other "process", and its answered
    look-ups."""

    waits = 0
    looked_up = 0

    async def _stored(self, key: str) -> bool:
        self.waits += 1
        return await super()._stored(key)

    async def get(self, key: str) -> DigestResult | None:
        found = await super().get(key)
        self.looked_up += 1
        return found


async def test_identical_requests_over_two_processes_cost_one_run(
    two: tuple[CountingStore, CountingStore], result: DigestResult
) -> None:
    options = Options(use_cache=True)
    runs = 0
    release = asyncio.Event()

    async def engine() -> DigestResult:
        nonlocal runs
        runs += 1
        await release.wait()  # held until the other process is waiting on the claim
        return result

    flights = (SingleFlight[DigestResult](), SingleFlight[DigestResult]())
    tasks = [
        asyncio.create_task(
            _cached_or_run("k", options, two[i % 2], flights[i % 2], engine, lambda _r: True)
        )
        for i in range(50)
    ]
    # Released once every request has looked the key up and joined its process's flight (a
    # request whose first look-up ends after the result is stored reads it from the store: on a
    # loaded machine that made this count vary), and the other process waits on the claim.
    async with asyncio.timeout(20):
        while (
            runs == 0
            or not any(store.waits for store in two)
            or any(store.looked_up < 25 for store in two)
        ):
            await asyncio.sleep(0.01)
    release.set()
    answers = await asyncio.gather(*tasks)
    assert runs == 1
    assert all(a.model_copy(update={"cached": False}) == result for a in answers)
    assert sum(a.cached for a in answers) == 25  # the other process read the stored result


async def test_a_claim_is_released_when_its_holder_fails(
    two: tuple[CountingStore, CountingStore],
) -> None:
    first, second = two
    with pytest.raises(RuntimeError):
        async with first.claim("k"):
            raise RuntimeError("engine failed")
    async with asyncio.timeout(5), second.claim("k"):
        pass
    assert second.waits == 0


async def test_a_budget_spent_from_two_processes_never_goes_over(
    two: tuple[CountingStore, CountingStore],
) -> None:
    spent = await asyncio.gather(
        *(two[i % 2].spend_tokens(7, "2025-01-01", 10, limit=95) for i in range(40))
    )
    assert sorted(total for total in spent if total is not None) == list(range(10, 100, 10))
    usage = await two[0].guild_usage(7, "2025-01-01")
    assert usage.tokens == 90
    assert await two[1].spend_tokens(7, "2025-01-01", 20, limit=95) is None
    assert await two[1].spend_tokens(8, "2025-01-01", 200, limit=95) is None  # alone too big


async def test_a_cooldown_raced_from_two_processes_starts_one_request(
    two: tuple[CountingStore, CountingStore], clock: FakeClock
) -> None:
    began = await asyncio.gather(
        *(two[i % 2].begin_cooldown(42, f"request-{i}", lease_s=900) for i in range(30))
    )
    assert [i for i, refusal in enumerate(began) if refusal is None] == [began.index(None)]
    assert all(refusal.busy for refusal in began if refusal is not None)
    owner = f"request-{began.index(None)}"
    assert await two[1].end_cooldown(42, owner, pause_s=30)
    # The pause is seen from the other process too, then ends for both.
    paused = await two[0].begin_cooldown(42, "later", lease_s=900)
    assert paused is not None and not paused.busy and paused.wait_s == pytest.approx(30)
    # Marked in its pause (a cached answer may be served): the other process sees it busy.
    assert (await two[1].begin_cooldown(42, "meanwhile", lease_s=900)).busy  # type: ignore[union-attr]
    assert await two[0].end_cooldown(42, "later", pause_s=0)
    clock.advance(30)
    again = await asyncio.gather(
        *(two[i % 2].begin_cooldown(42, f"again-{i}", lease_s=900) for i in range(10))
    )
    assert again.count(None) == 1


async def test_reservations_raced_from_two_processes_never_overspend(
    two: tuple[CountingStore, CountingStore],
) -> None:
    """The ledger's pattern: reserve an estimate, settle (refund part of it) while others
    reserve; the day's total never passes the limit."""

    async def run(store: CountingStore) -> int:
        if await store.spend_tokens(9, "2025-01-01", 300, limit=1000) is None:
            return 0
        await asyncio.sleep(0)
        await store.spend_tokens(9, "2025-01-01", -100, limit=2**62)  # used 200 of 300
        return 200

    used = await asyncio.gather(*(run(two[i % 2]) for i in range(40)))
    total = (await two[0].guild_usage(9, "2025-01-01")).tokens
    assert total == sum(used) <= 1000
    assert used.count(200) >= 1000 // 300  # as many runs as fit, at least


async def test_a_digest_period_is_claimed_once_across_processes(
    two: tuple[CountingStore, CountingStore],
) -> None:
    from datetime import UTC, datetime

    digest = await two[0].save_digest(
        config(), created_by=None, next_run=datetime(2025, 1, 1, tzinfo=UTC)
    )
    claims = await asyncio.gather(
        *(two[i % 2].claim_period(digest, period(), owner=f"process-{i}") for i in range(20))
    )
    assert len([claim for claim in claims if claim is not None]) == 1


async def test_a_cache_read_fails_open_when_postgresql_goes(
    two: tuple[CountingStore, CountingStore], result: DigestResult
) -> None:
    first, _ = two
    assert await first.put("k", result, ttl_seconds=None)
    assert first._conn is not None
    await first._conn.pool.close()  # the server is gone, as far as this store can tell
    assert await first.get("k") is None
    assert await first.put("k", result, ttl_seconds=None) is False
    from bot.store import StoreUnavailable

    with pytest.raises(StoreUnavailable):
        await first.guild_usage(1, "2025-01-01")
    with pytest.raises(StoreUnavailable):
        await first.opted_out(1)
    with pytest.raises(DigestStoreError):
        await first.claim_period(1, period(), owner="p")
    # A forget that cannot be written is kept, and nothing is served meanwhile.
    assert await first.forget_messages([42]) == 0
    assert first.pending_forgets == 1


async def test_claims_held_through_runs_leave_the_store_its_connections(
    pg_migrated: str, clock: FakeClock, result: DigestResult
) -> None:
    store = await PostgresStore(pg_migrated, clock=clock, pool_max=1).open()
    try:
        async with store.claim("a"), store.claim("b"), store.claim("c"):
            async with asyncio.timeout(5):
                assert await store.put("a", result, ttl_seconds=None)
                assert await store.get("a") is not None
    finally:
        await store.close()

"""The SQLite result store, on aiosqlite.

One connection per store, in WAL mode so that readers never wait for a writer (the bot and a
CLI run can share one file), `synchronous=NORMAL` (a power cut may lose the last write, which a
cache can afford), a busy timeout so that a busy database makes a call fail in bounded time
rather than hang, and foreign keys on.

Every statement outside migrations is a single autocommit statement: it is atomic by itself, so
tasks sharing a store need no lock, and SQLite's busy handler retries it when another process
holds the write lock.

Failure policy (see `bot.store.base`): a database error during a cache call is logged and
answered as a miss / not saved. "Database is locked" or "busy" is transient and only fails that
call; any other error (corrupt file, disk I/O, read-only, table gone) switches the cache off with
one warning, and it is tried again after a back-off (`disabled` meanwhile), not only after a
restart. One bad row (text that is not UTF-8, JSON that no longer validates) is deleted and
counted as a miss; it does not switch anything off.

What the store guards never fails open: `guild_usage` and `opted_out` raise `StoreUnavailable`
whenever they cannot be answered, even while the cache is switched off. A forget that cannot be
written is queued, in memory and in a journal file beside the database
(`<database>-forget.jsonl`), retried with back-off until it is written, and replayed from the
journal when a store opens the file; while one is queued, `get` serves nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import math
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import aiosqlite
from pydantic import ValidationError
from pydantic_core import PydanticSerializationError

from bot.gcpause import paused_gc
from bot.result import DigestResult
from bot.store.base import (
    CacheStats,
    Cooldown,
    GuildUsage,
    PostedAnswer,
    SourceRef,
    StoreUnavailable,
)
from bot.store.digests import DigestTables

log = logging.getLogger(__name__)

MEMORY = ":memory:"
BUSY_TIMEOUT_MS = 2000
MIGRATE_BUSY_TIMEOUT_MS = 30_000
# Rows per INSERT of source links (4 parameters each; SQLite allows 32,766 parameters).
_LINK_BATCH = 500
# What a failing database raises through aiosqlite (it re-exports sqlite3's classes) or the OS.
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, OSError)
# Seconds before a switched-off cache is tried again, and between retries of a queued forget
# (the last figure repeats).
RETRY_DELAYS_S: tuple[float, ...] = (1.0, 2.0, 5.0, 15.0, 30.0, 60.0)
# Portable "ignore a row that is already there" (SQLite 3.24+, PostgreSQL 9.5+).
_IGNORE = "ON CONFLICT DO NOTHING"
# What a forget is keyed by: the column of `result_sources`, or "author" (`result_authors`).
_FORGET_KINDS = ("message_id", "channel_id", "guild_id", "author")

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def to_text(moment: datetime) -> str:
    """ISO 8601 UTC text of a fixed width, so that SQL compares times by comparing text."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the store; use timezone-aware UTC")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str | None) -> datetime | None:
    """The time `to_text` wrote, or None for none or for text that is not an ISO time (a
    damaged row must not crash `cache stats`)."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        log.warning("cache row holds a time that is not ISO 8601: %r", str(text)[:40])
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --- migrations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file of `bot/store/migrations`."""

    version: int
    name: str
    sql: str


_MIGRATION_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

_MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)
"""


def load_migrations(package: str = "bot.store.migrations") -> list[Migration]:
    """Every migration shipped in `package` (default: SQLite's), in order. RuntimeError if a
    file is misnamed or the numbers are not 1, 2, 3, … without gaps (a packaging or editing
    mistake, not a database problem)."""
    found: list[Migration] = []
    for entry in resources.files(package).iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _MIGRATION_FILE.match(entry.name)
        if match is None:
            raise RuntimeError(f"migration file {entry.name!r} is not named NNNN_name.sql")
        found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration numbers must run 1, 2, 3, … without gaps: {versions}")
    return found


def split_statements(sql: str) -> list[str]:
    """Split a migration into statements with `sqlite3.complete_statement` (which knows about
    strings and trigger bodies). Needed because `executescript` commits first and so cannot run
    inside our transaction. Put one statement per line ending."""
    statements: list[str] = []
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    leftover = [
        line for line in pending.splitlines() if line.strip() and not line.strip().startswith("--")
    ]
    if leftover:
        raise RuntimeError(f"migration ends with an incomplete statement: {leftover[0]!r}")
    return statements


async def applied_versions(conn: aiosqlite.Connection) -> set[int]:
    """The versions recorded in `schema_migrations` (which must exist)."""
    rows = await conn.execute_fetchall("SELECT version FROM schema_migrations")
    return {int(row[0]) for row in rows}


async def migrate(
    conn: aiosqlite.Connection,
    *,
    clock: Clock = utcnow,
    migrations: Sequence[Migration] | None = None,
) -> list[int]:
    """Apply the pending migrations (default: the shipped ones) in order, each in one
    transaction together with its row in `schema_migrations`; return the versions applied now
    (empty when up to date, which needs no write lock). Safe when several processes open a new
    file at once. Raises the database's errors; the caller decides what a failure means."""
    await conn.execute(_MIGRATIONS_TABLE)
    applied = await applied_versions(conn)
    if migrations is None:
        migrations = load_migrations()
    known = max((migration.version for migration in migrations), default=0)
    if applied and max(applied) > known:
        # A newer program migrated this file. Its changes are meant to be additive; a row we
        # cannot read is a miss anyway, so keep using the cache rather than dropping it.
        log.warning(
            "cache schema version %d is newer than this program's %d; using it anyway",
            max(applied),
            known,
        )
    done: list[int] = []
    for migration in migrations:
        if migration.version in applied:
            continue
        await conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have applied it while we waited for the write lock.
            if migration.version in await applied_versions(conn):
                await conn.execute("ROLLBACK")
                continue
            for statement in split_statements(migration.sql):
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, to_text(clock())),
            )
            await conn.execute("COMMIT")
        except Exception:
            with contextlib.suppress(*DATABASE_ERRORS):
                await conn.execute("ROLLBACK")
            raise
        log.info("applied cache migration %04d_%s", migration.version, migration.name)
        done.append(migration.version)
    return done


# --- the store -------------------------------------------------------------------------------


def _is_transient(error: BaseException) -> bool:
    """True for "database is locked / busy": another writer held on past the busy timeout."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    message = str(error).lower()
    return "locked" in message or "busy" in message


def _is_bad_row(error: BaseException) -> bool:
    """True when one row, not the database, is damaged: text that is not valid UTF-8."""
    return isinstance(error, sqlite3.OperationalError) and "could not decode" in str(error).lower()


def _expiry(now: datetime, ttl_seconds: float | None) -> datetime | None:
    if ttl_seconds is None or ttl_seconds == 0 or ttl_seconds == math.inf:
        return None
    if math.isnan(ttl_seconds) or ttl_seconds < 0:
        raise ValueError(f"ttl_seconds must be None or >= 0, not {ttl_seconds!r}")
    return now + timedelta(seconds=ttl_seconds)


_GET = """
SELECT result_json FROM results
WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)
"""

# Portable SQL (SQLite and PostgreSQL): an upsert rather than INSERT OR REPLACE.
_PUT = """
INSERT INTO results (
    key, engine, model, prompt_version, result_json, created_at, expires_at, hits, last_hit_at,
    prompt_tokens, completion_tokens, cost_usd, elapsed_ms, reading_minutes_saved, size_bytes
) VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, ?, ?, ?, ?)
ON CONFLICT (key) DO UPDATE SET
    engine = excluded.engine, model = excluded.model, prompt_version = excluded.prompt_version,
    result_json = excluded.result_json, created_at = excluded.created_at,
    expires_at = excluded.expires_at, hits = 0, last_hit_at = NULL,
    prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens,
    cost_usd = excluded.cost_usd, elapsed_ms = excluded.elapsed_ms,
    reading_minutes_saved = excluded.reading_minutes_saved, size_bytes = excluded.size_bytes
"""

# Only for a stored result: a raw key never leads nowhere (and the foreign key would fail).
_PUT_RAW = """
INSERT INTO raw_keys (raw_key, result_key, input_json, created_at)
SELECT ?, key, ?, ? FROM results WHERE key = ?
ON CONFLICT (raw_key) DO UPDATE SET
    result_key = excluded.result_key, input_json = excluded.input_json,
    created_at = excluded.created_at
"""

# Rows whose created_at is not a time (a damaged row) are left out of oldest/newest.
_ISO_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*"

_STATS = """
SELECT
    COUNT(*),
    COALESCE(SUM(expires_at IS NOT NULL AND expires_at <= :now), 0),
    COALESCE(SUM(hits), 0),
    COALESCE(SUM(size_bytes), 0),
    MIN(CASE WHEN created_at GLOB :iso THEN created_at END),
    MAX(CASE WHEN created_at GLOB :iso THEN created_at END),
    COALESCE(SUM(hits * elapsed_ms), 0) / 1000.0,
    COALESCE(SUM(hits * reading_minutes_saved), 0)
FROM results
"""


# Add `tokens` to the day's figures only while the total stays within `limit`; the new total,
# or no row when it would go over. One statement: atomic across processes.
_SPEND = """
INSERT INTO guild_usage AS usage (guild_id, day, requests, cached, llm_calls, tokens)
SELECT CAST(? AS BIGINT), CAST(? AS TEXT), 0, 0, 0, CAST(? AS BIGINT)
WHERE CAST(? AS BIGINT) <= CAST(? AS BIGINT)
ON CONFLICT (guild_id, day) DO UPDATE SET tokens = usage.tokens + excluded.tokens
    WHERE usage.tokens + excluded.tokens <= CAST(? AS BIGINT)
RETURNING tokens
"""

# Mark a person busy (`owner`, until the lease `busy_until`) unless a request of theirs is
# running: a row (with the end of their pause, '' = none) when it was marked, none when
# refused. A person in their pause is marked too: their request may still be answered from the
# cache, and the caller refuses it only when it would start a run. One statement: atomic
# across processes (two requests of one person never both run).
_BEGIN_COOLDOWN = """
INSERT INTO cooldowns AS c (user_id, owner, busy_until, until)
VALUES (CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), '')
ON CONFLICT (user_id) DO UPDATE SET owner = excluded.owner, busy_until = excluded.busy_until
    WHERE c.busy_until <= CAST(? AS TEXT)
RETURNING until
"""
# Rows of people with no request running and no pause left: they say nothing any more.
_PURGE_COOLDOWNS = """
DELETE FROM cooldowns WHERE busy_until <= CAST(? AS TEXT) AND until <= CAST(? AS TEXT)
"""
# Clear the owner's mark and start a pause that ends at `until` ('' = none; a later pause
# already there is kept).
_END_COOLDOWN = """
UPDATE cooldowns SET owner = '', busy_until = '',
    until = CASE WHEN until > CAST(? AS TEXT) THEN until ELSE CAST(? AS TEXT) END
WHERE user_id = CAST(? AS BIGINT) AND owner = CAST(? AS TEXT)
"""


def _batches(
    insert: str, rows: Sequence[tuple[object, ...]], suffix: str
) -> list[tuple[str, list[object]]]:
    """Multi-row INSERT statements of at most `_LINK_BATCH` rows each, with their parameters."""
    batches: list[tuple[str, list[object]]] = []
    for start in range(0, len(rows), _LINK_BATCH):
        batch = rows[start : start + _LINK_BATCH]
        # C-level joins: an answer's sources are thousands of rows.
        row_marks = "(" + ", ".join("?" * len(batch[0])) + ")"
        values = ", ".join([row_marks] * len(batch))
        params = list(itertools.chain.from_iterable(batch))
        batches.append((f"{insert} VALUES {values} {suffix}".rstrip(), params))
    return batches


class SQLiteStore(DigestTables):
    """A `Store` on one SQLite file (or `":memory:"`).

    Call `await store.open()` before use (it connects, sets the pragmas, migrates and replays
    the forget journal, raising `sqlite3.Error` or `OSError` when the file cannot be used;
    `open_store` turns that into a `NullStore`). After that, no cache method raises for a
    database problem; the guarded reads raise `StoreUnavailable`. `clock` returns the current
    timezone-aware time; tests pass their own to move time without sleeping, and
    `retry_delays_s` to retry sooner.
    """

    backend = "sqlite"
    # What a failing database raises (a backend on another driver names its own).
    errors: tuple[type[Exception], ...] = DATABASE_ERRORS

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Clock = utcnow,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        retry_delays_s: Sequence[float] = RETRY_DELAYS_S,
    ) -> None:
        self.path = path if path == MEMORY else Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._clock = clock
        self._conn: aiosqlite.Connection | None = None
        self._disabled = False
        self._retry_delays = tuple(retry_delays_s) or RETRY_DELAYS_S
        self._failures = 0  # consecutive non-transient failures: the back-off step
        self._retry_at = 0.0  # time.monotonic() when a switched-off cache is tried again
        # Forgets not yet written: (kind, guild_id, ids), oldest first.
        self._pending: list[tuple[str, int | None, list[int]]] = []
        self._pending_lock = asyncio.Lock()
        self._retry_task: asyncio.Task[None] | None = None
        self._retry_attempt = 0

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def disabled(self) -> bool:
        """True while a failure has switched the cache off (until the back-off ends)."""
        return self._disabled and time.monotonic() < self._retry_at

    @property
    def pending_forgets(self) -> int:
        """Forgets waiting to be written (retried with back-off; journaled beside the file)."""
        return len(self._pending)

    @property
    def journal_path(self) -> Path | None:
        """Where queued forgets are journaled (None for an in-memory database)."""
        return None if self.path == MEMORY else Path(f"{self.path}-forget.jsonl")

    async def open(self) -> SQLiteStore:
        """Connect, configure and migrate; returns self. Raises on an unusable database.
        Forgets journaled by an earlier run that could not write them are applied now."""
        if self._conn is not None:
            return self
        if isinstance(self.path, Path):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            await asyncio.to_thread(_probe, self.location)
        # isolation_level=None: autocommit, so that transactions are the ones we write.
        conn = aiosqlite.connect(
            self.location, timeout=self.busy_timeout_ms / 1000, isolation_level=None
        )
        try:
            await conn
            await conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            await conn.execute("PRAGMA foreign_keys = ON")
            # The first statement that reads the file: "file is not a database" surfaces here.
            rows = await _journal_wal(conn, self.busy_timeout_ms / 1000)
            mode = str(rows[0][0]) if rows else "?"
            if mode not in ("wal", "memory"):
                log.info("cache journal mode is %s, not wal (%s)", mode, self.location)
            await conn.execute("PRAGMA synchronous = NORMAL")
            # Several processes opening a new file at once queue for the migrations: a one-time
            # wait, so it may be longer than a request's busy timeout (a loaded machine).
            await conn.execute(f"PRAGMA busy_timeout = {MIGRATE_BUSY_TIMEOUT_MS}")
            await migrate(conn, clock=self._clock)
            await conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
        except BaseException:
            await _close_quietly(conn)
            raise
        self._conn = conn
        self._pending = self._read_journal()
        if self._pending:
            log.warning(
                "replaying %d forget(s) that an earlier run could not write", len(self._pending)
            )
            if not await self.flush_forgets():
                self._schedule_retry()
        return self

    async def get(self, key: str) -> DigestResult | None:
        """See `Store.get`. Expired rows are not served (they stay until purged); a row that
        is not UTF-8 or no longer validates is deleted and counted as a miss. Nothing is served
        while a forget is queued (it may cover this result)."""
        conn = self._usable()
        if conn is None:
            return None
        if self._pending and not await self.flush_forgets():
            return None
        now = self._now_text()
        try:
            rows = list(await conn.execute_fetchall(_GET, (key, now)))
        except self.errors as error:
            if self._is_bad_row(error):
                log.warning("cached result %s is not valid text; dropping it", key)
                await self._write("drop", "DELETE FROM results WHERE key = ?", (key,))
                return None
            self._failed("read", error)
            return None
        self._ok()
        if not rows:
            return None
        try:
            # A large result is tens of thousands of objects: the collector walking them as they
            # are made took half the time of loading a 20 MB input's result.
            with paused_gc():
                result = DigestResult.model_validate_json(rows[0][0])
        except ValidationError as error:
            # The schema changed or the row was damaged: recomputing beats a wrong answer.
            log.warning(
                "cached result %s is unreadable (%d validation errors); dropping it",
                key,
                error.error_count(),
            )
            await self._write("drop", "DELETE FROM results WHERE key = ?", (key,))
            return None
        # We already hold the answer: failing to count the hit must not cost it.
        await self._record_hit(key, now)
        return result.model_copy(update={"cached": True})

    async def _record_hit(self, key: str, now: str) -> None:
        await self._write(
            "record a hit",
            "UPDATE results SET hits = hits + 1, last_hit_at = ? WHERE key = ?",
            (now, key),
        )

    async def put(self, key: str, result: DigestResult, *, ttl_seconds: float | None) -> bool:
        """See `Store.put`. Saved with `cached=False`; replaces any entry under `key` (and so
        resets its hit count). ValueError for a negative or NaN ttl (a caller bug). A result
        that cannot be written as UTF-8 JSON (a lone surrogate) is not saved (False)."""
        now = self._now()
        expires_at = _expiry(now, ttl_seconds)
        if self._usable() is None:
            return False
        try:
            payload = result.model_copy(update={"cached": False}).model_dump_json()
            size = len(payload.encode("utf-8"))
        except (PydanticSerializationError, UnicodeError) as error:
            log.warning("result %s cannot be cached (%s); not saved", key, error)
            return False
        changed = await self._write(
            "save",
            _PUT,
            (
                key,
                result.engine,
                result.model,
                result.prompt_version,
                payload,
                to_text(now),
                None if expires_at is None else to_text(expires_at),
                result.usage.prompt_tokens,
                result.usage.completion_tokens,
                result.usage.cost_usd,
                result.elapsed_ms,
                result.reading_minutes_saved,
                size,
            ),
        )
        return changed is not None

    async def get_raw(self, raw_key: str) -> tuple[DigestResult, str] | None:
        """See `Store.get_raw`: the mapping, then `get` of its result (so that expiry, queued
        forgets and unreadable rows apply as they do to `get`)."""
        conn = self._usable()
        if conn is None:
            return None
        sql = "SELECT result_key, input_json FROM raw_keys WHERE raw_key = ?"
        try:
            rows = list(await conn.execute_fetchall(sql, (raw_key,)))
        except self.errors as error:
            self._failed("read", error)
            return None
        if not rows:
            return None
        result_key, input_json = rows[0]
        result = await self.get(result_key)
        return None if result is None else (result, input_json)

    async def put_raw(self, raw_key: str, result_key: str, input_json: str) -> bool:
        """See `Store.put_raw`."""
        params = (raw_key, input_json, self._now_text(), result_key)
        return bool(await self._write("save a raw key", _PUT_RAW, params))

    @contextlib.asynccontextmanager
    async def claim(self, key: str) -> AsyncIterator[None]:
        """See `Store.claim`: a no-op, the pipeline's single flight is enough in one process."""
        yield

    async def stats(self) -> CacheStats:
        """See `Store.stats` and `CacheStats`."""
        conn = self._usable()
        if conn is None:
            return CacheStats(backend="none", location=self.location)
        try:
            sql, params = self._stats_query(self._now_text())
            rows = list(await conn.execute_fetchall(sql, params))
        except self.errors as error:
            self._failed("read stats", error)
            return CacheStats(backend="none", location=self.location)
        entries, expired, hits, size, oldest, newest, seconds, minutes = rows[0]
        return CacheStats(
            entries=entries,
            expired=expired,
            hits=hits,
            bytes=size,
            oldest=from_text(oldest),
            newest=from_text(newest),
            compute_seconds_saved=seconds,
            reading_minutes_saved=minutes,
            backend=self.backend,
            location=self.location,
        )

    async def purge(self, *, expired_only: bool = False) -> int:
        """See `Store.purge`. Source and author links of removed results go with them, and
        cooldown rows that no longer hold anything (no request running, no pause left)."""
        if expired_only:
            sql = "DELETE FROM results WHERE expires_at IS NOT NULL AND expires_at <= ?"
            removed = await self._write("purge", sql, (self._now_text(),))
        else:
            removed = await self._write("purge", "DELETE FROM results", ())
        # Cooldowns that are over go with the expired results (a row per person otherwise
        # stays forever); never one that still holds.
        now = self._now_text()
        await self._write("purge cooldowns", _PURGE_COOLDOWNS, (now, now))
        if removed:
            for table in ("result_sources", "result_authors"):
                await self._write(
                    "purge links",
                    f"DELETE FROM {table} WHERE key NOT IN (SELECT key FROM results)",
                    (),
                )
        return removed or 0

    # --- the Discord bot's bookkeeping (see `Store`) ---

    async def record_usage(
        self, guild_id: int, day: str, *, tokens: int, llm_calls: int, cached: bool
    ) -> bool:
        """See `Store.record_usage`: one upsert, atomic by itself."""
        done = await self._write(
            "record usage",
            """
            INSERT INTO guild_usage (guild_id, day, requests, cached, llm_calls, tokens)
            VALUES (?, ?, 1, ?, ?, ?)
            ON CONFLICT (guild_id, day) DO UPDATE SET
                requests = guild_usage.requests + 1,
                cached = guild_usage.cached + excluded.cached,
                llm_calls = guild_usage.llm_calls + excluded.llm_calls,
                tokens = guild_usage.tokens + excluded.tokens
            """,
            (guild_id, day, int(cached), llm_calls, tokens),
            guarded=True,
        )
        return done is not None

    async def spend_tokens(self, guild_id: int, day: str, tokens: int, *, limit: int) -> int | None:
        """Add `tokens` to the guild's figures for `day` if the total stays within `limit`:
        the new total, or None when it would go over (nothing added). One statement, so two
        processes never overspend. `StoreUnavailable` when it cannot be written."""
        rows = await self._guarded_read(
            "spend a budget", _SPEND, (guild_id, day, tokens, tokens, limit, limit)
        )
        return int(rows[0][0]) if rows else None

    async def begin_cooldown(self, user_id: int, owner: str, *, lease_s: float) -> Cooldown | None:
        """See `Store.begin_cooldown`: one statement, so two processes never both start a
        request of one person. `StoreUnavailable` when it cannot be written."""
        now = self._now()
        now_text = to_text(now)
        busy_until = to_text(now + timedelta(seconds=lease_s))
        rows = await self._guarded_read(
            "begin a cooldown", _BEGIN_COOLDOWN, (user_id, owner, busy_until, now_text)
        )

        def left(text: str) -> float:
            moment = from_text(text) if text else None
            return max(0.0, (moment - now).total_seconds()) if moment is not None else 0.0

        if rows:  # marked: in a pause or not
            pause = left(str(rows[0][0] or ""))
            return Cooldown(busy=False, wait_s=pause) if pause > 0 else None
        rows = await self._guarded_read(
            "read a cooldown", "SELECT busy_until FROM cooldowns WHERE user_id = ?", (user_id,)
        )
        # Gone between the two statements (purged, or the lease ended): ask again.
        return Cooldown(busy=True, wait_s=left(str(rows[0][0])) if rows else 0.0)

    async def end_cooldown(self, user_id: int, owner: str, *, pause_s: float) -> bool:
        """See `Store.end_cooldown`: False when it could not be written (the person stays
        busy until the lease runs out)."""
        until = to_text(self._now() + timedelta(seconds=pause_s)) if pause_s > 0 else ""
        done = await self._write(
            "end a cooldown", _END_COOLDOWN, (until, until, user_id, owner), guarded=True
        )
        return done is not None

    async def guild_usage(self, guild_id: int, day: str) -> GuildUsage:
        """See `Store.guild_usage`: `StoreUnavailable` when it cannot be read."""
        rows = await self._guarded_read(
            "read usage",
            "SELECT requests, cached, llm_calls, tokens FROM guild_usage"
            " WHERE guild_id = ? AND day = ?",
            (guild_id, day),
        )
        if not rows:
            return GuildUsage(guild_id=guild_id, day=day)
        requests, cached, calls, tokens = rows[0]
        return GuildUsage(
            guild_id=guild_id,
            day=day,
            requests=requests,
            cached=cached,
            llm_calls=calls,
            tokens=tokens,
        )

    async def link_sources(
        self,
        key: str,
        *,
        guild_id: int | None,
        channel_ids: Sequence[int] = (),
        message_ids: Sequence[int] = (),
        author_ids: Sequence[int] = (),
    ) -> None:
        """See `Store.link_sources`. Repeated links are ignored (a unique index)."""
        rows: list[tuple[object, ...]] = [(key, guild_id, None, None)]
        rows += [(key, guild_id, channel, None) for channel in channel_ids]
        rows += [(key, guild_id, None, message) for message in message_ids]
        await self._insert_many(
            "link sources",
            "INSERT INTO result_sources (key, guild_id, channel_id, message_id)",
            rows,
            _IGNORE,
        )
        if guild_id is not None and author_ids:
            await self._insert_many(
                "link authors",
                "INSERT INTO result_authors (key, guild_id, user_id)",
                [(key, guild_id, user) for user in dict.fromkeys(author_ids)],
                _IGNORE,
            )

    async def forget_messages(self, message_ids: Sequence[int]) -> int:
        """See `Store.forget_messages`."""
        return await self._forget("message_id", None, message_ids)

    async def forget_channels(self, channel_ids: Sequence[int]) -> int:
        """See `Store.forget_channels`."""
        return await self._forget("channel_id", None, channel_ids)

    async def purge_guild(self, guild_id: int) -> int:
        """See `Store.purge_guild`."""
        return await self._forget("guild_id", None, [guild_id])

    async def forget_authors(self, guild_id: int, user_ids: Sequence[int]) -> int:
        """See `Store.forget_authors`."""
        return await self._forget("author", guild_id, user_ids)

    async def flush_forgets(self) -> bool:
        """Write the queued forgets, oldest first; True when none is left. Never raises."""
        async with self._pending_lock:
            if not self._pending:
                return True
            while self._pending:
                kind, guild_id, ids = self._pending[0]
                try:
                    await self._forget_now(kind, guild_id, ids)
                except self.errors as error:
                    log.warning("queued forget still cannot be written (%s); retrying later", error)
                    return False
                self._pending.pop(0)
                self._write_journal()
            log.info("every queued forget is written")
            return True

    async def _forget(self, kind: str, guild_id: int | None, ids: Sequence[int]) -> int:
        ids = list(dict.fromkeys(int(i) for i in ids))
        if not ids:
            return 0
        if self._pending and not await self.flush_forgets():
            self._queue(kind, guild_id, ids)
            return 0
        try:
            removed = await self._forget_now(kind, guild_id, ids)
        except self.errors as error:
            log.warning("forget by %s failed (%s); queued and retried until written", kind, error)
            self._queue(kind, guild_id, ids)
            return 0
        if removed:
            log.info("forgot %d cached result(s) by %s", removed, kind)
        return removed

    async def _forget_now(self, kind: str, guild_id: int | None, ids: list[int]) -> int:
        """Remove the results (and their links) keyed by `kind`; raises the database's errors.
        Idempotent, so that a retry after a partial failure finishes the job: the results go
        first, then the links that found them."""
        conn = self._conn
        if conn is None:
            raise ConnectionError("the store is closed")
        removed = 0
        for start in range(0, len(ids), _LINK_BATCH):
            batch = ids[start : start + _LINK_BATCH]
            marks = ", ".join("?" for _ in batch)
            if kind == "author":
                keys = f"SELECT key FROM result_authors WHERE guild_id = ? AND user_id IN ({marks})"
                params: list[object] = [guild_id, *batch]
            else:
                keys = f"SELECT key FROM result_sources WHERE {kind} IN ({marks})"
                params = list(batch)
            async with conn.execute(f"DELETE FROM results WHERE key IN ({keys})", params) as cur:
                removed += max(cur.rowcount, 0)
            for table in ("result_sources", "result_authors"):
                await conn.execute(
                    f"DELETE FROM {table} WHERE key NOT IN (SELECT key FROM results)"
                )
        return removed

    def _queue(self, kind: str, guild_id: int | None, ids: list[int]) -> None:
        self._pending.append((kind, guild_id, ids))
        self._write_journal()
        self._schedule_retry()

    def _schedule_retry(self) -> None:
        if self._retry_task is not None and not self._retry_task.done():
            return
        self._retry_attempt = 0
        self._retry_task = asyncio.get_running_loop().create_task(
            self._retry_forgets(), name="store-forget-retry"
        )

    async def _retry_forgets(self) -> None:
        while self._pending and self._conn is not None:
            step = min(self._retry_attempt, len(self._retry_delays) - 1)
            await asyncio.sleep(self._retry_delays[step])
            self._retry_attempt += 1
            if await self.flush_forgets():
                return

    def _read_journal(self) -> list[tuple[str, int | None, list[int]]]:
        path = self.journal_path
        if path is None or not path.exists():
            return []
        pending: list[tuple[str, int | None, list[int]]] = []
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeError) as error:
            log.error("cannot read the forget journal %s: %s", path, error)
            return []
        for line in lines:
            try:
                entry = json.loads(line)
                kind, guild_id, ids = entry["kind"], entry["guild_id"], entry["ids"]
                if kind not in _FORGET_KINDS:
                    raise ValueError(kind)
                pending.append((kind, guild_id, [int(i) for i in ids]))
            except (ValueError, KeyError, TypeError) as error:
                # A torn last line (the process died while writing it): skip it, keep the rest.
                log.warning("skipping a damaged forget journal line: %s", error)
        return pending

    def _write_journal(self) -> None:
        """Rewrite the journal with the queued forgets (removed when none is queued). Small:
        a forget is queued only while the database fails."""
        path = self.journal_path
        if path is None:
            return
        try:
            if not self._pending:
                path.unlink(missing_ok=True)
                return
            text = "".join(
                json.dumps({"kind": kind, "guild_id": guild_id, "ids": ids}) + "\n"
                for kind, guild_id, ids in self._pending
            )
            temporary = path.with_name(path.name + ".tmp")
            temporary.write_text(text, encoding="utf-8")
            temporary.replace(path)
        except OSError as error:
            # Still retried from memory while this process runs.
            log.error("cannot write the forget journal %s: %s", path, error)

    # --- members' opt-out (fails closed) ---

    async def set_opt_out(self, guild_id: int, user_id: int, *, opted_out: bool) -> bool:
        """See `Store.set_opt_out`. An opt-out also forgets the results holding their words."""
        if opted_out:
            sql = (
                f"INSERT INTO opt_outs (guild_id, user_id, opted_out_at) VALUES (?, ?, ?) {_IGNORE}"
            )
            params: tuple[object, ...] = (guild_id, user_id, self._now_text())
        else:
            sql = "DELETE FROM opt_outs WHERE guild_id = ? AND user_id = ?"
            params = (guild_id, user_id)
        changed = await self._write("save an opt-out", sql, params, guarded=True)
        if changed is None:
            raise StoreUnavailable(f"{self.location}: the opt-out could not be saved")
        if opted_out:
            await self.forget_authors(guild_id, [user_id])
        return changed > 0

    async def opted_out(self, guild_id: int) -> frozenset[int]:
        """See `Store.opted_out`."""
        rows = await self._guarded_read(
            "read opt-outs", "SELECT user_id FROM opt_outs WHERE guild_id = ?", (guild_id,)
        )
        return frozenset(int(row[0]) for row in rows)

    # --- posted answers ---

    async def record_post(self, post: PostedAnswer, sources: Sequence[SourceRef]) -> bool:
        """See `Store.record_post`."""
        saved = await self._write(
            "record a posted answer",
            "INSERT INTO posted_answers"
            " (message_id, channel_id, guild_id, key, again_url, posted_at, withdrawn_at)"
            " VALUES (?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (message_id) DO UPDATE SET"
            " channel_id = excluded.channel_id, guild_id = excluded.guild_id,"
            " key = excluded.key, again_url = excluded.again_url,"
            " posted_at = excluded.posted_at, withdraw_reason = NULL, withdrawn_at = NULL",
            (
                post.message_id,
                post.channel_id,
                post.guild_id,
                post.key,
                post.again_url,
                self._now_text(),
            ),
            guarded=True,
        )
        if saved is None:
            return False

        def rows_of() -> list[tuple[object, ...]]:
            return [(post.message_id, *source) for source in dict.fromkeys(sources)]

        # An answer from 2,000 messages has 2,000 sources: laid out off the event loop.
        rows = await asyncio.to_thread(rows_of) if len(sources) > _LINK_BATCH else rows_of()
        return await self._insert_many(
            "record a posted answer's sources",
            "INSERT INTO posted_sources"
            " (message_id, source_guild_id, source_channel_id, source_message_id)",
            rows,
        )

    async def posts_quoting(
        self,
        *,
        message_ids: Sequence[int] = (),
        channel_ids: Sequence[int] = (),
        guild_id: int | None = None,
    ) -> list[PostedAnswer]:
        """See `Store.posts_quoting`."""
        found: dict[int, PostedAnswer] = {}
        columns = [
            ("source_message_id", list(message_ids)),
            ("source_channel_id", list(channel_ids)),
            ("source_guild_id", [] if guild_id is None else [guild_id]),
        ]
        for column, ids in columns:
            for start in range(0, len(ids), _LINK_BATCH):
                batch = ids[start : start + _LINK_BATCH]
                marks = ", ".join("?" for _ in batch)
                rows = await self._guarded_read(
                    "find posted answers",
                    "SELECT message_id, channel_id, guild_id, key, again_url FROM posted_answers"
                    " WHERE withdrawn_at IS NULL AND message_id IN (SELECT message_id FROM"
                    f" posted_sources WHERE {column} IN ({marks}))",
                    batch,
                )
                for message_id, channel_id, guild, key, again_url in rows:
                    found[message_id] = PostedAnswer(
                        message_id=message_id,
                        channel_id=channel_id,
                        guild_id=guild,
                        key=key,
                        again_url=again_url,
                    )
        return list(found.values())

    async def mark_to_withdraw(self, message_ids: Sequence[int], reason: str) -> None:
        """See `Store.mark_to_withdraw`."""
        for start in range(0, len(message_ids), _LINK_BATCH):
            batch = list(message_ids[start : start + _LINK_BATCH])
            marks = ", ".join("?" for _ in batch)
            await self._write(
                "mark answers to withdraw",
                "UPDATE posted_answers SET withdraw_reason = ?"
                f" WHERE withdrawn_at IS NULL AND message_id IN ({marks})",
                [reason, *batch],
                guarded=True,
            )

    async def pending_withdrawals(self) -> list[tuple[PostedAnswer, str]]:
        """See `Store.pending_withdrawals`."""
        rows = await self._guarded_read(
            "find answers to withdraw",
            "SELECT message_id, channel_id, guild_id, key, again_url, withdraw_reason"
            " FROM posted_answers WHERE withdraw_reason IS NOT NULL AND withdrawn_at IS NULL",
            (),
        )
        return [
            (
                PostedAnswer(
                    message_id=message_id,
                    channel_id=channel_id,
                    guild_id=guild,
                    key=key,
                    again_url=again_url,
                ),
                reason,
            )
            for message_id, channel_id, guild, key, again_url, reason in rows
        ]

    async def mark_withdrawn(self, message_ids: Sequence[int]) -> None:
        """See `Store.mark_withdrawn`. Their source links go: nothing left there to withdraw."""
        for start in range(0, len(message_ids), _LINK_BATCH):
            batch = list(message_ids[start : start + _LINK_BATCH])
            marks = ", ".join("?" for _ in batch)
            await self._write(
                "mark answers withdrawn",
                f"UPDATE posted_answers SET withdrawn_at = ? WHERE message_id IN ({marks})",
                [self._now_text(), *batch],
                guarded=True,
            )
            await self._write(
                "mark answers withdrawn",
                f"DELETE FROM posted_sources WHERE message_id IN ({marks})",
                batch,
                guarded=True,
            )

    async def drop_posts(
        self,
        *,
        message_ids: Sequence[int] = (),
        channel_ids: Sequence[int] = (),
        guild_id: int | None = None,
    ) -> int:
        """See `Store.drop_posts`."""
        dropped = 0
        columns = [
            ("message_id", list(message_ids)),
            ("channel_id", list(channel_ids)),
            ("guild_id", [] if guild_id is None else [guild_id]),
        ]
        for column, ids in columns:
            for start in range(0, len(ids), _LINK_BATCH):
                batch = ids[start : start + _LINK_BATCH]
                marks = ", ".join("?" for _ in batch)
                answers = f"SELECT message_id FROM posted_answers WHERE {column} IN ({marks})"
                await self._write(
                    "drop posted answers",
                    f"DELETE FROM posted_sources WHERE message_id IN ({answers})",
                    batch,
                    guarded=True,
                )
                dropped += (
                    await self._write(
                        "drop posted answers",
                        f"DELETE FROM posted_answers WHERE {column} IN ({marks})",
                        batch,
                        guarded=True,
                    )
                    or 0
                )
        return dropped

    async def close(self) -> None:
        """Close the connection (and its worker thread). Idempotent; never raises. Forgets
        still queued stay in the journal for the next start."""
        task, self._retry_task = self._retry_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        conn, self._conn = self._conn, None
        if conn is not None:
            await _close_quietly(conn)

    # --- helpers ---

    def _stats_query(self, now: str) -> tuple[str, Sequence[object] | dict[str, object]]:
        return _STATS, {"now": now, "iso": _ISO_GLOB}

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection inside one write transaction: committed on exit, rolled back when
        the body raises. Raises the database's errors."""
        conn = self._conn
        if conn is None:
            raise ConnectionError("the store is closed")
        await conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            with contextlib.suppress(*self.errors):
                await conn.execute("ROLLBACK")
            raise
        await conn.execute("COMMIT")

    def _usable(self) -> aiosqlite.Connection | None:
        """The connection for cache calls: None while the cache is switched off."""
        if self._disabled and time.monotonic() < self._retry_at:
            return None
        return self._conn

    def _now(self) -> datetime:
        moment = self._clock()
        if moment.tzinfo is None:
            raise ValueError("the store's clock returned a naive datetime")
        return moment.astimezone(UTC)

    def _now_text(self) -> str:
        return to_text(self._now())

    async def _insert_many(
        self, action: str, insert: str, rows: Sequence[tuple[object, ...]], suffix: str = ""
    ) -> bool:
        """`insert` (up to VALUES) for every row, in batches, then `suffix` (an ON CONFLICT
        clause); False if a batch failed."""
        ok = True
        if len(rows) > _LINK_BATCH:
            # Thousands of rows (a 2,000-message answer's sources) are milliseconds of CPU to
            # lay out: in a worker thread, not on the event loop.
            batches = await asyncio.to_thread(_batches, insert, rows, suffix)
        else:
            batches = _batches(insert, rows, suffix)
        for sql, params in batches:
            done = await self._write(action, sql, params, guarded=True)
            ok = ok and done is not None
        return ok

    async def _write(
        self, action: str, sql: str, params: Sequence[object], *, guarded: bool = False
    ) -> int | None:
        """Run one autocommit statement; its row count, or None after a (logged) failure.
        A `guarded` write is tried even while the cache is switched off, and its failure does
        not switch the cache off (its caller fails closed instead)."""
        conn = self._conn if guarded else self._usable()
        if conn is None:
            return None
        try:
            async with conn.execute(sql, params) as cursor:
                count = cursor.rowcount
        except self.errors + (UnicodeError,) as error:
            if guarded:
                # Not the cache's failure: its caller fails closed; the cache goes on.
                log.warning("store %s failed: %s", action, error)
            else:
                self._failed(action, error)
            return None
        if not guarded:
            self._ok()
        return count

    async def _guarded_read(
        self, action: str, sql: str, params: Sequence[object]
    ) -> list[sqlite3.Row]:
        """A read that something depends on: its rows, or `StoreUnavailable`."""
        conn = self._conn
        if conn is None:
            raise StoreUnavailable(f"{self.location}: the store is closed")
        try:
            rows = list(await conn.execute_fetchall(sql, params))
        except self.errors as error:
            # Raised to a caller that refuses; the cache (other tables) is not switched off.
            log.warning("store %s failed: %s", action, error)
            raise StoreUnavailable(f"{self.location}: {action} failed: {error}") from error
        return rows

    def _ok(self) -> None:
        if self._disabled:
            log.warning("cache available again (%s)", self.location)
        self._disabled = False
        self._failures = 0

    def _is_transient(self, error: BaseException) -> bool:
        return _is_transient(error)

    def _is_bad_row(self, error: BaseException) -> bool:
        return _is_bad_row(error)

    def _failed(self, action: str, error: Exception) -> None:
        if self._is_transient(error):
            log.warning("cache %s failed (%s); continuing without it", action, error)
            return
        step = min(self._failures, len(self._retry_delays) - 1)
        self._failures += 1
        self._retry_at = time.monotonic() + self._retry_delays[step] * 30
        if self._disabled:
            log.info("cache %s failed again (%s)", action, error)
            return
        self._disabled = True
        reason = f"{self.location}: {action} failed: {error}"
        log.warning("cache unavailable (%s); continuing without cache", reason)


async def _journal_wal(conn: aiosqlite.Connection, timeout_s: float) -> list[sqlite3.Row]:
    """`PRAGMA journal_mode = WAL`, retried while another connection holds the new file: the
    switch needs a moment of exclusive access, and a second connection opening the file at that
    moment gets "database is locked" without SQLite's busy handler being asked. Within the
    store's busy timeout, like any other call: a file locked for longer is a failure."""
    delay = 0.01
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return list(await conn.execute_fetchall("PRAGMA journal_mode = WAL"))
        except sqlite3.OperationalError as error:
            if not _is_transient(error) or time.monotonic() > deadline:
                raise
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.5)


def _probe(location: str) -> None:
    # When the connect itself fails, aiosqlite stops its worker thread without waiting for it,
    # and the thread may then call into a closed event loop (omnilib/aiosqlite#241, #389). An
    # unopenable path (a folder, no permission) is found here instead, before any such thread.
    sqlite3.connect(location).close()


async def _close_quietly(conn: aiosqlite.Connection) -> None:
    try:
        await conn.close()
    except DATABASE_ERRORS + (ValueError,) as error:  # aiosqlite: ValueError when already closed
        log.debug("closing the cache connection failed: %s", error)

"""The SQLite result store, on aiosqlite.

One connection per store, in WAL mode so that readers never wait for a writer (the bot and a
CLI run can share one file), `synchronous=NORMAL` (a power cut may lose the last write, which a
cache can afford), a busy timeout so that a busy database makes a call fail in bounded time
rather than hang, and foreign keys on.

Every statement outside migrations is a single autocommit statement: it is atomic by itself, so
tasks sharing a store need no lock, and SQLite's busy handler retries it when another process
holds the write lock.

Failure policy (see `bot.store.base`): a database error during a call is logged and answered as
a miss / not saved. "Database is locked" or "busy" is transient and only fails that call; any
other error (corrupt file, disk I/O, read-only, table gone) switches the store to no-cache for
the rest of the run, with one warning.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import aiosqlite
from pydantic import ValidationError

from bot.store.base import CacheStats, GuildUsage
from bot.store.digests import DigestTables
from bot.summarize.schema import DigestResult

log = logging.getLogger(__name__)

MEMORY = ":memory:"
BUSY_TIMEOUT_MS = 2000
# Rows per INSERT of source links (4 parameters each; SQLite allows 32,766 parameters).
_LINK_BATCH = 500
# What a failing database raises through aiosqlite (it re-exports sqlite3's classes) or the OS.
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, OSError)

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
    return None if text is None else datetime.fromisoformat(text)


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


def load_migrations() -> list[Migration]:
    """Every shipped migration, in order. RuntimeError if a file is misnamed or the numbers are
    not 1, 2, 3, … without gaps (a packaging or editing mistake, not a database problem)."""
    found: list[Migration] = []
    for entry in resources.files("bot.store.migrations").iterdir():
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

_PUT = """
INSERT OR REPLACE INTO results (
    key, engine, model, prompt_version, result_json, created_at, expires_at, hits, last_hit_at,
    prompt_tokens, completion_tokens, cost_usd, elapsed_ms, reading_minutes_saved, size_bytes
) VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, ?, ?, ?, ?)
"""

_STATS = """
SELECT
    COUNT(*),
    COALESCE(SUM(expires_at IS NOT NULL AND expires_at <= :now), 0),
    COALESCE(SUM(hits), 0),
    COALESCE(SUM(size_bytes), 0),
    MIN(created_at),
    MAX(created_at),
    COALESCE(SUM(hits * elapsed_ms), 0) / 1000.0,
    COALESCE(SUM(hits * reading_minutes_saved), 0)
FROM results
"""


class SQLiteStore(DigestTables):
    """A `Store` on one SQLite file (or `":memory:"`).

    Call `await store.open()` before use (it connects, sets the pragmas and migrates, raising
    `sqlite3.Error` or `OSError` when the file cannot be used; `open_store` turns that into a
    `NullStore`). After that, no method raises for a database problem. `clock` returns the
    current timezone-aware time; tests pass their own to move time without sleeping.
    """

    backend = "sqlite"

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Clock = utcnow,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    ) -> None:
        self.path = path if path == MEMORY else Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._clock = clock
        self._conn: aiosqlite.Connection | None = None
        self._disabled = False

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def disabled(self) -> bool:
        """True once a failure switched this store to no-cache for the rest of the run."""
        return self._disabled

    async def open(self) -> SQLiteStore:
        """Connect, configure and migrate; returns self. Raises on an unusable database."""
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
            rows = await conn.execute_fetchall("PRAGMA journal_mode = WAL")
            mode = str(rows[0][0]) if rows else "?"
            if mode not in ("wal", "memory"):
                log.info("cache journal mode is %s, not wal (%s)", mode, self.location)
            await conn.execute("PRAGMA synchronous = NORMAL")
            await migrate(conn, clock=self._clock)
        except BaseException:
            await _close_quietly(conn)
            raise
        self._conn = conn
        return self

    async def get(self, key: str) -> DigestResult | None:
        """See `Store.get`. Expired rows are not served (they stay until purged); a row that
        no longer validates is deleted and counted as a miss."""
        conn = self._usable()
        if conn is None:
            return None
        now = self._now_text()
        try:
            rows = await conn.execute_fetchall(_GET, (key, now))
        except DATABASE_ERRORS as error:
            self._failed("read", error)
            return None
        if not rows:
            return None
        try:
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
        await self._write(
            "record a hit",
            "UPDATE results SET hits = hits + 1, last_hit_at = ? WHERE key = ?",
            (now, key),
        )
        return result.model_copy(update={"cached": True})

    async def put(self, key: str, result: DigestResult, *, ttl_seconds: float | None) -> bool:
        """See `Store.put`. Saved with `cached=False`; replaces any entry under `key` (and so
        resets its hit count). ValueError for a negative or NaN ttl (a caller bug)."""
        now = self._now()
        expires_at = _expiry(now, ttl_seconds)
        if self._usable() is None:
            return False
        payload = result.model_copy(update={"cached": False}).model_dump_json()
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
                len(payload.encode("utf-8")),
            ),
        )
        return changed is not None

    async def stats(self) -> CacheStats:
        """See `Store.stats` and `CacheStats`."""
        conn = self._usable()
        if conn is None:
            return CacheStats(backend="none", location=self.location)
        try:
            rows = await conn.execute_fetchall(_STATS, {"now": self._now_text()})
        except DATABASE_ERRORS as error:
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
        """See `Store.purge`."""
        if expired_only:
            sql = "DELETE FROM results WHERE expires_at IS NOT NULL AND expires_at <= ?"
            removed = await self._write("purge", sql, (self._now_text(),))
        else:
            removed = await self._write("purge", "DELETE FROM results", ())
        return removed or 0

    # --- the Discord bot's bookkeeping (see `Store`) ---

    async def record_usage(
        self, guild_id: int, day: str, *, tokens: int, llm_calls: int, cached: bool
    ) -> None:
        """See `Store.record_usage`: one upsert, atomic by itself."""
        await self._write(
            "record usage",
            """
            INSERT INTO guild_usage (guild_id, day, requests, cached, llm_calls, tokens)
            VALUES (?, ?, 1, ?, ?, ?)
            ON CONFLICT (guild_id, day) DO UPDATE SET
                requests = requests + 1,
                cached = cached + excluded.cached,
                llm_calls = llm_calls + excluded.llm_calls,
                tokens = tokens + excluded.tokens
            """,
            (guild_id, day, int(cached), llm_calls, tokens),
        )

    async def guild_usage(self, guild_id: int, day: str) -> GuildUsage:
        """See `Store.guild_usage`."""
        conn = self._usable()
        empty = GuildUsage(guild_id=guild_id, day=day)
        if conn is None:
            return empty
        try:
            rows = await conn.execute_fetchall(
                "SELECT requests, cached, llm_calls, tokens FROM guild_usage"
                " WHERE guild_id = ? AND day = ?",
                (guild_id, day),
            )
        except DATABASE_ERRORS as error:
            self._failed("read usage", error)
            return empty
        if not rows:
            return empty
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
    ) -> None:
        """See `Store.link_sources`. Repeated links are ignored (a unique index)."""
        rows: list[tuple[object, ...]] = [(key, guild_id, None, None)]
        rows += [(key, guild_id, channel, None) for channel in channel_ids]
        rows += [(key, guild_id, None, message) for message in message_ids]
        for start in range(0, len(rows), _LINK_BATCH):
            batch = rows[start : start + _LINK_BATCH]
            values = ", ".join("(?, ?, ?, ?)" for _ in batch)
            params = [value for row in batch for value in row]
            await self._write(
                "link sources",
                "INSERT OR IGNORE INTO result_sources (key, guild_id, channel_id, message_id)"
                f" VALUES {values}",
                params,
            )

    async def forget_messages(self, message_ids: Sequence[int]) -> int:
        """See `Store.forget_messages`."""
        return await self._forget("message_id", message_ids)

    async def forget_channels(self, channel_ids: Sequence[int]) -> int:
        """See `Store.forget_channels`."""
        return await self._forget("channel_id", channel_ids)

    async def purge_guild(self, guild_id: int) -> int:
        """See `Store.purge_guild`."""
        return await self._forget("guild_id", [guild_id])

    async def _forget(self, column: str, ids: Sequence[int]) -> int:
        # The results go first: if the second statement fails, the leftover links point at
        # nothing, which is harmless; the other order could leave a result with no links.
        removed = 0
        ids = list(dict.fromkeys(ids))
        for start in range(0, len(ids), _LINK_BATCH):
            batch = ids[start : start + _LINK_BATCH]
            marks = ", ".join("?" for _ in batch)
            keys = f"SELECT key FROM result_sources WHERE {column} IN ({marks})"
            removed += (
                await self._write("forget", f"DELETE FROM results WHERE key IN ({keys})", batch)
                or 0
            )
            await self._write(
                "forget links", f"DELETE FROM result_sources WHERE key IN ({keys})", batch
            )
        if removed:
            log.info("forgot %d cached result(s) by %s", removed, column)
        return removed

    async def close(self) -> None:
        """Close the connection (and its worker thread). Idempotent; never raises."""
        conn, self._conn = self._conn, None
        if conn is not None:
            await _close_quietly(conn)

    # --- helpers ---

    def _usable(self) -> aiosqlite.Connection | None:
        return None if self._disabled else self._conn

    def _now(self) -> datetime:
        moment = self._clock()
        if moment.tzinfo is None:
            raise ValueError("the store's clock returned a naive datetime")
        return moment.astimezone(UTC)

    def _now_text(self) -> str:
        return to_text(self._now())

    async def _write(self, action: str, sql: str, params: Sequence[object]) -> int | None:
        """Run one autocommit statement; its row count, or None after a (logged) failure."""
        conn = self._usable()
        if conn is None:
            return None
        try:
            async with conn.execute(sql, params) as cursor:
                return cursor.rowcount
        except DATABASE_ERRORS as error:
            self._failed(action, error)
            return None

    def _failed(self, action: str, error: Exception) -> None:
        if _is_transient(error):
            log.warning("cache %s failed (%s); continuing without it", action, error)
            return
        self._disabled = True
        reason = f"{self.location}: {action} failed: {error}"
        log.warning("cache unavailable (%s); continuing without cache", reason)


def _probe(location: str) -> None:
    # When the connect itself fails, aiosqlite stops its worker thread without waiting for it,
    # and the thread may then call into a closed event loop (omnilib/aiosqlite#241, #389). An
    # unopenable path (a folder, no permission) is found here instead, before any such thread.
    sqlite3.connect(location).close()


async def _close_quietly(conn: aiosqlite.Connection) -> None:
    try:
        await conn.close()
    except (*DATABASE_ERRORS, ValueError) as error:  # aiosqlite: ValueError when already closed
        log.debug("closing the cache connection failed: %s", error)

"""The PostgreSQL result store, on asyncpg: several bot processes share one database.

`PostgresStore` is `SQLiteStore` on another connection: the store's SQL is portable (upserts,
`ON CONFLICT DO NOTHING`, times as fixed-width ISO text), and `_PgConnection` gives an asyncpg
pool the two calls the store makes (`execute`, `execute_fetchall`), numbering `?` placeholders
as `$1, $2, …`. So the failure policy is the same: cache calls fail open (a miss, not saved),
guarded reads raise `StoreUnavailable`, digest bookkeeping raises `DigestStoreError`; a forget
that cannot be written is queued and retried (in memory: there is no file to journal beside).

What differs, because other processes share the database:

- Migrations run on purpose (`debate-digest db upgrade`), never on open: `upgrade` applies each
  numbered file of `bot/store/migrations/postgres/` in one transaction under
  `pg_advisory_xact_lock`, so two processes upgrading at once apply each file once. `open`
  refuses a schema older than this program needs (`SchemaOutdated`, naming the command).
- `claim(key)`: one engine run per cache key across processes. The claimant holds a session
  advisory lock on the key (released by PostgreSQL if its process dies); the others poll
  `pg_try_advisory_lock` and read the store between tries, so they take the stored result.
- `spend_tokens` (shared with SQLite) charges a budget in one `INSERT … ON CONFLICT … WHERE …
  RETURNING`: two processes never overspend it. Digest periods are claimed by the mixin's
  one-statement insert.

asyncpg is imported only here, and this module only for a `postgresql://` URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.errors import ConfigError
from bot.store.sqlite import (
    RETRY_DELAYS_S,
    Clock,
    Migration,
    SQLiteStore,
    load_migrations,
    to_text,
    utcnow,
)

log = logging.getLogger(__name__)

MIGRATIONS_PACKAGE = "bot.store.migrations.postgres"
# The key of the advisory lock that serializes migrations (any constant shared by all versions).
MIGRATION_LOCK = 0x44_44_6D_69_67  # "DDmig"
# Seconds to connect, to wait for a pooled connection, and for one statement.
CONNECT_TIMEOUT_S = 5.0
ACQUIRE_TIMEOUT_S = 5.0
COMMAND_TIMEOUT_S = 30.0
POOL_MAX = 10
# Connections that hold cache-key claims, apart from the store's pool: a claim is held for a
# whole engine run, and runs must not starve the store's other calls of connections. When all
# are busy, a request runs without a claim (at worst a second run, never a stall).
CLAIM_POOL_MAX = 20
# Polling of a cache key claimed by another process: first and longest pause, in seconds.
CLAIM_POLL_S = (0.02, 0.25)

# What a failing PostgreSQL raises through asyncpg, the network, or a timeout.
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    OSError,
    TimeoutError,
)
# Errors that fail one call and say nothing about the database as a whole.
_TRANSIENT = (
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.LockNotAvailableError,
    asyncpg.exceptions.QueryCanceledError,
    asyncpg.exceptions.TooManyConnectionsError,
    TimeoutError,
)

_MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT COLLATE "C" NOT NULL
)
"""

_PLACEHOLDER = re.compile(r"\?")
_STATUS_COUNT = re.compile(r"(\d+)\s*$")


class SchemaOutdated(ConfigError):
    """The PostgreSQL schema is older than this program needs: run `debate-digest db upgrade`."""


def redact(url: str) -> str:
    """The URL without its password (for logs and `cache stats`)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + host))


def migrations() -> list[Migration]:
    """The shipped PostgreSQL migrations, in order."""
    return load_migrations(MIGRATIONS_PACKAGE)


def latest_version() -> int:
    return max((m.version for m in migrations()), default=0)


@functools.lru_cache(maxsize=256)
def _numbered(sql: str) -> str:
    """`?` placeholders as asyncpg's `$1, $2, …` (the store's SQL has no `?` in literals).
    Cached: the store sends the same statements again and again, multi-row inserts of
    thousands of placeholders among them (numbering those took milliseconds on the loop)."""
    count = 0

    def number(_match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(number, sql)


def _row_count(status: str) -> int:
    """The row count in a command status ("INSERT 0 3", "UPDATE 2", "DELETE 0")."""
    match = _STATUS_COUNT.search(status or "")
    return int(match[1]) if match else 0


async def connect(url: str, **options: Any) -> asyncpg.Connection:
    """One connection (for migrations and tests). Raises `DATABASE_ERRORS`."""
    return await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_S, **options)


# --- migrations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemaState:
    """What `db current` shows: the versions applied and the newest this program ships."""

    current: int
    latest: int
    applied: tuple[int, ...]

    @property
    def behind(self) -> bool:
        return self.current < self.latest


async def schema_state(conn: asyncpg.Connection) -> SchemaState:
    """The applied migrations (none when `schema_migrations` does not exist yet)."""
    exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    applied: tuple[int, ...] = ()
    if exists:
        rows = await conn.fetch("SELECT version FROM schema_migrations ORDER BY version")
        applied = tuple(int(row[0]) for row in rows)
    return SchemaState(current=max(applied, default=0), latest=latest_version(), applied=applied)


async def upgrade(
    conn: asyncpg.Connection,
    *,
    clock: Clock = utcnow,
    to: Sequence[Migration] | None = None,
) -> list[int]:
    """Apply the pending migrations (default: all shipped), each in one transaction together
    with its row in `schema_migrations`, under an advisory transaction lock so that processes
    upgrading at once wait for each other and apply each migration once. Returns the versions
    applied now (empty: already up to date, a no-op). Raises the database's errors; a failed
    migration leaves nothing of itself behind."""
    pending = list(migrations() if to is None else to)
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await conn.execute(_MIGRATIONS_TABLE)
    done: list[int] = []
    for migration in pending:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            applied = await conn.fetchval(
                "SELECT count(*) FROM schema_migrations WHERE version = $1", migration.version
            )
            if applied:
                continue
            await conn.execute(migration.sql)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                migration.version,
                migration.name,
                to_text(clock()),
            )
        log.info("applied PostgreSQL migration %04d_%s", migration.version, migration.name)
        done.append(migration.version)
    return done


# --- the connection the store uses -----------------------------------------------------------


class _Result:
    """What `execute` returns: awaitable, and an async context manager (as aiosqlite's cursor
    is), with the statement's `rowcount`."""

    def __init__(self, run: Any) -> None:
        self._run = run
        self.rowcount = -1

    async def _go(self) -> _Result:
        self.rowcount = _row_count(await self._run())
        return self

    def __await__(self) -> Any:
        return self._go().__await__()

    async def __aenter__(self) -> _Result:
        return await self._go()

    async def __aexit__(self, *exc: object) -> None:
        return None


class _PgConnection:
    """The calls `SQLiteStore` makes on its connection, on an asyncpg pool (or on one pooled
    connection inside a transaction)."""

    def __init__(self, pool: asyncpg.Pool, conn: asyncpg.Connection | None = None) -> None:
        self.pool = pool
        self._conn = conn

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncpg.Connection]:
        if self._conn is not None:
            yield self._conn
            return
        async with self.pool.acquire(timeout=ACQUIRE_TIMEOUT_S) as conn:
            yield conn

    def execute(self, sql: str, params: Sequence[object] = ()) -> _Result:
        async def run() -> str:
            async with self._connection() as conn:
                return str(await conn.execute(_numbered(sql), *params))

        return _Result(run)

    async def execute_fetchall(
        self, sql: str, params: Sequence[object] = ()
    ) -> list[asyncpg.Record]:
        async with self._connection() as conn:
            return list(await conn.fetch(_numbered(sql), *params))

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[_PgConnection]:
        async with self.pool.acquire(timeout=ACQUIRE_TIMEOUT_S) as conn, conn.transaction():
            yield _PgConnection(self.pool, conn)

    async def close(self) -> None:
        await self.pool.close()


_STATS = """
SELECT
    COUNT(*),
    COUNT(*) FILTER (WHERE expires_at IS NOT NULL AND expires_at <= ?),
    COALESCE(SUM(hits), 0)::BIGINT,
    COALESCE(SUM(size_bytes), 0)::BIGINT,
    MIN(created_at) FILTER (WHERE created_at ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T'),
    MAX(created_at) FILTER (WHERE created_at ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T'),
    COALESCE(SUM(hits * elapsed_ms), 0) / 1000.0,
    COALESCE(SUM(hits * reading_minutes_saved), 0)
FROM results
"""


class PostgresStore(SQLiteStore):
    """A `Store` on a PostgreSQL database, shared by any number of processes.

    `await store.open()` connects a pool and checks the schema: `SchemaOutdated` when it is
    older than this program (run `debate-digest db upgrade`), the database's errors when it
    cannot be reached (`open_store` turns those into a `NullStore`). A URL's query parameters
    other than asyncpg's own are server settings (`?search_path=tenant` selects a schema).
    """

    backend = "postgresql"
    errors = DATABASE_ERRORS

    def __init__(
        self,
        url: str,
        *,
        clock: Clock = utcnow,
        retry_delays_s: Sequence[float] = RETRY_DELAYS_S,
        pool_max: int = POOL_MAX,
    ) -> None:
        super().__init__(":memory:", clock=clock, retry_delays_s=retry_delays_s)
        self.url = url
        self.pool_max = pool_max
        self._conn: _PgConnection | None = None  # type: ignore[assignment]
        self._claims: asyncpg.Pool | None = None

    @property
    def location(self) -> str:
        return redact(self.url)

    @property
    def journal_path(self) -> None:
        """No journal file: queued forgets are retried from memory while the process runs."""
        return None

    async def open(self) -> PostgresStore:
        """Connect and check the schema version; returns self. See the class docstring."""
        if self._conn is not None:
            return self
        pool = await asyncpg.create_pool(
            self.url,
            min_size=1,
            max_size=self.pool_max,
            timeout=CONNECT_TIMEOUT_S,
            command_timeout=COMMAND_TIMEOUT_S,
        )
        try:
            async with pool.acquire(timeout=ACQUIRE_TIMEOUT_S) as conn:
                state = await schema_state(conn)
        except BaseException:
            await pool.close()
            raise
        if state.behind:
            await pool.close()
            raise SchemaOutdated(
                f"the PostgreSQL schema of {self.location} is at version {state.current}, "
                f"this program needs {state.latest}: run `debate-digest db upgrade`"
            )
        if state.current > state.latest:
            log.warning(
                "PostgreSQL schema version %d is newer than this program's %d; using it anyway",
                state.current,
                state.latest,
            )
        self._conn = _PgConnection(pool)
        # min_size 0: no connection until the first claim (a CLI hit opens none).
        self._claims = await asyncpg.create_pool(
            self.url,
            min_size=0,
            max_size=CLAIM_POOL_MAX,
            timeout=CONNECT_TIMEOUT_S,
            command_timeout=COMMAND_TIMEOUT_S,
        )
        return self

    async def close(self) -> None:
        """Close the pool. Idempotent; never raises. Queued forgets are lost with the process
        (logged): a PostgreSQL store has no journal file."""
        if self._pending:
            log.error("%d queued forget(s) not written before closing", len(self._pending))
        task, self._retry_task = self._retry_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        conn, self._conn = self._conn, None
        claims, self._claims = self._claims, None
        pools = [conn.pool] if conn is not None else []
        if claims is not None:
            pools.append(claims)
        for pool in pools:
            try:
                await asyncio.wait_for(pool.close(), CONNECT_TIMEOUT_S)
            except DATABASE_ERRORS as error:
                log.debug("closing a PostgreSQL pool failed: %s", error)
                pool.terminate()

    # --- across processes ---

    @contextlib.asynccontextmanager
    async def claim(self, key: str) -> AsyncIterator[None]:
        """Hold the cache key `key` across processes while its result is computed: returns
        when no other process holds it (the caller then reads the store before running). A
        database that cannot be asked gives no claim rather than no answer (the cache fails
        open: at worst a second run)."""
        claims = self._claims
        if self._usable() is None or claims is None:
            yield
            return
        held: asyncpg.Connection | None = None
        pause, longest = CLAIM_POLL_S
        try:
            while held is None:
                candidate = await claims.acquire(timeout=ACQUIRE_TIMEOUT_S)
                try:
                    got = await candidate.fetchval(
                        "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", key
                    )
                except BaseException:
                    await claims.release(candidate)
                    raise
                if got:
                    held = candidate
                    break
                # Another process runs it: wait without holding a connection.
                await claims.release(candidate)
                if await self._stored(key):
                    break
                await asyncio.sleep(pause)
                pause = min(pause * 2, longest)
        except DATABASE_ERRORS as error:
            log.warning("cache claim of %s failed (%s); running without it", key, error)
        try:
            yield
        finally:
            if held is not None:
                try:
                    await held.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", key)
                except DATABASE_ERRORS as error:
                    # The session's lock is dropped with it: terminate rather than reuse.
                    log.warning("releasing the cache claim of %s failed: %s", key, error)
                    held.terminate()
                with contextlib.suppress(*DATABASE_ERRORS):
                    await claims.release(held)

    async def _stored(self, key: str) -> bool:
        """True when a live result is stored under `key` (no hit is counted)."""
        conn = self._usable()
        if conn is None:
            return False
        try:
            rows = await conn.execute_fetchall(
                "SELECT 1 FROM results WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)",
                (key, self._now_text()),
            )
        except DATABASE_ERRORS:
            return False
        return bool(rows)

    # --- backend hooks of SQLiteStore ---

    def _stats_query(self, now: str) -> tuple[str, Sequence[object]]:
        return _STATS, (now,)

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[_PgConnection]:  # type: ignore[override]
        conn = self._conn
        if conn is None:
            raise ConnectionError("the store is closed")
        async with conn.transaction() as inside:
            yield inside

    async def _record_hit(self, key: str, now: str) -> None:
        """Count a hit without waiting for the server to flush it to disk (asynchronous
        commit): a counter a crash may lose, which a hit must not pay a WAL flush for."""
        conn: _PgConnection | None = self._usable()  # type: ignore[assignment]
        if conn is None:
            return
        try:
            async with conn.transaction() as inside:
                await inside.execute("SET LOCAL synchronous_commit = off")
                await inside.execute(
                    "UPDATE results SET hits = hits + 1, last_hit_at = ? WHERE key = ?",
                    (now, key),
                )
        except DATABASE_ERRORS as error:
            self._failed("record a hit", error)

    def _is_transient(self, error: BaseException) -> bool:
        return isinstance(error, _TRANSIENT)

    def _is_bad_row(self, error: BaseException) -> bool:
        return False  # PostgreSQL checks text on the way in

    def _failed(self, action: str, error: Exception) -> None:
        super()._failed(action, error)
        # `SQLiteStore` waits 30 times the retry delay; a PostgreSQL server that restarts is
        # back in seconds, and the pool reconnects by itself.
        if self._disabled and not self._is_transient(error):
            step = min(self._failures - 1, len(self._retry_delays) - 1)
            self._retry_at = time.monotonic() + self._retry_delays[step]

"""Digest bookkeeping in SQLite: schedules, period claims, posted messages, thread marks.

Unlike the cache, this part fails closed: a digest that cannot claim its period, or record what
it posted, must not post (it would post twice after a restart). So every method here raises
`DigestStoreError` when the database cannot answer, and the scheduler skips the run and says so.

Exactly once: `claim_period` inserts the (digest, period) row in one statement; only the caller
whose insert succeeded (or who takes over a claim whose lease ran out, in one conditional
UPDATE) may post. `record_digest_post` stores each message id as soon as it is sent, and
`finish_period` marks the period done and moves the digest's `last_end` in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.digest.config import DigestConfig
from bot.digest.schedule import Period
from bot.store.base import StoreUnavailable

if TYPE_CHECKING:
    import aiosqlite

# A run that has not finished this long after its claim (or last post) is taken to be dead.
LEASE = timedelta(minutes=15)
RunState = Literal["claimed", "done", "skipped"]


class DigestStoreError(StoreUnavailable):
    """The digest tables could not be read or written: the run must not post."""


class DigestRow(BaseModel):
    """A stored digest: its settings plus the scheduler's bookkeeping."""

    model_config = ConfigDict(frozen=True)

    id: int
    config: DigestConfig
    enabled: bool
    created_at: datetime
    created_by: int | None = None
    next_run: datetime | None = None
    last_end: datetime | None = None
    last_outcome: str | None = None


class Claim(BaseModel):
    """A period this process may post: `resumed` when it takes over a dead run's claim, and
    `posts` are the messages already recorded for it (continue after them)."""

    model_config = ConfigDict(frozen=True)

    digest_id: int
    period: Period
    resumed: bool = False
    posts: tuple[PostRecord, ...] = ()


class PostRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    seq: int
    channel_id: int
    message_id: int
    nonce: str
    source_id: int | None = None


Claim.model_rebuild()


class DigestTables:
    """Mixed into `SQLiteStore` (it provides `_conn`, `_now`, `to_text`/`from_text`)."""

    _conn: aiosqlite.Connection | None
    errors: tuple[type[Exception], ...]

    def _transaction(self) -> AbstractAsyncContextManager[aiosqlite.Connection]:  # pragma: no cover
        raise NotImplementedError

    def _now(self) -> datetime:  # pragma: no cover - provided by the store
        raise NotImplementedError

    def _digest_conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise DigestStoreError("the store is not open")
        return self._conn

    async def _rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        try:
            return [tuple(row) for row in await self._digest_conn().execute_fetchall(sql, params)]
        except self.errors as error:
            raise DigestStoreError(f"digest store read failed: {error}") from error

    async def _exec(self, sql: str, params: Sequence[object] = ()) -> int:
        try:
            async with self._digest_conn().execute(sql, params) as cursor:
                return cursor.rowcount
        except self.errors as error:
            raise DigestStoreError(f"digest store write failed: {error}") from error

    # --- schedules ---

    async def save_digest(
        self, config: DigestConfig, *, created_by: int | None, next_run: datetime
    ) -> int:
        """Create the digest, or replace the settings of the one with the same guild and name
        (its run history stays). Returns its id."""
        from bot.store.sqlite import to_text

        now = to_text(self._now())
        await self._exec(
            """
            INSERT INTO digests (guild_id, name, config, enabled, created_at, created_by, next_run)
            VALUES (?, ?, ?, 1, ?, ?, ?)
            ON CONFLICT (guild_id, name) DO UPDATE SET
                config = excluded.config, enabled = 1, next_run = excluded.next_run
            """,
            (
                config.guild_id,
                config.name,
                config.model_dump_json(),
                now,
                created_by,
                to_text(next_run),
            ),
        )
        rows = await self._rows(
            "SELECT id FROM digests WHERE guild_id = ? AND name = ?", (config.guild_id, config.name)
        )
        return int(rows[0][0])  # type: ignore[call-overload]

    async def digests(self, guild_id: int) -> list[DigestRow]:
        """The guild's digests, by name."""
        rows = await self._rows(_SELECT + " WHERE guild_id = ? ORDER BY name", (guild_id,))
        return [row for row in map(_digest_row, rows) if row is not None]

    async def digest(self, digest_id: int) -> DigestRow | None:
        rows = await self._rows(_SELECT + " WHERE id = ?", (digest_id,))
        return _digest_row(rows[0]) if rows else None

    async def due_digests(self, now: datetime) -> list[DigestRow]:
        """Enabled digests whose next run is at or before `now`."""
        from bot.store.sqlite import to_text

        rows = await self._rows(
            _SELECT + " WHERE enabled = 1 AND next_run <= ? ORDER BY next_run, id",
            (to_text(now),),
        )
        return [row for row in map(_digest_row, rows) if row is not None]

    async def set_digest_enabled(
        self, digest_id: int, enabled: bool, *, next_run: datetime | None = None
    ) -> bool:
        from bot.store.sqlite import to_text

        changed = await self._exec(
            "UPDATE digests SET enabled = ?, next_run = COALESCE(?, next_run) WHERE id = ?",
            (int(enabled), to_text(next_run) if next_run else None, digest_id),
        )
        return changed > 0

    async def delete_digest(self, digest_id: int) -> bool:
        return await self._exec("DELETE FROM digests WHERE id = ?", (digest_id,)) > 0

    # --- periods ---

    async def claim_period(self, digest_id: int, period: Period, *, owner: str) -> Claim | None:
        """Claim `period` for `owner`, or None when it is claimed by a live run or finished.

        A claim left by a run that died (its lease ran out, or the same owner restarting)
        is taken over, with the messages that run already posted.
        """
        from bot.store.sqlite import to_text

        now = self._now()
        lease = to_text(now + LEASE)
        inserted = await self._exec(
            """
            INSERT INTO digest_runs (digest_id, period_key, period_start, period_end, state,
                                     owner, claimed_at, lease_until)
            VALUES (?, ?, ?, ?, 'claimed', ?, ?, ?)
            ON CONFLICT (digest_id, period_key) DO NOTHING
            """,
            (
                digest_id,
                period.key,
                to_text(period.start),
                to_text(period.end),
                owner,
                to_text(now),
                lease,
            ),
        )
        if inserted:
            return Claim(digest_id=digest_id, period=period)
        taken = await self._exec(
            """
            UPDATE digest_runs SET owner = ?, lease_until = ?
            WHERE digest_id = ? AND period_key = ? AND state = 'claimed'
              AND (lease_until < ? OR owner = ?)
            """,
            (owner, lease, digest_id, period.key, to_text(now), owner),
        )
        if not taken:
            return None
        rows = await self._rows(
            "SELECT period_start, period_end FROM digest_runs"
            " WHERE digest_id = ? AND period_key = ?",
            (digest_id, period.key),
        )
        start, end = (datetime.fromisoformat(str(v)) for v in rows[0])
        stored = Period(start=start, end=end, missed=period.missed)
        return Claim(
            digest_id=digest_id,
            period=stored,
            resumed=True,
            posts=tuple(await self.period_posts(digest_id, period.key)),
        )

    async def record_digest_post(
        self,
        digest_id: int,
        period_key: str,
        *,
        seq: int,
        channel_id: int,
        message_id: int,
        nonce: str,
        source_id: int | None = None,
        owner: str,
    ) -> None:
        """Record one posted message and extend the run's lease."""
        from bot.store.sqlite import to_text

        await self._exec(
            "INSERT INTO digest_posts (digest_id, period_key, seq, channel_id, message_id, nonce,"
            " source_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (digest_id, period_key, seq, channel_id, message_id, nonce, source_id),
        )
        await self._exec(
            "UPDATE digest_runs SET lease_until = ? WHERE digest_id = ? AND period_key = ?"
            " AND owner = ?",
            (to_text(self._now() + LEASE), digest_id, period_key, owner),
        )

    async def period_posts(self, digest_id: int, period_key: str) -> list[PostRecord]:
        rows = await self._rows(
            "SELECT seq, channel_id, message_id, nonce, source_id FROM digest_posts"
            " WHERE digest_id = ? AND period_key = ? ORDER BY seq",
            (digest_id, period_key),
        )
        return [
            PostRecord(
                seq=int(seq),  # type: ignore[call-overload]
                channel_id=int(channel),  # type: ignore[call-overload]
                message_id=int(message),  # type: ignore[call-overload]
                nonce=str(nonce),
                source_id=None if source is None else int(source),  # type: ignore[call-overload]
            )
            for seq, channel, message, nonce, source in rows
        ]

    async def finish_period(
        self,
        digest_id: int,
        period: Period,
        *,
        state: RunState,
        outcome: str,
        next_run: datetime,
    ) -> None:
        """Mark the period done (or skipped) and move the digest on, in one transaction."""
        from bot.store.sqlite import to_text

        self._digest_conn()
        now = to_text(self._now())
        end = to_text(period.end)
        try:
            async with self._transaction() as conn:
                await conn.execute(
                    "UPDATE digest_runs SET state = ?, outcome = ?, finished_at = ?"
                    " WHERE digest_id = ? AND period_key = ?",
                    (state, outcome[:500], now, digest_id, period.key),
                )
                # Portable "the later of the two" (no two-argument MAX in PostgreSQL).
                await conn.execute(
                    "UPDATE digests SET last_end = CASE WHEN last_end IS NULL OR last_end < ?"
                    " THEN ? ELSE last_end END, last_outcome = ?, next_run = ? WHERE id = ?",
                    (end, end, outcome[:500], to_text(next_run), digest_id),
                )
        except self.errors as error:
            raise DigestStoreError(f"digest store write failed: {error}") from error

    async def unfinished_claims(self, owner: str | None = None) -> list[tuple[int, Period]]:
        """Claimed, unfinished periods (at start-up: the runs a crash interrupted)."""
        rows = await self._rows(
            "SELECT digest_id, period_start, period_end FROM digest_runs WHERE state = 'claimed'"
            + (" AND owner = ?" if owner else ""),
            (owner,) if owner else (),
        )
        return [
            (
                int(d),  # type: ignore[call-overload]
                Period(start=datetime.fromisoformat(str(s)), end=datetime.fromisoformat(str(e))),
            )
            for d, s, e in rows
        ]

    # --- thread marks (incremental summaries) ---

    async def thread_mark(self, digest_id: int, source_id: int) -> tuple[int, str, str | None]:
        """(last message id, period key, result key) of the source's last digest entry, or
        (0, "", None) when it was never in this digest."""
        rows = await self._rows(
            "SELECT last_message_id, period_key, result_key FROM digest_threads"
            " WHERE digest_id = ? AND source_id = ?",
            (digest_id, source_id),
        )
        if not rows:
            return 0, "", None
        last, key, result = rows[0]
        return int(last), str(key), None if result is None else str(result)  # type: ignore[call-overload]

    async def set_thread_mark(
        self,
        digest_id: int,
        source_id: int,
        *,
        last_message_id: int,
        period_key: str,
        result_key: str | None,
    ) -> None:
        await self._exec(
            """
            INSERT INTO digest_threads (digest_id, source_id, last_message_id, period_key,
                                        result_key)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (digest_id, source_id) DO UPDATE SET
                last_message_id = excluded.last_message_id, period_key = excluded.period_key,
                result_key = excluded.result_key
            """,
            (digest_id, source_id, last_message_id, period_key, result_key),
        )


_SELECT = (
    "SELECT id, config, enabled, created_at, created_by, next_run, last_end, last_outcome"
    " FROM digests"
)


def _digest_row(row: tuple[object, ...]) -> DigestRow | None:
    digest_id, config, enabled, created, by, next_run, last_end, outcome = row
    try:
        return DigestRow(
            id=int(digest_id),  # type: ignore[call-overload]
            config=DigestConfig.model_validate_json(str(config)),
            enabled=bool(enabled),
            created_at=datetime.fromisoformat(str(created)),
            created_by=None if by is None else int(by),  # type: ignore[call-overload]
            next_run=None if next_run is None else datetime.fromisoformat(str(next_run)),
            last_end=None if last_end is None else datetime.fromisoformat(str(last_end)),
            last_outcome=None if outcome is None else str(outcome),
        )
    except (ValidationError, ValueError):
        # A row this version cannot read is not run (and not silently rewritten).
        return None

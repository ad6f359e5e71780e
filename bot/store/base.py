"""What every result store promises, and the store that keeps nothing.

A store is a cache: losing it costs time, never an answer. So every backend answers `get` with
`None` and `put` with `False` when its database is broken, locked or gone, logs a warning, and
never raises; callers do not need a try block around the cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from bot.summarize.schema import DigestResult


class CacheStats(BaseModel):
    """Figures for `cache stats`.

    `entries` counts every stored row, `expired` those of them past their time to live (what
    `purge(expired_only=True)` would remove). `bytes` is the size of the stored result JSON, not
    of the database file. `compute_seconds_saved` and `reading_minutes_saved` sum, over every
    recorded hit, the work that hit avoided; they are forgotten when a row is purged.
    """

    model_config = ConfigDict(frozen=True)

    entries: int = 0
    expired: int = 0
    hits: int = 0
    bytes: int = 0
    oldest: datetime | None = None
    newest: datetime | None = None
    compute_seconds_saved: float = 0.0
    reading_minutes_saved: float = 0.0
    backend: str
    location: str


class GuildUsage(BaseModel):
    """What one guild asked for on one UTC day (`day` is YYYY-MM-DD). `tokens` are the LLM
    prompt + completion tokens of fresh runs; cached answers count in `cached` only."""

    model_config = ConfigDict(frozen=True)

    guild_id: int
    day: str
    requests: int = 0
    cached: int = 0
    llm_calls: int = 0
    tokens: int = 0


@runtime_checkable
class Store(Protocol):
    """A content-addressed cache of `DigestResult`s, keyed by `bot.store.keys.cache_key`."""

    async def get(self, key: str) -> DigestResult | None:
        """The result stored under `key` with `cached=True`, or None on a miss, an expired or
        unreadable entry, or a database failure. A hit is counted (hits, last_hit_at)."""
        ...

    async def put(self, key: str, result: DigestResult, *, ttl_seconds: float | None) -> bool:
        """Save `result` under `key`, replacing any entry there. `ttl_seconds` None or 0 keeps it
        forever. True if it was saved, False if the database failed (logged, never raised)."""
        ...

    async def stats(self) -> CacheStats:
        """Current figures; a failing database reports backend "none"."""
        ...

    async def purge(self, *, expired_only: bool = False) -> int:
        """Remove every entry, or only the expired ones; the number removed (0 on failure)."""
        ...

    async def close(self) -> None:
        """Release the connection. Idempotent; never raises."""
        ...

    # The Discord bot's bookkeeping. Like the cache, best effort: failures are logged.

    async def record_usage(
        self, guild_id: int, day: str, *, tokens: int, llm_calls: int, cached: bool
    ) -> None:
        """Add one answered request to the guild's figures for `day`."""
        ...

    async def guild_usage(self, guild_id: int, day: str) -> GuildUsage:
        """The guild's figures for `day` (zeros when none, or when the database fails)."""
        ...

    async def link_sources(
        self,
        key: str,
        *,
        guild_id: int | None,
        channel_ids: Sequence[int] = (),
        message_ids: Sequence[int] = (),
    ) -> None:
        """Record that the result under `key` holds text of these channels and messages (or,
        with neither, that it was asked for in `guild_id`)."""
        ...

    async def forget_messages(self, message_ids: Sequence[int]) -> int:
        """Remove every result made from any of these messages; the number removed."""
        ...

    async def forget_channels(self, channel_ids: Sequence[int]) -> int:
        """Remove every result made from any of these channels or threads."""
        ...

    async def purge_guild(self, guild_id: int) -> int:
        """Remove every result asked for in, or made from, this guild."""
        ...


class NullStore:
    """The store used when there is no usable cache: every get misses, nothing is saved.

    `location` names what could not be used, so that `cache stats` can say so.
    """

    def __init__(self, location: str = "") -> None:
        self.location = location

    async def get(self, key: str) -> DigestResult | None:
        return None

    async def put(self, key: str, result: DigestResult, *, ttl_seconds: float | None) -> bool:
        return False

    async def stats(self) -> CacheStats:
        return CacheStats(backend="none", location=self.location)

    async def purge(self, *, expired_only: bool = False) -> int:
        return 0

    async def close(self) -> None:
        return None

    async def record_usage(
        self, guild_id: int, day: str, *, tokens: int, llm_calls: int, cached: bool
    ) -> None:
        return None

    async def guild_usage(self, guild_id: int, day: str) -> GuildUsage:
        return GuildUsage(guild_id=guild_id, day=day)

    async def link_sources(
        self,
        key: str,
        *,
        guild_id: int | None,
        channel_ids: Sequence[int] = (),
        message_ids: Sequence[int] = (),
    ) -> None:
        return None

    async def forget_messages(self, message_ids: Sequence[int]) -> int:
        return 0

    async def forget_channels(self, channel_ids: Sequence[int]) -> int:
        return 0

    async def purge_guild(self, guild_id: int) -> int:
        return 0

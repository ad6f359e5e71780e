"""What every result store promises, and the store that keeps nothing.

A store is a cache: losing it costs time, never an answer. So every backend answers `get` with
`None` and `put` with `False` when its database is broken, locked or gone, logs a warning, and
never raises; callers do not need a try block around the cache.

What the store guards fails closed instead (issue 14): a read that a budget or an opt-out
depends on raises `StoreUnavailable`, so that the caller refuses rather than assume "nothing
used" or "nobody opted out"; and a forget that could not be written is kept and retried until it
is (see `SQLiteStore`), while `get` serves nothing that a pending forget may cover.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from bot.result import DigestResult


class StoreUnavailable(Exception):
    """The store could not answer a question that guards something (a budget, an opt-out, an
    opt-out being saved). The caller must refuse, never assume the answer."""


class PostedAnswer(BaseModel):
    """A public answer the bot posted: where it is, the cache key of the result it shows, and
    the Discord link that "Summarize again" asks for."""

    model_config = ConfigDict(frozen=True)

    message_id: int
    channel_id: int
    guild_id: int | None = None
    key: str | None = None
    again_url: str | None = None


# What a posted answer quotes or links: (guild id, channel id, message id or None).
SourceRef = tuple[int | None, int | None, int | None]


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


class Cooldown(BaseModel):
    """A person's cooldown as `Store.begin_cooldown` found it: one of their requests is
    running (`busy`, for at most `wait_s` more: the lease), or they are in the pause after a
    fresh run (`wait_s` left)."""

    model_config = ConfigDict(frozen=True)

    busy: bool
    wait_s: float


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

    async def get_raw(self, raw_key: str) -> tuple[DigestResult, str] | None:
        """The result a first-level key (`bot.store.keys.raw_key`) leads to, as `get` serves
        it, and the input JSON saved with the key; None when the key is unknown, the result is
        gone (forgotten, purged, expired, unreadable) or the database fails."""
        ...

    async def put_raw(self, raw_key: str, result_key: str, input_json: str) -> bool:
        """Map `raw_key` to the result stored under `result_key`, with `input_json` (what belongs
        to that input, not to the result). Nothing is saved (False) when no result is stored
        under `result_key`; the mapping goes when that result goes."""
        ...

    async def stats(self) -> CacheStats:
        """Current figures; a failing database reports backend "none"."""
        ...

    def claim(self, key: str) -> AbstractAsyncContextManager[None]:
        """Hold `key` while its result is computed, against other processes sharing the
        store: entered once no other process holds it (then read the store before running).
        A no-op where one process owns the store (SQLite); never raises for the database."""
        ...

    async def purge(self, *, expired_only: bool = False) -> int:
        """Remove every entry, or only the expired ones; the number removed (0 on failure).
        Cooldowns that are over are removed too (not counted)."""
        ...

    async def close(self) -> None:
        """Release the connection. Idempotent; never raises."""
        ...

    # The Discord bot's bookkeeping. Like the cache, best effort: failures are logged.

    async def record_usage(
        self, guild_id: int, day: str, *, tokens: int, llm_calls: int, cached: bool
    ) -> bool:
        """Add one answered request to the guild's figures for `day`; False if it could not be
        written (the caller keeps the tokens counted, see `Summarizer`)."""
        ...

    async def guild_usage(self, guild_id: int, day: str) -> GuildUsage:
        """The guild's figures for `day` (zeros when none). A budget depends on it, so a
        database that cannot answer raises `StoreUnavailable` (fails closed)."""
        ...

    async def spend_tokens(self, guild_id: int, day: str, tokens: int, *, limit: int) -> int | None:
        """Add `tokens` to the guild's figures for `day` only if the total stays within
        `limit`: the new total, or None (nothing added) when it would go over. Atomic, also
        across processes sharing the database; `StoreUnavailable` when it cannot be written."""
        ...

    async def begin_cooldown(self, user_id: int, owner: str, *, lease_s: float) -> Cooldown | None:
        """Mark a request of `user_id` as running (for `owner`, at most `lease_s` seconds, so
        that a process that dies frees the person), unless one of theirs runs already. None:
        marked, no pause; `Cooldown(busy=False, wait_s)`: marked, but the pause after their
        last fresh run has `wait_s` left (the request may be answered from the cache, not start
        a run); `Cooldown(busy=True)`: not marked, a request of theirs runs. Atomic, also
        across processes sharing the database; `StoreUnavailable` when it cannot be written."""
        ...

    async def end_cooldown(self, user_id: int, owner: str, *, pause_s: float) -> bool:
        """Clear `owner`'s mark of `user_id` and start a pause of `pause_s` seconds (0: none);
        False when it could not be written."""
        ...

    async def link_sources(
        self,
        key: str,
        *,
        guild_id: int | None,
        channel_ids: Sequence[int] = (),
        message_ids: Sequence[int] = (),
        author_ids: Sequence[int] = (),
    ) -> None:
        """Record that the result under `key` holds text of these channels and messages (or,
        with neither, that it was asked for in `guild_id`), written by these members of
        `guild_id` (so that an opt-out drops it)."""
        ...

    async def forget_messages(self, message_ids: Sequence[int]) -> int:
        """Remove every result made from any of these messages; the number removed. A forget
        that cannot be written now is kept and retried until it is (durable, never dropped)."""
        ...

    async def forget_channels(self, channel_ids: Sequence[int]) -> int:
        """Remove every result made from any of these channels or threads (durable)."""
        ...

    async def purge_guild(self, guild_id: int) -> int:
        """Remove every result asked for in, or made from, this guild (durable)."""
        ...

    async def forget_authors(self, guild_id: int, user_ids: Sequence[int]) -> int:
        """Remove every result holding words these members wrote in this guild (durable)."""
        ...

    # Members' opt-out (guild-scoped). Both fail closed: `StoreUnavailable`.

    async def set_opt_out(self, guild_id: int, user_id: int, *, opted_out: bool) -> bool:
        """Record the member's choice; True when it changed anything."""
        ...

    async def opted_out(self, guild_id: int) -> frozenset[int]:
        """The members of this guild who opted out."""
        ...

    # The answers the bot posted, so that forgetting reaches them.

    async def record_post(self, post: PostedAnswer, sources: Sequence[SourceRef]) -> bool:
        """Remember a public answer and what it quotes or links; False if it could not be."""
        ...

    async def posts_quoting(
        self,
        *,
        message_ids: Sequence[int] = (),
        channel_ids: Sequence[int] = (),
        guild_id: int | None = None,
    ) -> list[PostedAnswer]:
        """The answers not yet withdrawn that quote any of these messages, that were made from
        any of these channels, or (with `guild_id`) from anything in that guild. Raises
        `StoreUnavailable` when it cannot tell."""
        ...

    async def mark_to_withdraw(self, message_ids: Sequence[int], reason: str) -> None:
        """These answers must be edited (a source went): kept until `mark_withdrawn`, so that
        a restart finishes the job (`pending_withdrawals`)."""
        ...

    async def pending_withdrawals(self) -> list[tuple[PostedAnswer, str]]:
        """Answers marked to withdraw and not yet edited, with the reason."""
        ...

    async def mark_withdrawn(self, message_ids: Sequence[int]) -> None:
        """These answers were edited to say they were withdrawn."""
        ...

    async def drop_posts(
        self,
        *,
        message_ids: Sequence[int] = (),
        channel_ids: Sequence[int] = (),
        guild_id: int | None = None,
    ) -> int:
        """Forget answers that are gone (deleted, in a deleted channel, in a guild the bot
        left); the number forgotten."""
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

    async def get_raw(self, raw_key: str) -> tuple[DigestResult, str] | None:
        return None

    async def put_raw(self, raw_key: str, result_key: str, input_json: str) -> bool:
        return False

    async def stats(self) -> CacheStats:
        return CacheStats(backend="none", location=self.location)

    @contextlib.asynccontextmanager
    async def claim(self, key: str) -> AsyncIterator[None]:
        yield

    async def purge(self, *, expired_only: bool = False) -> int:
        return 0

    async def close(self) -> None:
        return None

    async def record_usage(
        self, guild_id: int, day: str, *, tokens: int, llm_calls: int, cached: bool
    ) -> bool:
        return False

    async def guild_usage(self, guild_id: int, day: str) -> GuildUsage:
        raise StoreUnavailable(f"no usable database ({self.location or 'none'})")

    async def spend_tokens(self, guild_id: int, day: str, tokens: int, *, limit: int) -> int | None:
        raise StoreUnavailable(f"no usable database ({self.location or 'none'})")

    async def begin_cooldown(self, user_id: int, owner: str, *, lease_s: float) -> Cooldown | None:
        raise StoreUnavailable(f"no usable database ({self.location or 'none'})")

    async def end_cooldown(self, user_id: int, owner: str, *, pause_s: float) -> bool:
        return False

    async def link_sources(
        self,
        key: str,
        *,
        guild_id: int | None,
        channel_ids: Sequence[int] = (),
        message_ids: Sequence[int] = (),
        author_ids: Sequence[int] = (),
    ) -> None:
        return None

    # Nothing is kept, so there is nothing to forget.

    async def forget_messages(self, message_ids: Sequence[int]) -> int:
        return 0

    async def forget_channels(self, channel_ids: Sequence[int]) -> int:
        return 0

    async def purge_guild(self, guild_id: int) -> int:
        return 0

    async def forget_authors(self, guild_id: int, user_ids: Sequence[int]) -> int:
        return 0

    # What guards something fails closed: with no database nobody's opt-out can be honoured.

    async def set_opt_out(self, guild_id: int, user_id: int, *, opted_out: bool) -> bool:
        raise StoreUnavailable(f"no usable database ({self.location or 'none'})")

    async def opted_out(self, guild_id: int) -> frozenset[int]:
        raise StoreUnavailable(f"no usable database ({self.location or 'none'})")

    async def record_post(self, post: PostedAnswer, sources: Sequence[SourceRef]) -> bool:
        return False

    async def posts_quoting(
        self,
        *,
        message_ids: Sequence[int] = (),
        channel_ids: Sequence[int] = (),
        guild_id: int | None = None,
    ) -> list[PostedAnswer]:
        return []

    async def mark_to_withdraw(self, message_ids: Sequence[int], reason: str) -> None:
        return None

    async def pending_withdrawals(self) -> list[tuple[PostedAnswer, str]]:
        return []

    async def mark_withdrawn(self, message_ids: Sequence[int]) -> None:
        return None

    async def drop_posts(
        self,
        *,
        message_ids: Sequence[int] = (),
        channel_ids: Sequence[int] = (),
        guild_id: int | None = None,
    ) -> int:
        return 0

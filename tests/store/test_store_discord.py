"""The Discord bot's bookkeeping in the store: guild usage, and forgetting deleted sources."""

from __future__ import annotations

import pytest

from bot.store import NullStore, StoreUnavailable
from bot.store.sqlite import SQLiteStore
from bot.summarize.schema import DigestResult


async def test_usage_adds_up_per_guild_and_day(store: SQLiteStore) -> None:
    await store.record_usage(1, "2025-01-01", tokens=500, llm_calls=2, cached=False)
    await store.record_usage(1, "2025-01-01", tokens=0, llm_calls=0, cached=True)
    await store.record_usage(1, "2025-01-02", tokens=7, llm_calls=1, cached=False)
    await store.record_usage(2, "2025-01-01", tokens=9, llm_calls=1, cached=False)
    usage = await store.guild_usage(1, "2025-01-01")
    assert (usage.requests, usage.cached, usage.llm_calls, usage.tokens) == (2, 1, 2, 500)
    assert (await store.guild_usage(1, "2025-01-02")).tokens == 7
    assert (await store.guild_usage(3, "2025-01-01")).requests == 0


async def test_deleted_message_or_channel_forgets_its_results(
    store: SQLiteStore, result: DigestResult
) -> None:
    for key in ("k1", "k2", "k3"):
        assert await store.put(key, result, ttl_seconds=None)
    await store.link_sources("k1", guild_id=10, channel_ids=[100], message_ids=[1000, 1001])
    await store.link_sources("k1", guild_id=10, channel_ids=[100], message_ids=[1000])  # again
    await store.link_sources("k2", guild_id=10, channel_ids=[200], message_ids=[2000])
    await store.link_sources("k3", guild_id=20)  # pasted text asked for in guild 20

    assert await store.forget_messages([999]) == 0
    assert await store.forget_messages([1001]) == 1
    assert await store.get("k1") is None
    assert await store.get("k2") is not None
    assert await store.forget_channels([200]) == 1
    assert await store.get("k2") is None
    assert await store.get("k3") is not None
    assert await store.purge_guild(20) == 1
    assert await store.get("k3") is None


async def test_purge_guild_leaves_other_guilds(store: SQLiteStore, result: DigestResult) -> None:
    await store.put("a", result, ttl_seconds=None)
    await store.put("b", result, ttl_seconds=None)
    await store.link_sources("a", guild_id=1, message_ids=list(range(1, 1200)))  # batched
    await store.link_sources("b", guild_id=2)
    assert await store.purge_guild(1) == 1
    assert await store.get("b") is not None
    assert await store.forget_messages(list(range(1, 1200))) == 0


async def test_null_store_keeps_nothing() -> None:
    null = NullStore()
    await null.record_usage(1, "d", tokens=1, llm_calls=1, cached=False)
    # A budget cannot be checked without a database: it fails closed, never "0 used".
    with pytest.raises(StoreUnavailable):
        await null.guild_usage(1, "d")
    with pytest.raises(StoreUnavailable):
        await null.opted_out(1)
    assert await null.purge_guild(1) == 0


async def test_a_budget_is_spent_only_within_its_limit(store: SQLiteStore) -> None:
    assert await store.spend_tokens(5, "2025-01-01", 60, limit=100) == 60
    assert await store.spend_tokens(5, "2025-01-01", 50, limit=100) is None  # would go over
    assert await store.spend_tokens(5, "2025-01-01", 40, limit=100) == 100
    assert await store.spend_tokens(5, "2025-01-02", 500, limit=100) is None
    await store.record_usage(5, "2025-01-01", tokens=0, llm_calls=0, cached=True)
    usage = await store.guild_usage(5, "2025-01-01")
    assert (usage.tokens, usage.requests, usage.cached) == (100, 1, 1)
    assert (await store.guild_usage(5, "2025-01-02")).tokens == 0


async def test_a_budget_reservation_is_refunded_and_topped_up(store: SQLiteStore) -> None:
    """What `bot.discord.ledger` does: reserve an estimate, then give back what was not used
    (a negative amount) or add what the run used beyond it (no limit: it was spent)."""
    assert await store.spend_tokens(5, "2025-01-01", 80, limit=100) == 80
    assert await store.spend_tokens(5, "2025-01-01", 30, limit=100) is None
    assert await store.spend_tokens(5, "2025-01-01", -50, limit=100) == 30  # refund
    assert await store.spend_tokens(5, "2025-01-01", 60, limit=100) == 90
    assert await store.spend_tokens(5, "2025-01-01", 25, limit=2**62) == 115  # spent beyond
    assert await store.spend_tokens(5, "2025-01-01", 1, limit=100) is None


async def test_a_cooldown_marks_one_request_then_a_pause(store: SQLiteStore, clock) -> None:  # noqa: ANN001
    assert await store.begin_cooldown(1, "a", lease_s=600) is None
    busy = await store.begin_cooldown(1, "b", lease_s=600)
    assert busy is not None and busy.busy and busy.wait_s == pytest.approx(600)
    assert await store.begin_cooldown(2, "c", lease_s=600) is None  # per person
    assert await store.end_cooldown(1, "b", pause_s=30)  # not b's mark: nothing changes
    assert (await store.begin_cooldown(1, "d", lease_s=600)).busy  # type: ignore[union-attr]
    assert await store.end_cooldown(1, "a", pause_s=30)
    clock.advance(10)
    # In the pause the request is marked (it may be answered from the cache), with what is
    # left of the pause; while it runs, no other request of theirs starts.
    paused = await store.begin_cooldown(1, "e", lease_s=600)
    assert paused is not None and not paused.busy and paused.wait_s == pytest.approx(20)
    assert (await store.begin_cooldown(1, "e2", lease_s=600)).busy  # type: ignore[union-attr]
    assert await store.end_cooldown(1, "e", pause_s=0)  # answered from the cache
    assert (await store.begin_cooldown(1, "e3", lease_s=600)).wait_s == pytest.approx(20)  # type: ignore[union-attr]
    assert await store.end_cooldown(1, "e3", pause_s=0)
    clock.advance(20)
    assert await store.begin_cooldown(1, "f", lease_s=600) is None
    assert await store.end_cooldown(1, "f", pause_s=0)  # a cached answer: no pause
    assert await store.begin_cooldown(1, "g", lease_s=5) is None
    clock.advance(6)  # the process that marked it died: the lease runs out
    assert await store.begin_cooldown(1, "h", lease_s=5) is None


async def test_cooldowns_that_are_over_are_purged(store: SQLiteStore, clock) -> None:  # noqa: ANN001
    """A row per person would stay forever: the purge of expired results removes the ones
    that hold nothing (no request running, the pause over), and never one that still holds."""
    assert await store.begin_cooldown(1, "a", lease_s=600) is None
    assert await store.end_cooldown(1, "a", pause_s=30)  # pausing for 30 s
    assert await store.begin_cooldown(2, "b", lease_s=600) is None
    assert await store.end_cooldown(2, "b", pause_s=0)  # over at once
    assert await store.begin_cooldown(3, "c", lease_s=60) is None  # running
    assert await store.begin_cooldown(4, "d", lease_s=5) is None  # its process died

    async def rows() -> list[int]:
        found = await store._guarded_read("test", "SELECT user_id FROM cooldowns", ())
        return sorted(int(row[0]) for row in found)

    clock.advance(10)
    assert await store.purge(expired_only=True) == 0  # no cached result removed
    assert await rows() == [1, 3]
    paused = await store.begin_cooldown(1, "e", lease_s=600)  # the pause still holds
    assert paused is not None and paused.wait_s == pytest.approx(20)
    assert await store.end_cooldown(1, "e", pause_s=0)
    assert (await store.begin_cooldown(3, "f", lease_s=60)).busy  # type: ignore[union-attr]
    clock.advance(60)
    await store.purge()  # a full purge too
    assert await rows() == []
    assert await store.begin_cooldown(1, "g", lease_s=60) is None  # a new row, as before


async def test_cooldowns_on_a_store_that_cannot_answer_fail_closed() -> None:
    with pytest.raises(StoreUnavailable):
        await NullStore().begin_cooldown(1, "a", lease_s=1)
    assert not await NullStore().end_cooldown(1, "a", pause_s=1)


async def test_spending_on_a_store_that_cannot_answer_fails_closed() -> None:
    with pytest.raises(StoreUnavailable):
        await NullStore().spend_tokens(5, "2025-01-01", 1, limit=100)

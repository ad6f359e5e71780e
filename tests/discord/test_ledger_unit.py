"""The usage ledger and the shared cooldowns on a real SQLite store, without Discord; the
single flight's subscribers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.discord.guards import BudgetExhausted, CooldownActive, SharedCooldowns, utc_day
from bot.discord.ledger import BUDGET_UNKNOWN, Ledger, estimate_tokens
from bot.result import Usage
from bot.settings import Settings
from bot.singleflight import SingleFlight
from bot.store import StoreUnavailable
from bot.store.sqlite import SQLiteStore
from bot.summarize.llm import LLMConfig
from bot.thread import Comment, Thread

CONFIG = LLMConfig(model="openai/fake", context_tokens=8192)


def thread(n: int = 5, size: int = 200) -> Thread:
    return Thread(comments=[Comment(id=f"c{i}", text="word " * (size // 5)) for i in range(n)])


class FlakyStore(SQLiteStore):
    """A real store whose writes of the day's figures fail while `down` is set."""

    down = False

    async def spend_tokens(self, guild_id: int, day: str, tokens: int, *, limit: int) -> int | None:
        if self.down:
            raise StoreUnavailable("down")
        return await super().spend_tokens(guild_id, day, tokens, limit=limit)

    async def begin_cooldown(self, user_id: int, owner: str, *, lease_s: float):  # noqa: ANN201
        if self.down:
            raise StoreUnavailable("down")
        return await super().begin_cooldown(user_id, owner, lease_s=lease_s)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[FlakyStore]:
    opened = await FlakyStore(tmp_path / "ledger.sqlite3").open()
    yield opened
    await opened.close()


def settings(**values: object) -> Settings:
    return Settings(database_url="sqlite:///:memory:", **values)  # type: ignore[arg-type]


async def tokens(store: SQLiteStore, bucket: int) -> int:
    return (await store.guild_usage(bucket, utc_day())).tokens


def test_the_estimate_grows_with_the_thread_and_counts_each_request() -> None:
    small, large = estimate_tokens(thread(5), CONFIG), estimate_tokens(thread(2000), CONFIG)
    assert small >= 2048  # at least the room reserved for one answer
    assert large > 2000 * 200 // 3  # every character, at three a token
    # A thread over one request's room pays the fixed prompt and an answer per chunk.
    assert large - 2000 * (200 // 3 + 12) > 10 * 2048


def test_the_estimate_covers_one_re_ask_of_the_largest_request() -> None:
    """The engine re-asks (a reply that is not JSON, quotes to repair, a cut-off answer) by
    sending the conversation again: the reservation holds one such re-ask."""
    from bot.discord.ledger import FIXED_PROMPT_TOKENS, REASK_TOKENS

    answer = 2048  # a quarter of the 8,192-token context
    data = -(-5 * 200 // 3) + 5 * 12  # characters at three a token, rounded up, and framing
    first = FIXED_PROMPT_TOKENS + data + answer
    reask = (FIXED_PROMPT_TOKENS + data) + answer + REASK_TOKENS + answer
    assert estimate_tokens(thread(5), CONFIG) == first + reask
    # In chunks, the re-ask is priced on the largest request (a chunk or the reduce).
    large = estimate_tokens(thread(2000), CONFIG)
    without = large - (FIXED_PROMPT_TOKENS + 2 * answer + REASK_TOKENS)
    assert without > 2000 * (200 // 3 + 12) + 10 * 2048


async def test_a_run_reserves_its_estimate_then_pays_what_it_used(store: FlakyStore) -> None:
    ledger = Ledger(store, settings(guild_daily_tokens=50_000))
    account = ledger.account(7)
    await account.before_run(thread(), CONFIG)
    assert await tokens(store, 7) == estimate_tokens(thread(), CONFIG)
    await account.spent(Usage(llm_calls=1, prompt_tokens=900, completion_tokens=100))
    assert await tokens(store, 7) == 1000 and account.ran and account.llm_calls == 1
    # Beyond the estimate (re-asks): what was spent is counted, whatever the limit.
    other = ledger.account(7)
    await other.before_run(thread(), CONFIG)
    await other.spent(Usage(llm_calls=3, prompt_tokens=60_000, completion_tokens=0))
    assert await tokens(store, 7) == 61_000
    with pytest.raises(BudgetExhausted, match="61,000 of 50,000") as refused:
        await ledger.account(7).before_run(thread(), CONFIG)
    assert refused.value.bucket == 7
    assert await tokens(store, 7) == 61_000  # a refusal reserves nothing


async def test_concurrent_runs_never_reserve_past_the_limit(store: FlakyStore) -> None:
    estimate = estimate_tokens(thread(), CONFIG)
    ledger = Ledger(store, settings(guild_daily_tokens=estimate * 3 + 10))

    async def one() -> bool:
        try:
            await ledger.account(7).before_run(thread(), CONFIG)
        except BudgetExhausted:
            return False
        return True

    started = await asyncio.gather(*(one() for _ in range(10)))
    assert started.count(True) == 3
    assert await tokens(store, 7) == estimate * 3


async def test_an_unknown_budget_refuses_and_unwritten_spending_is_owed(
    store: FlakyStore,
) -> None:
    ledger = Ledger(store, settings(dm_daily_tokens=100_000))
    store.down = True
    with pytest.raises(BudgetExhausted) as unknown:
        await ledger.account(-5).before_run(thread(), CONFIG)
    assert str(unknown.value) == BUDGET_UNKNOWN
    store.down = False
    account = ledger.account(-5)
    await account.before_run(thread(), CONFIG)
    store.down = True
    await account.spent(Usage(llm_calls=1, prompt_tokens=97_000, completion_tokens=0))
    store.down = False
    # Only the estimate reached the store.
    assert await tokens(store, -5) == estimate_tokens(thread(), CONFIG)
    # The tokens the store missed are added to the next reservation: it is refused.
    with pytest.raises(BudgetExhausted, match="direct messages"):
        await ledger.account(-5).before_run(thread(), CONFIG)


async def test_no_limit_still_counts_the_tokens(store: FlakyStore) -> None:
    ledger = Ledger(store, settings(guild_daily_tokens=0))
    account = ledger.account(3)
    await account.before_run(thread(), CONFIG)
    assert await tokens(store, 3) == 0
    await account.spent(Usage(llm_calls=1, prompt_tokens=10, completion_tokens=5))
    assert await tokens(store, 3) == 15


async def test_shared_cooldowns_hold_between_two_bots_on_one_store(store: FlakyStore) -> None:
    first, second = SharedCooldowns(store, 600), SharedCooldowns(store, 600)
    await first.begin(1)
    first.may_run(1)  # no pause yet
    with pytest.raises(CooldownActive, match="still running"):
        await second.begin(1)
    await first.end(1, fresh=True)
    # In the pause a request is let in (a cached answer is served), but it may not run.
    await second.begin(1)
    with pytest.raises(CooldownActive, match="in 600 s"):
        second.may_run(1)
    with pytest.raises(CooldownActive, match="still running"):
        await first.begin(1)  # and it still counts as their one running request
    await second.end(1, fresh=False)
    await second.begin(2)
    await second.end(2, fresh=False)  # a cached answer: no pause
    await first.begin(2)
    first.may_run(2)
    assert first.busy(2) and not second.busy(2)


async def test_a_pause_seen_at_begin_refuses_a_run_until_it_ends(store: FlakyStore) -> None:
    now = [100.0]
    cooldowns = SharedCooldowns(store, 30, clock=lambda: now[0])
    await cooldowns.begin(1)
    await cooldowns.end(1, fresh=True)
    await cooldowns.begin(1)
    now[0] += 29  # the store's pause is measured by its own clock; this one by ours
    with pytest.raises(CooldownActive):
        cooldowns.may_run(1)
    now[0] += 2
    cooldowns.may_run(1)
    await cooldowns.end(1, fresh=False)
    await cooldowns.begin(2)
    cooldowns.may_run(2)  # another person: no pause


async def test_cooldowns_fall_back_to_this_process_when_the_store_is_down(
    store: FlakyStore,
) -> None:
    cooldowns = SharedCooldowns(store, 600)
    store.down = True
    await cooldowns.begin(1)
    with pytest.raises(CooldownActive, match="still running"):
        await cooldowns.begin(1)
    await cooldowns.end(1, fresh=True)
    store.down = False
    await cooldowns.begin(1)  # the pause kept in this process still refuses a run
    with pytest.raises(CooldownActive, match="another summary in"):
        cooldowns.may_run(1)
    await cooldowns.end(1, fresh=False)
    store.down = True  # and the same while the store is away
    await cooldowns.begin(1)
    with pytest.raises(CooldownActive, match="another summary in"):
        cooldowns.may_run(1)


async def test_subscribers_of_one_flight_all_hear_its_progress() -> None:
    flights: SingleFlight[int] = SingleFlight()
    heard: dict[str, list[str]] = {"a": [], "b": []}
    step = asyncio.Event()
    runs = 0

    async def work() -> int:
        nonlocal runs
        runs += 1
        flights.progress("k")("reading")
        await step.wait()
        flights.progress("k")("summarizing")
        return 42

    first = asyncio.create_task(flights.run("k", work, subscriber=heard["a"].append))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    second = asyncio.create_task(flights.run("k", work, subscriber=heard["b"].append))
    await asyncio.sleep(0)
    step.set()
    assert await asyncio.gather(first, second) == [42, 42]
    assert runs == 1
    assert heard == {"a": ["reading", "summarizing"], "b": ["summarizing"]}
    assert not flights.in_flight("k")


async def test_a_slow_cooldown_check_lets_the_request_through_and_end_clears_its_mark(
    store: FlakyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check comes before the defer (due within 3 s): a store that does not answer in
    time must not cost the interaction; the mark it may still write is cleared by `end`."""
    import bot.discord.guards as guards

    monkeypatch.setattr(guards, "COOLDOWN_CHECK_S", 0.05)
    release = asyncio.Event()
    real = store.begin_cooldown
    landed: list[object] = []

    async def slow(user_id: int, owner: str, *, lease_s: float):  # noqa: ANN202
        await release.wait()
        return await real(user_id, owner, lease_s=lease_s)

    monkeypatch.setattr(store, "begin_cooldown", slow)
    cooldowns = SharedCooldowns(store, 0)
    await cooldowns.begin(1)  # let through after the timeout
    assert cooldowns.busy(1)
    monkeypatch.setattr(store, "begin_cooldown", real)
    # The mark lands late (as a write the timeout could not stop would).
    landed.append(await real(1, cooldowns._owners[1], lease_s=600))
    assert landed == [None]
    await cooldowns.end(1, fresh=False)
    assert await store.begin_cooldown(1, "next", lease_s=600) is None  # not left busy
    release.set()


async def test_re_asks_past_the_reservation_are_charged_and_refuse_the_next(
    store: FlakyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real LLM run (the engine against the loopback OpenAI server) whose reply is cut off,
    then not JSON, then right: three requests where the reservation planned for one and one
    re-ask. Settled, the budget is charged all the run used (past its limit), and the next
    request on it is refused before anything is sent."""
    import dataclasses

    from discord_helpers import DEBATE
    from fakes.fake_openai import FakeOpenAI, Reply, debate_responder

    from bot.pipeline import Options, summarize_thread

    monkeypatch.setenv("OPENAI_API_KEY", "test")
    debate = Thread(comments=[Comment(id=f"c{i}", author=a, text=t) for i, (a, t) in
                              enumerate(DEBATE)])  # fmt: skip
    config = LLMConfig(model="openai/fake-model", context_tokens=8192, max_retries=0)
    estimate = estimate_tokens(debate, config)
    calls = 0

    def responder(request: dict[str, object]) -> Reply:
        nonlocal calls
        calls += 1
        bad = {1: Reply(content='{"question": "cut', finish_reason="length"),
               2: Reply(content="Sure! Here is the summary you asked for.")}  # fmt: skip
        reply = bad.get(calls) or debate_responder(request)
        return dataclasses.replace(reply, prompt_tokens=estimate // 2, completion_tokens=100)

    ledger = Ledger(store, settings(guild_daily_tokens=estimate + 1000))
    account = ledger.account(9)
    with FakeOpenAI(responder=responder) as llm:
        options = Options(llm=dataclasses.replace(config, api_base=llm.url))
        result = await summarize_thread(debate, store=store, options=options, meter=account)
        assert result.engine == "llm" and result.usage.llm_calls == 3
        used = result.usage.prompt_tokens + result.usage.completion_tokens
        assert used > estimate  # the re-asks spent more than was reserved
        assert await tokens(store, 9) == used  # all of it charged, past the limit
        sent = len(llm.requests)
        other = Thread(comments=[Comment(id="x", text="Tabs are better than spaces, I say.")])
        with pytest.raises(BudgetExhausted, match=f"{used:,} of {estimate + 1000:,}"):
            await summarize_thread(other, store=store, options=options, meter=ledger.account(9))
        assert len(llm.requests) == sent  # refused before anything was sent
    assert await tokens(store, 9) == used

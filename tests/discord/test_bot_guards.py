"""The guard rails through the real bot: the cooldown follows what a run cost (an LLM run, a
lighter pause after an offline one, nothing for a cached answer), and direct messages have a
daily budget per person, not one bucket for every DM."""

from __future__ import annotations

import pytest
from discord_helpers import DEBATE, PASTE, World, link, make_settings, running

from bot.discord.guards import budget_key, utc_day

pytestmark = pytest.mark.asyncio


def texts_for(fake, it) -> str:  # noqa: ANN001
    return "\n".join(
        s.payload.get("content") or "" for s in fake.sent_messages() if s.interaction is it
    )


def has_embeds(it) -> bool:  # noqa: ANN001
    return bool(
        (it.original and it.original.get("embeds")) or any(f.get("embeds") for f in it.followups)
    )


OTHER = "\n".join(text for _, text in reversed(DEBATE))  # another paste: a fresh run


async def test_offline_runs_get_the_lighter_pause(discord_fake, world: World, tmp_path) -> None:
    fake = discord_fake
    settings = make_settings(tmp_path, cooldown_s=600, offline_cooldown_s=0)
    async with running(fake, settings):
        first = await fake.interaction(world.bob, world.general, "summarize", {"text": PASTE})
        await fake.wait_for(lambda: has_embeds(first), timeout=20)
        second = await fake.interaction(world.bob, world.general, "summarize", {"text": OTHER})
        await fake.wait_for(lambda: has_embeds(second), timeout=20)
    assert "another summary in" not in texts_for(fake, second)


def refusals(fake, it) -> list:  # noqa: ANN001
    """The cooldown refusals sent to `it`."""
    return [
        s
        for s in fake.sent_messages()
        if s.interaction is it and "another summary in" in (s.payload.get("content") or "")
    ]


async def test_llm_runs_get_the_cooldown(discord_fake, world: World, tmp_path, fake_llm) -> None:
    fake = discord_fake
    settings = make_settings(
        tmp_path, model="openai/fake-model", api_base=fake_llm.url, cooldown_s=600
    )
    async with running(fake, settings):
        first = await fake.interaction(world.bob, world.general, "summarize", {"text": PASTE})
        await fake.wait_for(lambda: has_embeds(first), timeout=30)
        calls = len(fake_llm.requests)
        second = await fake.interaction(world.bob, world.general, "summarize", {"text": OTHER})
        await fake.wait_for(lambda: refusals(fake, second), timeout=20)
    assert "another summary in 600 s" in texts_for(fake, second)
    assert all(s.ephemeral for s in refusals(fake, second))  # seen only by Bob
    assert not has_embeds(second) and len(fake_llm.requests) == calls


async def test_a_repeat_in_the_pause_is_answered_from_the_cache(
    discord_fake, world: World, tmp_path, fake_llm
) -> None:
    """The pause guards engine runs, not answers: during it a repeat of an answered request
    (the person's own, or a link to a thread someone summarized) is served from the cache,
    and is not refused; a request that needs a run still is, with no LLM request, and the
    pause it ends does not restart (a cached answer is free)."""
    fake = discord_fake
    settings = make_settings(
        tmp_path, model="openai/fake-model", api_base=fake_llm.url, cooldown_s=600
    )
    async with running(fake, settings) as bot:
        first = await fake.interaction(world.bob, world.general, "summarize", {"text": PASTE})
        await fake.wait_for(lambda: has_embeds(first), timeout=30)
        carol = await fake.interaction(
            world.carol, world.general, "summarize", {"link": link(world.thread)}
        )
        await fake.wait_for(lambda: has_embeds(carol), timeout=30)
        calls = len(fake_llm.requests)
        again = await fake.interaction(world.bob, world.general, "summarize", {"text": PASTE})
        await fake.wait_for(lambda: has_embeds(again) or refusals(fake, again), timeout=20)
        await fake.wait_for(lambda: not bot.cooldowns.busy(world.bob.id), timeout=10)
        linked = await fake.interaction(
            world.bob, world.general, "summarize", {"link": link(world.thread)}
        )
        await fake.wait_for(lambda: has_embeds(linked) or refusals(fake, linked), timeout=20)
        await fake.wait_for(lambda: not bot.cooldowns.busy(world.bob.id), timeout=10)
        new = await fake.interaction(world.bob, world.general, "summarize", {"text": OTHER})
        await fake.wait_for(lambda: refusals(fake, new), timeout=20)
    for repeat in (again, linked):
        assert has_embeds(repeat) and not refusals(fake, repeat)
        assert "cached" in repeat.original["embeds"][0]["description"]
        assert not repeat.ephemeral  # answered where it was asked, as any answer
    assert "another summary in" in texts_for(fake, new) and not has_embeds(new)
    assert len(fake_llm.requests) == calls  # neither the repeats nor the refusal ran the LLM


async def test_direct_messages_have_a_budget_per_person(
    discord_fake, world: World, tmp_path, fake_llm
) -> None:
    fake = discord_fake
    settings = make_settings(
        tmp_path, model="openai/fake-model", api_base=fake_llm.url, dm_daily_tokens=20_000
    )
    async with running(fake, settings) as bot:
        # Bob spent his DM budget today; the server's and Carol's are untouched.
        await bot.store.record_usage(
            budget_key(None, world.bob.id), utc_day(), tokens=50_000, llm_calls=1, cached=False
        )
        bob = await fake.interaction(
            world.bob, fake.dm_channel(world.bob), "summarize", {"text": PASTE}
        )
        await fake.wait_for(lambda: "budget" in texts_for(fake, bob), timeout=20)
        assert fake_llm.requests == []
        carol = await fake.interaction(
            world.carol, fake.dm_channel(world.carol), "summarize", {"text": OTHER}
        )
        await fake.wait_for(lambda: has_embeds(carol), timeout=30)
        carol_used = await bot.store.guild_usage(budget_key(None, world.carol.id), utc_day())
        server_used = await bot.store.guild_usage(world.guild.id, utc_day())
    assert "You have used your LLM budget for direct messages for today" in texts_for(fake, bob)
    assert "50,000 of 20,000 tokens" in texts_for(fake, bob)
    assert carol_used.tokens > 0 and server_used.tokens == 0
    assert fake_llm.requests  # Carol's summary was made
    sent = [s for s in fake.sent_messages() if s.interaction is carol]
    assert sent and all(
        s.message["channel_id"] == str(fake.dm_channel(world.carol).id) for s in sent
    )


async def test_a_run_refused_by_one_persons_pause_is_made_for_the_others_who_joined(
    discord_fake, world: World, tmp_path
) -> None:
    """Bob, in his pause, and Carol ask about one thread at once: they share one read, whose
    run Bob's pause refuses. Carol is not refused for Bob's pause: her request reads and
    summarizes on its own."""
    fake = discord_fake
    settings = make_settings(tmp_path, cooldown_s=600, offline_cooldown_s=600)
    async with running(fake, settings) as bot:
        first = await fake.interaction(world.bob, world.general, "summarize", {"text": PASTE})
        await fake.wait_for(lambda: has_embeds(first), timeout=20)
        await fake.wait_for(lambda: not bot.cooldowns.busy(world.bob.id), timeout=10)
        fake.latency = 0.2  # Bob's read is still in flight when Carol asks
        bob = await fake.interaction(
            world.bob, world.general, "summarize", {"link": link(world.thread)}
        )
        carol = await fake.interaction(
            world.carol, world.general, "summarize", {"link": link(world.thread)}
        )
        await fake.wait_for(lambda: refusals(fake, bob), timeout=30)
        await fake.wait_for(lambda: has_embeds(carol) or texts_for(fake, carol), timeout=30)
        await fake.wait_for(lambda: has_embeds(carol) or refusals(fake, carol), timeout=30)
    assert not has_embeds(bob)
    assert has_embeds(carol) and not refusals(fake, carol)

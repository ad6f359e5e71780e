"""Every other way of asking, and the guard rails: context menus, the paste modal, this thread,
web links (loopback web server), cooldown, budget, an LLM that fails, deletes, late answers,
the admin command."""

from __future__ import annotations

import asyncio
import time

import pytest
from discord_helpers import (
    DEBATE,
    PASTE,
    World,
    all_text,
    link,
    make_settings,
    no_mentions_anywhere,
    running,
)
from fakes.fake_openai import FakeOpenAI, Reply, debate_responder
from fakes.fake_web import FakeWeb, hn_tree, serve_hn
from privacy_helpers import query

from bot.discord.guards import utc_day
from bot.discord.views import PASTE_INPUT_ID

pytestmark = pytest.mark.asyncio


def has_embeds(it) -> bool:  # noqa: ANN001
    return bool(
        (it.original and it.original.get("embeds")) or any(f.get("embeds") for f in it.followups)
    )


def texts_for(fake, it) -> str:  # noqa: ANN001
    return "\n".join(
        s.payload.get("content") or "" for s in fake.sent_messages() if s.interaction is it
    )


async def test_summarize_from_here(discord_fake, world: World, settings) -> None:
    fake = discord_fake
    start = world.thread.messages[3]
    async with running(fake, settings):
        it = await fake.message_command(world.bob, world.thread, "Summarize from here", start)
        await fake.wait_for(lambda: has_embeds(it), timeout=20)
    header = it.original["embeds"][0]["description"]
    assert f"{len(DEBATE) - 3} comments read" in header
    history = fake.history_requests(world.thread.id)
    assert history and history[0].query.get("after") == start["id"]


async def test_no_option_in_a_thread_summarizes_it(discord_fake, world: World, settings) -> None:
    fake = discord_fake
    async with running(fake, settings):
        it = await fake.interaction(world.carol, world.thread, "summarize", {})
        await fake.wait_for(lambda: has_embeds(it), timeout=20)
    assert f"{len(DEBATE)} comments read" in it.original["embeds"][0]["description"]


async def test_no_option_elsewhere_opens_the_paste_modal(
    discord_fake, world: World, settings
) -> None:
    fake = discord_fake
    async with running(fake, settings):
        it = await fake.interaction(world.carol, world.general, "summarize", {"private": True})
        await fake.wait_for(lambda: it.modal)
        assert it.response_type == 9
        submitted = await fake.submit_modal(world.carol, it, {PASTE_INPUT_ID: PASTE})
        await fake.wait_for(lambda: has_embeds(submitted), timeout=20)
    assert submitted.ephemeral  # private: answer only to me
    assert "8 comments read" in submitted.original["embeds"][0]["description"]


async def test_web_link_and_linked_discussion(discord_fake, world: World, tmp_path) -> None:
    fake = discord_fake
    with FakeWeb() as web:
        serve_hn(web, hn_tree(30))
        settings = make_settings(tmp_path, hn_api_base=f"{web.url}/v0")
        hn = "https://news.ycombinator.com/item?id=1"
        message = fake.add_message(world.general, world.dave, f"Good thread: <{hn}> worth a read")
        async with running(fake, settings):
            it = await fake.interaction(world.bob, world.general, "summarize", {"link": hn})
            await fake.wait_for(lambda: has_embeds(it), timeout=20)
            menu = await fake.message_command(
                world.carol, world.general, "Summarize linked discussion", message
            )
            await fake.wait_for(lambda: has_embeds(menu), timeout=20)
    assert "31 comments read" in it.original["embeds"][0]["description"]
    assert "news.ycombinator.com/item?id=" in str(it.original["embeds"])
    assert "cached" in menu.original["embeds"][0]["description"]
    assert web.requests  # fetched through the guarded client


async def test_web_link_to_a_private_address_is_refused(
    discord_fake, world: World, tmp_path
) -> None:
    fake = discord_fake
    settings = make_settings(tmp_path, allow_private_urls=False)
    async with running(fake, settings):
        it = await fake.interaction(
            world.bob, world.general, "summarize", {"link": "http://127.0.0.1:9/admin"}
        )
        await fake.wait_for(lambda: texts_for(fake, it), timeout=10)
    assert "refused" in texts_for(fake, it) and "loopback" in texts_for(fake, it)


async def test_linked_discussion_with_a_discord_link_checks_permissions(
    discord_fake, world: World, settings
) -> None:
    fake = discord_fake
    secret_link = link(world.secret, world.secret.messages[0], host="canary.discordapp.com")
    message = fake.add_message(world.general, world.alice, f"mods see {secret_link}")
    async with running(fake, settings):
        refused = await fake.message_command(
            world.bob, world.general, "Summarize linked discussion", message
        )
        await fake.wait_for(lambda: texts_for(fake, refused), timeout=10)
        allowed = await fake.message_command(
            world.alice, world.general, "Summarize linked discussion", message
        )
        await fake.wait_for(lambda: has_embeds(allowed), timeout=20)
    assert "can't summarize that link" in texts_for(fake, refused)
    assert "Sent only to you" in texts_for(fake, allowed)
    # Bob's refusal came before any read of the secret channel; Alice's read it.
    assert len(fake.history_requests(world.secret.id)) >= 1
    bob_part = [s for s in fake.sent_messages() if s.interaction is refused]
    assert all("SECRET" not in str(s.payload) for s in bob_part)


async def test_message_without_a_link(discord_fake, world: World, settings) -> None:
    fake = discord_fake
    message = fake.add_message(world.general, world.dave, "no links here")
    async with running(fake, settings):
        it = await fake.message_command(
            world.bob, world.general, "Summarize linked discussion", message
        )
        await fake.wait_for(lambda: texts_for(fake, it), timeout=10)
    assert "no link" in texts_for(fake, it) and it.ephemeral


async def test_cooldown(discord_fake, world: World, tmp_path) -> None:
    fake = discord_fake
    settings = make_settings(tmp_path, cooldown_s=600, offline_cooldown_s=600)
    async with running(fake, settings):
        first = await fake.interaction(world.bob, world.general, "summarize", {"text": PASTE})
        await fake.wait_for(lambda: has_embeds(first), timeout=20)
        second = await fake.interaction(world.bob, world.general, "summarize", {"text": "a\nb c"})
        await fake.wait_for(lambda: "another summary" in texts_for(fake, second), timeout=20)
        # A cached answer is free: the same paste again is not refused.
        cached = await fake.interaction(world.carol, world.general, "summarize", {"text": PASTE})
        await fake.wait_for(lambda: has_embeds(cached), timeout=20)
        carol_again = await fake.interaction(
            world.carol, world.general, "summarize", {"text": PASTE}
        )
        await fake.wait_for(lambda: has_embeds(carol_again), timeout=20)
    # Refused (it needs a run) privately: the public deferral is deleted, the refusal is an
    # ephemeral follow-up.
    refused = [s for s in fake.sent_messages() if s.interaction is second]
    assert "another summary in" in texts_for(fake, second) and not has_embeds(second)
    assert [s.ephemeral for s in refused if "another summary" in s.content] == [True]
    assert "cached" in carol_again.original["embeds"][0]["description"]


async def test_daily_budget(discord_fake, world: World, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    fake = discord_fake
    with FakeOpenAI(responder=debate_responder) as llm:
        settings = make_settings(
            tmp_path, model="openai/fake-model", api_base=llm.url, guild_daily_tokens=20_000
        )
        async with running(fake, settings) as bot:
            first = await fake.interaction(world.bob, world.general, "summarize", {"text": PASTE})
            await fake.wait_for(lambda: has_embeds(first), timeout=30)
            used = await bot.store.guild_usage(world.guild.id, utc_day())
            assert used.tokens > 0 and used.llm_calls >= 1
            # Settled with what the run used (the reserved estimate was larger).
            stored = query(tmp_path, "SELECT prompt_tokens + completion_tokens FROM results")
            assert [(used.tokens,)] == stored
            await bot.store.record_usage(
                world.guild.id, utc_day(), tokens=50_000, llm_calls=1, cached=False
            )
            calls = len(llm.requests)
            over = await fake.interaction(
                world.carol, world.general, "summarize", {"link": link(world.thread)}
            )
            await fake.wait_for(lambda: texts_for(fake, over), timeout=20)
            # Cached answers stay free when the budget is spent.
            again = await fake.interaction(world.dave, world.general, "summarize", {"text": PASTE})
            await fake.wait_for(lambda: has_embeds(again), timeout=20)
            owner = fake.users[world.guild.owner_id]
            admin = await fake.interaction(owner, world.general, "digest-admin usage", {})
            await fake.wait_for(lambda: texts_for(fake, admin), timeout=10)
    assert "LLM budget for today" in texts_for(fake, over)
    assert len(llm.requests) == calls  # nothing new was computed
    assert "cached" in again.original["embeds"][0]["description"]
    assert "of 20,000 tokens" in texts_for(fake, admin) and admin.ephemeral
    no_mentions_anywhere(fake)


async def test_llm_failure_falls_back_to_offline_shown_as_such(
    discord_fake, world: World, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    fake = discord_fake
    with FakeOpenAI() as llm:
        llm.queue(*[Reply(status=500) for _ in range(5)])
        settings = make_settings(
            tmp_path, model="openai/fake-model", api_base=llm.url, llm_max_retries=0
        )
        async with running(fake, settings):
            it = await fake.interaction(world.bob, world.general, "summarize", {"text": PASTE})
            await fake.wait_for(lambda: has_embeds(it), timeout=30)
    header = it.original["embeds"][0]["description"]
    assert "offline engine" in header
    assert "LLM was unavailable" in header
    assert llm.requests


async def eventually(check, timeout: float = 5.0) -> None:  # noqa: ANN001
    """Wait until the async `check()` is true (events are handled by the bot's own tasks)."""
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_deleted_message_or_channel_is_not_served_from_the_cache(
    discord_fake, world: World, settings
) -> None:
    fake = discord_fake
    async with running(fake, settings) as bot:

        async def entries() -> int:
            return (await bot.store.stats()).entries

        first = await fake.interaction(
            world.bob, world.general, "summarize", {"link": link(world.thread)}
        )
        await fake.wait_for(lambda: has_embeds(first), timeout=20)
        assert await entries() == 1
        fake.delete_message(world.thread, world.thread.messages[2]["id"])
        await eventually(lambda: _zero(entries))
        again = await fake.interaction(
            world.bob, world.general, "summarize", {"link": link(world.thread)}
        )
        await fake.wait_for(lambda: has_embeds(again), timeout=20)
        assert "fresh" in again.original["embeds"][0]["description"]
        assert await entries() == 1
        # Deleting the thread forgets what was made from it too.
        fake.delete_channel(world.thread)
        await eventually(lambda: _zero(entries))


async def _zero(count) -> bool:  # noqa: ANN001
    return await count() == 0


async def test_admin_purge_needs_manage_server(discord_fake, world: World, settings) -> None:
    fake = discord_fake
    async with running(fake, settings) as bot:
        it = await fake.interaction(world.bob, world.general, "summarize", {"text": PASTE})
        await fake.wait_for(lambda: has_embeds(it), timeout=20)
        denied = await fake.interaction(world.bob, world.general, "digest-admin purge", {})
        await fake.wait_for(lambda: texts_for(fake, denied), timeout=10)
        assert (await bot.store.stats()).entries == 1
        owner = fake.users[world.guild.owner_id]
        purge = await fake.interaction(owner, world.general, "digest-admin purge", {})
        await fake.wait_for(lambda: texts_for(fake, purge), timeout=10)
        assert (await bot.store.stats()).entries == 0
    assert "Manage Server" in texts_for(fake, denied) and denied.ephemeral
    assert "Removed 1 cached summary" in texts_for(fake, purge)


async def test_answer_after_the_token_expired_goes_to_the_channel(
    discord_fake, world: World, settings, monkeypatch
) -> None:
    from bot.discord import replies

    monkeypatch.setattr(replies, "TOKEN_LIFETIME_S", 0.0)
    fake = discord_fake
    async with running(fake, settings):
        it = await fake.interaction(world.bob, world.general, "summarize", {"text": PASTE})
        await fake.wait_for(
            lambda: fake.sent_messages(world.general.id, kind="channel"), timeout=20
        )
    [posted] = fake.sent_messages(world.general.id, kind="channel")
    assert posted.embeds and posted.files
    assert "Summary for bob" in posted.content
    assert posted.allowed_mentions == {"parse": []}
    assert it.response_type == 5
    assert not any("SECRET" in t for t in [all_text(fake)])


async def test_token_that_discord_expired_early_still_gets_the_answer_posted(
    discord_fake, world: World, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    fake = discord_fake
    with FakeOpenAI(latency=0.5, responder=debate_responder) as llm:
        settings = make_settings(tmp_path, model="openai/fake-model", api_base=llm.url)
        async with running(fake, settings):
            it = await fake.interaction(world.bob, world.general, "summarize", {"text": PASTE})
            await fake.wait_for(lambda: it.acknowledged)
            fake.age_interaction(it, 16 * 60)  # Discord's clock: the token is gone
            await fake.wait_for(
                lambda: fake.sent_messages(world.general.id, kind="channel"), timeout=20
            )
    [posted] = fake.sent_messages(world.general.id, kind="channel")
    assert posted.embeds and [f.filename for f in posted.files] == ["debate-digest.md"]
    assert posted.allowed_mentions == {"parse": []}


async def test_bad_requests_are_refused_before_any_work(
    discord_fake, world: World, tmp_path
) -> None:
    fake = discord_fake
    settings = make_settings(tmp_path, max_input_mb=0.001)  # about 1 KB
    big = fake.add_attachment("big.txt", "a line of debate text\n" * 200)
    async with running(fake, settings):
        both = await fake.interaction(
            world.bob, world.general, "summarize", {"text": "x", "link": link(world.thread)}
        )
        large = await fake.interaction(world.carol, world.general, "summarize", {"file": big})
        bad = await fake.interaction(
            world.dave, world.general, "summarize", {"link": "ftp://example.com/thread"}
        )
        for it in (both, large, bad):
            await fake.wait_for(lambda it=it: texts_for(fake, it), timeout=10)
    assert "not text and link" in texts_for(fake, both)
    assert "big.txt" in texts_for(fake, large) and "limit" in texts_for(fake, large)
    assert "http(s) URL" in texts_for(fake, bad)
    for it in (both, large, bad):
        assert it.response_type == 4 and it.ephemeral  # answered at once, privately, no defer
    assert fake.history_requests(world.thread.id) == []


async def test_leaving_a_guild_forgets_its_summaries(discord_fake, world: World, settings) -> None:
    fake = discord_fake
    async with running(fake, settings) as bot:
        it = await fake.interaction(world.bob, world.general, "summarize", {"text": PASTE})
        await fake.wait_for(lambda: has_embeds(it), timeout=20)
        assert (await bot.store.stats()).entries == 1
        fake.dispatch("GUILD_DELETE", {"id": str(world.guild.id)})

        async def gone() -> bool:
            return (await bot.store.stats()).entries == 0

        await eventually(gone)


async def test_language_and_the_points_setting_reach_the_llm_prompt(
    discord_fake, world: World, tmp_path, monkeypatch
) -> None:
    """The bot builds its options with `Options.from_settings`, like the CLI."""
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    fake = discord_fake
    with FakeOpenAI(responder=debate_responder) as llm:
        settings = make_settings(
            tmp_path, model="openai/fake-model", api_base=llm.url, max_points_per_side=2
        )
        async with running(fake, settings):
            it = await fake.interaction(
                world.bob, world.general, "summarize", {"text": PASTE, "language": "German"}
            )
            await fake.wait_for(lambda: has_embeds(it), timeout=30)
    system = llm.requests[0]["messages"][0]["content"]
    assert "Write the summary in German." in system
    assert "at most 2 " in system


async def test_without_a_language_the_askers_discord_language_is_the_default(
    discord_fake, world: World, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    fake = discord_fake
    with FakeOpenAI(responder=debate_responder) as llm:
        settings = make_settings(tmp_path, model="openai/fake-model", api_base=llm.url)
        async with running(fake, settings):
            it = await fake.interaction(
                world.bob, world.general, "summarize", {"text": PASTE}, locale="fr"
            )
            await fake.wait_for(lambda: has_embeds(it), timeout=30)
    system = llm.requests[0]["messages"][0]["content"]
    assert "Write the summary in French." in system

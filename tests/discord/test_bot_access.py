"""Reading rules against the fake Discord: private threads, forum posts, the bot's own missing
permissions, the Message Content intent; and `run` / `sync-commands` against it."""

from __future__ import annotations

import asyncio

import pytest
from discord_helpers import DEBATE, World, link, make_settings, no_mentions_anywhere, running
from pydantic import SecretStr

from bot.discord.app import main, sync_commands
from bot.errors import ConfigError
from bot.testing import ChannelType, FakeDiscord, Overwrite, P

pytestmark = pytest.mark.asyncio


def texts_for(fake, it) -> str:  # noqa: ANN001
    return "\n".join(
        s.payload.get("content") or "" for s in fake.sent_messages() if s.interaction is it
    )


def has_embeds(it) -> bool:  # noqa: ANN001
    return bool(
        (it.original and it.original.get("embeds")) or any(f.get("embeds") for f in it.followups)
    )


async def test_private_thread_needs_membership_or_manage_threads(
    discord_fake, world: World, settings
) -> None:
    fake = discord_fake
    private = fake.add_thread(
        world.general, "mods only", private=True, owner=world.alice, members=[fake.bot_user]
    )
    fake.add_messages(private, [(world.alice, "PRIVATE-THREAD: the plan is X and Y.")])
    async with running(fake, settings):
        refused = await fake.interaction(
            world.bob, world.general, "summarize", {"link": link(private)}
        )
        await fake.wait_for(lambda: texts_for(fake, refused), timeout=10)
        owner = await fake.interaction(
            world.alice, world.general, "summarize", {"link": link(private)}
        )
        await fake.wait_for(lambda: any(f.get("embeds") for f in owner.followups), timeout=20)
    assert "can't summarize that link" in texts_for(fake, refused)
    reads = fake.history_requests(private.id)
    assert len(reads) >= 1  # only alice's request read it
    assert "private thread" in texts_for(fake, owner)  # told why it is private
    public = [s for s in fake.sent_messages() if not s.ephemeral]
    assert all("PRIVATE-THREAD" not in str(s.payload) for s in public)


async def test_forum_post_is_a_thread(discord_fake, world: World, settings) -> None:
    fake = discord_fake
    forum = fake.add_channel(world.guild, "ideas", ChannelType.forum)
    post = fake.add_thread(forum, "Should we go remote?", owner=world.alice)
    fake.add_messages(post, [(world.users[name], text) for name, text in DEBATE])
    async with running(fake, settings):
        it = await fake.interaction(world.bob, post, "summarize", {})
        await fake.wait_for(lambda: has_embeds(it), timeout=20)
    assert f"{len(DEBATE)} comments read" in it.original["embeds"][0]["description"]
    assert "Should we go remote?" in it.original["embeds"][0]["title"]


async def test_bot_missing_permissions_are_named(discord_fake, world: World, settings) -> None:
    fake = discord_fake
    locked = fake.add_channel(
        world.guild,
        "no-bot-history",
        overwrites=[Overwrite.member(fake.bot_user, deny=P.READ_MESSAGE_HISTORY)],
    )
    fake.add_messages(locked, [(world.bob, "hello there")])
    async with running(fake, settings):
        it = await fake.interaction(world.bob, world.general, "summarize", {"link": link(locked)})
        await fake.wait_for(lambda: texts_for(fake, it), timeout=10)
        here = await fake.interaction(world.bob, locked, "summarize", {"link": link(locked)})
        await fake.wait_for(lambda: texts_for(fake, here), timeout=10)
    assert "Read Message History" in texts_for(fake, it)
    assert fake.history_requests(locked.id) == []
    no_mentions_anywhere(fake)


async def test_message_content_intent_off_is_explained(tmp_path) -> None:
    async with FakeDiscord(message_content=False) as fake:
        guild = fake.add_guild("Debates")
        bob = fake.add_user("bob")
        fake.add_member(guild, bob)
        general = fake.add_channel(guild, "general")
        thread = fake.add_thread(general, "t", owner=bob)
        fake.add_messages(thread, [(bob, "one two three four five six")])
        settings = make_settings(tmp_path, message_content_intent=False)
        async with running(fake, settings):
            it = await fake.interaction(bob, general, "summarize", {"link": link(thread)})
            await fake.wait_for(lambda: texts_for(fake, it), timeout=10)
            pasted = await fake.interaction(bob, general, "summarize", {"text": "a b c\nd e f"})
            await fake.wait_for(lambda: has_embeds(pasted), timeout=20)
        assert "Message Content intent" in texts_for(fake, it)
        assert fake.history_requests(thread.id) == []
        assert fake.intents is not None and not fake.intents & (1 << 15)


async def test_sync_commands_and_run(discord_fake, world: World, tmp_path) -> None:
    fake = discord_fake
    settings = make_settings(tmp_path, discord_token=SecretStr(fake.token))
    with fake.patched():
        names = await sync_commands(settings, world.guild.id)
        assert sorted(names) == [
            "Summarize from here",
            "Summarize linked discussion",
            "digest",
            "digest-admin",
            "summarize",
        ]
        registered = {c["name"]: c for c in fake.guild_commands[world.guild.id]}
        assert {o["name"] for o in registered["summarize"]["options"]} == {
            "text", "link", "file", "private", "language",
        }  # fmt: skip
        assert registered["Summarize from here"]["type"] == 3
        assert fake.global_commands == []

        bots = []

        async def ready(bot) -> None:  # noqa: ANN001
            bots.append(bot)

        task = asyncio.create_task(main(settings, ready=ready))
        await fake.wait_for(lambda: fake.connected and bots and bots[0].is_ready(), timeout=10)
        it = await fake.interaction(world.bob, world.general, "summarize", {"text": "x y z\na b c"})
        await fake.wait_for(lambda: has_embeds(it), timeout=20)
        await bots[0].close()
        await asyncio.wait_for(task, 10)

        bad = make_settings(tmp_path, discord_token=SecretStr("wrong.token.here"))
        with pytest.raises(ConfigError, match="rejected"):
            await main(bad)


async def test_auto_sharded_bot(discord_fake, world: World, settings) -> None:
    from bot.discord.app import build_bot
    from bot.discord.client import AutoShardedDigestBot
    from bot.store import open_store

    fake = discord_fake
    async with open_store(settings.database_url) as store:
        bot = build_bot(settings, store=store, shards="auto")
        assert isinstance(bot, AutoShardedDigestBot)
        async with fake.run_client(bot):
            it = await fake.interaction(world.bob, world.thread, "summarize", {})
            await fake.wait_for(lambda: has_embeds(it), timeout=20)
    assert f"{len(DEBATE)} comments read" in it.original["embeds"][0]["description"]


async def test_intent_not_granted_by_the_portal_is_one_clear_error(tmp_path) -> None:
    async with FakeDiscord(message_content=False) as fake:
        fake.add_guild("Debates")
        settings = make_settings(tmp_path, discord_token=SecretStr(fake.token))
        with fake.patched(), pytest.raises(ConfigError, match="Message Content intent"):
            await asyncio.wait_for(main(settings), 20)

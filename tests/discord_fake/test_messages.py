"""Message shapes the bot reads: system messages, bot authors, replies, attachments, threads."""

from __future__ import annotations

import discord
import pytest
from fakes.discord_server import FakeDiscord, MessageType

from .conftest import World


def client() -> discord.Client:
    intents = discord.Intents.default()
    intents.message_content = True
    return discord.Client(intents=intents)


async def test_system_bot_and_reply_messages_parse(discord_fake: FakeDiscord, world: World) -> None:
    fake = discord_fake
    other_bot = fake.add_user("helper-bot", bot=True)
    fake.add_member(world.guild, other_bot)
    att = fake.add_attachment("notes.txt", "raw notes")
    first, *_ = fake.add_messages(
        world.general,
        [
            (world.alice, "claim"),
            (world.bob, "counter", None),
            {"author": world.bob, "content": "", "type": MessageType.new_member},
            {"author": world.alice, "content": "", "type": MessageType.pins_add},
            {"author": world.alice, "content": "a thread", "type": MessageType.thread_created},
            {"author": other_bot, "content": "beep"},
            {"author": world.alice, "content": "see file", "attachments": [att]},
        ],
    )
    fake.add_message(world.general, world.bob, "replying", reply_to=first)
    bot = client()
    async with fake.run_client(bot):
        history = [m async for m in bot.get_channel(world.general.id).history(oldest_first=True)]
        data = await history[6].attachments[0].read()
    assert [m.type for m in history] == [
        discord.MessageType.default,
        discord.MessageType.default,
        discord.MessageType.new_member,
        discord.MessageType.pins_add,
        discord.MessageType.thread_created,
        discord.MessageType.default,
        discord.MessageType.default,
        discord.MessageType.reply,
    ]
    assert history[5].author.bot and not history[0].author.bot
    assert history[7].reference.message_id == int(first["id"])
    assert history[7].reference.resolved.content == "claim"
    assert data == b"raw notes"
    # timestamps increase with the ids
    stamps = [m.created_at for m in history]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


async def test_threads_members_and_archives(discord_fake: FakeDiscord, world: World) -> None:
    fake = discord_fake
    old = fake.add_thread(world.general, "old", archived=True, owner=world.bob)
    bot = client()
    async with fake.run_client(bot):
        general = bot.get_channel(world.general.id)
        archived = [t async for t in general.archived_threads()]
        members = await bot.get_guild(world.guild.id).get_thread(world.thread.id).fetch_members()
        fetched = await bot.fetch_channel(world.thread.id)
    assert [t.id for t in archived] == [old.id] and archived[0].archived
    assert {m.id for m in members} == {world.alice.id, world.bob.id}
    assert isinstance(fetched, discord.Thread) and fetched.parent_id == world.general.id
    assert bot.get_guild(world.guild.id).get_thread(old.id) is None  # not in GUILD_CREATE


async def test_sent_message_comes_back_over_the_gateway(
    discord_fake: FakeDiscord, world: World
) -> None:
    bot = client()
    seen: list[discord.Message] = []

    async def on_message(message: discord.Message) -> None:
        seen.append(message)

    bot.on_message = on_message  # type: ignore[attr-defined]
    async with discord_fake.run_client(bot):
        await bot.get_channel(world.general.id).send("echo")
        await discord_fake.wait_for(lambda: seen)
    assert seen[0].author.id == discord_fake.bot_user.id and seen[0].content == "echo"


async def test_auto_sharded_client_uses_gateway_bot(
    discord_fake: FakeDiscord, world: World
) -> None:
    intents = discord.Intents.default()
    bot = discord.AutoShardedClient(intents=intents)
    async with discord_fake.run_client(bot):
        assert bot.shard_count == 1 and bot.get_guild(world.guild.id) is not None
    assert discord_fake.requests_to("GET", "^/gateway/bot$")


async def test_pins(discord_fake: FakeDiscord, world: World) -> None:
    fake = discord_fake
    fake.add_message(world.general, world.alice, "rules", pinned=True)
    fake.add_message(world.general, world.alice, "chatter")
    fake.add_message(world.general, world.bob, "faq", pinned=True)
    bot = client()
    async with fake.run_client(bot):
        pins = [m.content async for m in bot.get_channel(world.general.id).pins()]
    assert pins == ["faq", "rules"]


async def test_bot_starts_threads_and_reacts(discord_fake: FakeDiscord, world: World) -> None:
    fake = discord_fake
    [claim] = fake.add_messages(world.general, [(world.alice, "claim")])
    bot = client()
    async with fake.run_client(bot):
        channel = bot.get_channel(world.general.id)
        message = await channel.fetch_message(int(claim["id"]))
        await message.add_reaction("👍")
        from_message = await message.create_thread(name="Digest")
        standalone = await channel.create_thread(
            name="Notes", type=discord.ChannelType.public_thread
        )
        await from_message.send("summary goes here")
        await fake.wait_for(lambda: bot.get_channel(standalone.id))
    assert from_message.id == int(claim["id"]) and from_message.parent_id == world.general.id
    assert fake.channels[standalone.id].name == "Notes"
    assert fake.sent_messages(from_message.id)[0].content == "summary goes here"
    assert fake.requests_to("PUT", "/reactions/")[0].status == 204


async def test_direct_messages(discord_fake: FakeDiscord, world: World) -> None:
    fake = discord_fake
    closed = fake.add_user("closed", dms_open=False)
    fake.add_member(world.guild, closed)
    bot = client()
    async with fake.run_client(bot):
        alice = await bot.fetch_user(world.alice.id)
        sent = await alice.send("your summary")
        with pytest.raises(discord.Forbidden) as info:
            await (await bot.fetch_user(closed.id)).send("hi")
    assert info.value.code == 50007
    dm = fake.dm_channel(world.alice)
    [record] = fake.sent_messages(dm.id)
    assert record.content == "your summary" and sent.channel.id == dm.id
    assert "guild_id" not in record.message

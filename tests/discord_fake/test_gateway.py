"""Login, READY and GUILD_CREATE, gateway dispatches and RESUME, with the real discord.py."""

from __future__ import annotations

import asyncio

import discord
from fakes.discord_server import FakeDiscord

from .conftest import World


def client(*, members: bool = False) -> discord.Client:
    intents = discord.Intents.default()
    intents.message_content = True
    intents.members = members
    return discord.Client(intents=intents)


async def test_without_members_intent_only_the_bot_member_arrives(
    discord_fake: FakeDiscord, world: World
) -> None:
    bot = client()
    async with discord_fake.run_client(bot):
        guild = bot.get_guild(world.guild.id)
        assert guild.me is not None
        assert guild.get_member(world.alice.id) is None
        assert guild.member_count == len(world.guild.members)


async def test_login_fills_the_cache(discord_fake: FakeDiscord, world: World) -> None:
    bot = client(members=True)
    async with discord_fake.run_client(bot):
        assert bot.user is not None and bot.user.id == discord_fake.bot_user.id
        assert bot.application_id == discord_fake.application_id
        guild = bot.get_guild(world.guild.id)
        assert guild is not None and guild.name == "Debates"
        assert {c.name for c in guild.channels} == {
            "Talk",
            "general",
            "secret",
            "announcements-ish",
            "Voice",
            "ideas",
            "news",
        }
        assert isinstance(guild.get_channel(world.general.id), discord.TextChannel)
        assert guild.get_channel(world.general.id).category.id == world.category.id
        assert isinstance(guild.get_channel(world.voice.id), discord.VoiceChannel)
        assert isinstance(guild.get_channel(world.forum.id), discord.ForumChannel)
        assert guild.get_channel(world.forum.id).is_nsfw()
        assert guild.get_channel(world.news.id).is_news()
        thread = guild.get_thread(world.thread.id)
        assert thread is not None and thread.parent_id == world.general.id
        private = guild.get_thread(world.private_thread.id)
        assert private is not None and private.is_private()
        assert {r.name for r in guild.roles} == {"@everyone", "mods"}
        me = guild.me
        assert me is not None and me.id == discord_fake.bot_user.id
        alice = guild.get_member(world.alice.id)
        assert alice is not None and [r.name for r in alice.roles][-1] == "mods"
        # overwrites as discord.py reads them
        assert not guild.get_channel(world.secret.id).permissions_for(me).view_channel
        assert guild.get_channel(world.secret.id).permissions_for(alice).view_channel
        assert not guild.get_channel(world.no_history.id).permissions_for(me).read_message_history
    assert discord_fake.requests_to("GET", "^/users/@me$")
    assert discord_fake.unknown_requests == []


async def test_identify_records_intents(discord_fake: FakeDiscord, world: World) -> None:
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    async with discord_fake.run_client(discord.Client(intents=intents)):
        pass
    assert discord_fake.intents == intents.value
    assert discord_fake.identify_payloads[0]["token"] == discord_fake.token


async def test_message_content_intent_refused_when_not_enabled(world: World) -> None:
    async with FakeDiscord(message_content=False) as fake:
        fake.add_guild("x")
        try:
            async with fake.run_client(client(), ready_timeout=5):
                raise AssertionError("should not get ready")
        except discord.PrivilegedIntentsRequired:
            pass


async def test_dispatches_reach_the_cache(discord_fake: FakeDiscord, world: World) -> None:
    bot = client()
    created: list[discord.Message] = []
    deleted: list[int] = []
    channels_deleted: list[int] = []
    threads_deleted: list[int] = []

    async def on_message(message: discord.Message) -> None:
        created.append(message)

    async def on_raw_message_delete(payload: discord.RawMessageDeleteEvent) -> None:
        deleted.append(payload.message_id)

    async def on_guild_channel_delete(channel: discord.abc.GuildChannel) -> None:
        channels_deleted.append(channel.id)

    async def on_raw_thread_delete(payload: discord.RawThreadDeleteEvent) -> None:
        threads_deleted.append(payload.thread_id)

    for fn in (on_message, on_raw_message_delete, on_guild_channel_delete, on_raw_thread_delete):
        setattr(bot, fn.__name__, fn)

    async with discord_fake.run_client(bot):
        msg = discord_fake.post_message(world.general, world.alice, "hello")
        await discord_fake.wait_for(lambda: created)
        assert created[0].content == "hello" and created[0].author.id == world.alice.id
        discord_fake.delete_message(world.general, msg["id"])
        discord_fake.delete_channel(world.thread)
        discord_fake.delete_channel(world.voice)
        await discord_fake.wait_for(lambda: deleted and threads_deleted and channels_deleted)
        assert deleted == [int(msg["id"])]
        assert threads_deleted == [world.thread.id]
        assert channels_deleted == [world.voice.id]
        assert bot.get_guild(world.guild.id).get_channel(world.voice.id) is None


async def test_guild_added_later_is_dispatched(discord_fake: FakeDiscord, world: World) -> None:
    bot = client()
    joined: list[discord.Guild] = []

    async def on_guild_join(guild: discord.Guild) -> None:
        joined.append(guild)

    bot.on_guild_join = on_guild_join  # type: ignore[attr-defined]
    async with discord_fake.run_client(bot):
        new = discord_fake.add_guild("Later")
        await discord_fake.wait_for(lambda: joined)
        assert joined[0].id == new.id and bot.get_guild(new.id) is not None


async def test_resume_after_disconnect(discord_fake: FakeDiscord, world: World) -> None:
    bot = client()
    resumed = asyncio.Event()

    async def on_resumed() -> None:
        resumed.set()

    bot.on_resumed = on_resumed  # type: ignore[attr-defined]
    async with discord_fake.run_client(bot):
        session = discord_fake.identify_payloads and bot.ws.session_id
        await discord_fake.disconnect_clients(4000)
        await asyncio.wait_for(resumed.wait(), 10)
        assert discord_fake.resume_payloads[0]["session_id"] == session
        assert len(discord_fake.identify_payloads) == 1
        assert bot.get_guild(world.guild.id) is not None


async def test_message_events_follow_the_intents(discord_fake: FakeDiscord, world: World) -> None:
    intents = discord.Intents.default()
    intents.message_content = False
    bot = discord.Client(intents=intents)
    seen: list[discord.Message] = []

    async def on_message(message: discord.Message) -> None:
        seen.append(message)

    bot.on_message = on_message  # type: ignore[attr-defined]
    async with discord_fake.run_client(bot):
        discord_fake.post_message(world.general, world.alice, "private words")
        await discord_fake.wait_for(lambda: seen)
    assert seen[0].content == ""  # no Message Content intent requested

    quiet = discord.Intents.default()
    quiet.guild_messages = False
    bot = discord.Client(intents=quiet)
    bot.on_message = on_message  # type: ignore[attr-defined]
    events: list[str] = []

    async def on_socket_event_type(event_type: str) -> None:
        events.append(event_type)

    bot.on_socket_event_type = on_socket_event_type  # type: ignore[attr-defined]
    seen.clear()
    async with discord_fake.run_client(bot):
        discord_fake.post_message(world.general, world.alice, "unseen")
        # The gateway is ordered: once a later event has arrived, the message would have too.
        discord_fake.dispatch("GUILD_UPDATE", {"id": str(world.guild.id), "name": "later"})
        await discord_fake.wait_for(lambda: "GUILD_UPDATE" in events)
    assert seen == [] and "MESSAGE_CREATE" not in events

"""History, sending, permissions, limits and recording over the fake's REST API."""

from __future__ import annotations

import io
import time

import discord
import pytest
from fakes.discord_server import FakeDiscord, MessageType

from .conftest import World


def client() -> discord.Client:
    intents = discord.Intents.default()
    intents.message_content = True
    return discord.Client(intents=intents)


async def test_history_of_250_messages_in_order(discord_fake: FakeDiscord, world: World) -> None:
    discord_fake.add_messages(world.general, [(world.alice, f"m{i}") for i in range(250)])
    bot = client()
    async with discord_fake.run_client(bot):
        channel = bot.get_channel(world.general.id)
        oldest_first = [m.content async for m in channel.history(limit=None, oldest_first=True)]
        newest_first = [m.content async for m in channel.history(limit=None)]
    expected = [f"m{i}" for i in range(250)]
    assert oldest_first == expected
    assert newest_first == expected[::-1]
    pages = discord_fake.history_requests(world.general.id)
    assert [p.query.get("limit") for p in pages] == ["100"] * 6
    assert all(p.status == 200 for p in pages)


async def test_history_anchors_match_discord(discord_fake: FakeDiscord, world: World) -> None:
    msgs = discord_fake.add_messages(world.general, [(world.bob, f"m{i}") for i in range(30)])
    ids = [int(m["id"]) for m in msgs]
    bot = client()
    async with discord_fake.run_client(bot):
        channel = bot.get_channel(world.general.id)
        after = [m.content async for m in channel.history(limit=5, after=discord.Object(ids[9]))]
        before = [m.content async for m in channel.history(limit=5, before=discord.Object(ids[9]))]
        around = [m.content async for m in channel.history(limit=5, around=discord.Object(ids[15]))]
    assert after == ["m10", "m11", "m12", "m13", "m14"]  # oldest first by default with after
    assert before == ["m8", "m7", "m6", "m5", "m4"]
    assert "m15" in around and len(around) == 5
    raw_after = discord_fake.requests_to("GET", "/messages$")[0].response
    assert [m["content"] for m in raw_after] == ["m14", "m13", "m12", "m11", "m10"]


async def test_history_limit_over_100_is_400(discord_fake: FakeDiscord, world: World) -> None:
    bot = client()
    async with discord_fake.run_client(bot):
        with pytest.raises(discord.HTTPException) as info:
            await bot.http.logs_from(world.general.id, 101)
    assert info.value.status == 400 and info.value.code == 50035


async def test_unreadable_channels_are_403(discord_fake: FakeDiscord, world: World) -> None:
    discord_fake.add_messages(world.secret, [(world.alice, "hidden")])
    bot = client()
    async with discord_fake.run_client(bot):
        guild = bot.get_guild(world.guild.id)
        with pytest.raises(discord.Forbidden) as hidden:
            [m async for m in guild.get_channel(world.secret.id).history(limit=10)]
        with pytest.raises(discord.Forbidden) as no_history:
            [m async for m in guild.get_channel(world.no_history.id).history(limit=10)]
        with pytest.raises(discord.Forbidden):
            await guild.get_channel(world.secret.id).send("hi")
    assert hidden.value.code == 50001 and no_history.value.code == 50013


async def test_thread_history_and_private_thread_access(
    discord_fake: FakeDiscord, world: World
) -> None:
    discord_fake.add_messages(world.private_thread, [(world.alice, "psst")])
    outsider = discord_fake.add_thread(world.general, "not for the bot", private=True)
    bot = client()
    async with discord_fake.run_client(bot):
        assert bot.get_guild(world.guild.id).get_thread(outsider.id) is None
        thread = bot.get_guild(world.guild.id).get_thread(world.private_thread.id)
        assert [m.content async for m in thread.history()] == ["psst"]
        with pytest.raises(discord.Forbidden):
            await bot.http.logs_from(outsider.id, 10)


async def test_send_records_files_mentions_and_replies(
    discord_fake: FakeDiscord, world: World
) -> None:
    [question] = discord_fake.add_messages(world.general, [(world.alice, "summary please")])
    bot = client()
    async with discord_fake.run_client(bot):
        channel = bot.get_channel(world.general.id)
        original = await channel.fetch_message(int(question["id"]))
        sent = await original.reply(
            "here @everyone",
            file=discord.File(io.BytesIO(b"# Summary\n"), filename="summary.md"),
            allowed_mentions=discord.AllowedMentions.none(),
        )
        data = await sent.attachments[0].read()
        await sent.edit(content="edited")
        await sent.delete()
    assert data == b"# Summary\n"
    [post, edit] = discord_fake.sent_messages(world.general.id)
    assert post.kind == "channel" and post.payload["allowed_mentions"]["parse"] == []
    assert post.files[0].filename == "summary.md" and post.files[0].content == b"# Summary\n"
    assert post.message["type"] == MessageType.reply
    assert post.message["message_reference"]["message_id"] == question["id"]
    assert edit.kind == "edit" and edit.content == "edited"
    assert discord_fake.requests_to("DELETE", r"/messages/\d+$")[0].status == 204
    assert [m["content"] for m in world.general.messages] == ["summary please"]


async def test_embed_limits_are_enforced_and_recorded(
    discord_fake: FakeDiscord, world: World
) -> None:
    bot = client()
    async with discord_fake.run_client(bot):
        channel = bot.get_channel(world.general.id)
        too_long = discord.Embed(title="t" * 257, description="d" * 4097)
        with pytest.raises(discord.HTTPException) as info:
            await channel.send(embed=too_long)
        with pytest.raises(discord.HTTPException):
            await channel.send("x" * 2001)
        many = [discord.Embed(description="d" * 1000) for _ in range(7)]
        with pytest.raises(discord.HTTPException):
            await channel.send(embeds=many)
        fields = discord.Embed(title="ok")
        for i in range(26):
            fields.add_field(name=f"f{i}", value="v" * 10)
        with pytest.raises(discord.HTTPException):
            await channel.send(embed=fields)
        ok = await channel.send(embed=discord.Embed(title="t" * 256, description="d" * 4096))
    assert info.value.status == 400 and info.value.code == 50035
    problems = [v["problems"] for v in discord_fake.limit_violations]
    assert problems == [
        ["embeds[0].title: 257 > 256", "embeds[0].description: 4097 > 4096"],
        ["content: 2001 > 2000"],
        ["embeds total: 7000 > 6000"],
        ["embeds[0].fields: 26 > 25"],
    ]
    assert [s.message["id"] for s in discord_fake.sent_messages()] == [str(ok.id)]


async def test_unknown_routes_are_recorded(discord_fake: FakeDiscord, world: World) -> None:
    bot = client()
    async with discord_fake.run_client(bot):
        with pytest.raises(discord.NotFound):
            await bot.http.request(discord.http.Route("GET", "/sticker-packs"))
    assert [r.path for r in discord_fake.unknown_requests] == ["/sticker-packs"]
    assert discord_fake.unknown_requests[0].response == {"message": "404: Not Found", "code": 0}


async def test_rate_limit_knob_is_retried_by_discord_py(
    discord_fake: FakeDiscord, world: World
) -> None:
    bot = client()
    async with discord_fake.run_client(bot):
        discord_fake.rate_limit_next = 1
        await bot.get_channel(world.general.id).send("after a 429")
    statuses = [r.status for r in discord_fake.requests_to("POST", "/messages$")]
    assert statuses == [429, 200]


async def test_guild_routes_and_headers(discord_fake: FakeDiscord, world: World) -> None:
    bot = client()
    async with discord_fake.run_client(bot):
        guild = await bot.fetch_guild(world.guild.id, with_counts=True)
        member = await guild.fetch_member(world.alice.id)
        channels = await guild.fetch_channels()
        roles = await guild.fetch_roles()
        threads = await guild.active_threads()
        channel = await bot.fetch_channel(world.general.id)
    assert guild.approximate_member_count == len(world.guild.members)
    assert [r.id for r in member.roles] == [world.guild.id, world.mods.id]
    assert world.thread.id in {t.id for t in threads}
    assert {c.id for c in channels} >= {world.general.id, world.voice.id}
    assert {r.name for r in roles} == {"@everyone", "mods"}
    assert channel.id == world.general.id
    auth = discord_fake.requests_to("GET", "^/users/@me$")[0].headers["Authorization"]
    assert auth == f"Bot {discord_fake.token}"


async def test_message_content_blanked_without_the_intent(world: World) -> None:
    async with FakeDiscord(message_content=False) as fake:
        guild = fake.add_guild("g")
        channel = fake.add_channel(guild, "c")
        user = fake.add_user("u")
        fake.add_member(guild, user)
        fake.add_messages(channel, [(user, "secret words")])
        async with fake.run_client(discord.Client(intents=discord.Intents.default())) as bot:
            got = [m.content async for m in bot.get_channel(channel.id).history()]
    assert got == [""]


async def test_latency_knob(discord_fake: FakeDiscord, world: World) -> None:
    bot = client()
    async with discord_fake.run_client(bot):
        discord_fake.latency = 0.05
        start = time.perf_counter()
        await bot.fetch_channel(world.general.id)
        assert time.perf_counter() - start >= 0.05

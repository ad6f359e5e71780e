"""Reading a long history keeps its CPU work off the event loop: the pages are read raw through
discord.py's HTTP client and made into comments in a worker thread, with the same comments as
discord.py's `Message` objects give (names, replies, attachments, notices left out)."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import discord
import pytest
from fakes.discord.discord_state import MessageType
from fakes.discord_server import FakeDiscord

from bot.digest.since import Since
from bot.discord.since import read_since
from bot.ingest.discord_links import Source, messages_to_thread, read_history

from .conftest import World


def _client() -> discord.Client:
    intents = discord.Intents.default()
    intents.message_content = True
    return discord.Client(intents=intents)


def _debate(fake: FakeDiscord, world: World, channel: Any) -> None:
    """Every kind of message the reader treats differently."""
    carol = fake.add_user("carol")
    fake.add_member(world.guild, carol, nick="Caz")  # a nickname in this guild
    robot = fake.add_user("robot", bot=True)
    fake.add_member(world.guild, robot)
    stranger = fake.add_user("stranger")  # not (or no longer) a member
    first = fake.add_message(channel, world.alice, "  Opening claim, padded.  ")
    fake.add_message(channel, carol, "I disagree with that", reply_to=first)
    fake.add_message(channel, robot, "beep: a bot's message")
    fake.add_message(channel, stranger, "someone who left")
    fake.add_message(channel, world.bob, "", attachments=[fake.add_attachment("notes.txt", "x")])
    fake.add_message(channel, world.bob, "", type=MessageType.pins_add)  # a notice
    fake.add_message(channel, world.bob, "   ")  # no text
    fake.add_messages(channel, [(world.bob, f"point {i}") for i in range(230)])


@pytest.mark.parametrize("where", ["thread", "general"])
async def test_raw_pages_give_the_comments_discord_py_messages_give(
    discord_fake: FakeDiscord, world: World, where: str
) -> None:
    channel = getattr(world, where)
    _debate(discord_fake, world, channel)
    bot = _client()
    async with discord_fake.run_client(bot):
        source_channel = bot.get_channel(channel.id)
        assert source_channel is not None
        thread = await read_history(Source(channel=source_channel), limit=500)
        if where == "thread":
            messages = [m async for m in source_channel.history(limit=500, oldest_first=True)]
        else:
            messages = [m async for m in source_channel.history(limit=500)][::-1]
        expected = messages_to_thread(messages, title=thread.title, url=thread.url)
        # a cut at the limit: the newest messages of the channel, the oldest of a thread
        cut = await read_history(Source(channel=source_channel), limit=150)
    assert thread.comments == expected.comments
    by_text = {c.text: c for c in thread.comments}
    assert by_text["I disagree with that"].author == "Caz"
    assert by_text["I disagree with that"].reply_to == by_text["Opening claim, padded."].id
    assert by_text["beep: a bot's message"].is_bot
    assert by_text["[attachment: notes.txt]"].author == "bob"
    assert by_text["someone who left"].author == "stranger"
    assert len(thread.comments) == 5 + 230
    assert len(cut.comments) == (148 if where == "thread" else 150) and cut.notes
    texts = [c.text for c in cut.comments]
    if where == "thread":
        assert texts[0] == "Opening claim, padded."
    else:
        assert texts[-1] == "point 229" and texts[0] == "point 80"


async def test_a_message_link_reads_from_that_message_on(
    discord_fake: FakeDiscord, world: World
) -> None:
    posted = discord_fake.add_messages(world.general, [(world.alice, f"m{i}") for i in range(250)])
    bot = _client()
    async with discord_fake.run_client(bot):
        channel = bot.get_channel(world.general.id)
        assert isinstance(channel, discord.TextChannel)
        start = await channel.fetch_message(int(posted[40]["id"]))
        thread = await read_history(Source(channel=channel, start=start), limit=120)
    assert [c.text for c in thread.comments] == [f"m{i}" for i in range(40, 160)]


async def test_no_discord_message_is_built_on_the_event_loop(
    discord_fake: FakeDiscord, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    discord_fake.add_messages(world.thread, [(world.alice, f"point {i}") for i in range(300)])
    bot = _client()
    built_on_loop = []
    original = discord.Message.__init__

    def counting(self: discord.Message, **kwargs: Any) -> None:
        if threading.current_thread() is threading.main_thread():
            built_on_loop.append(kwargs["data"]["id"])
        original(self, **kwargs)

    async with discord_fake.run_client(bot):
        channel = bot.get_channel(world.thread.id)
        monkeypatch.setattr(discord.Message, "__init__", counting)
        kept: list[str] = []

        def keep(message: Any) -> bool:  # runs off the loop too
            kept.append(threading.current_thread().name)
            return message.author.id == world.alice.id and not message.is_system()

        thread = await read_history(Source(channel=channel), limit=1000, keep=keep)
    assert len(thread.comments) == 300
    assert built_on_loop == []
    assert kept and threading.main_thread().name not in kept
    assert len(discord_fake.history_requests(world.thread.id)) == 4  # 100 a request


async def test_since_reads_raw_pages_back_to_the_asker_or_the_span(
    discord_fake: FakeDiscord, world: World
) -> None:
    discord_fake.add_message(world.general, world.bob, "long ago")
    discord_fake.add_message(world.general, world.alice, "my last word")
    discord_fake.ids.tick(5 * 3600)
    discord_fake.add_messages(world.general, [(world.bob, f"new {i}") for i in range(150)])
    now = discord_fake.ids.now  # the last message's time; one a minute before it
    bot = _client()
    async with discord_fake.run_client(bot):
        channel = bot.get_channel(world.general.id)
        mine = await read_since(channel, Since(None, world.alice.id, now), limit=1000)
        span = await read_since(channel, Since(timedelta(hours=1), world.alice.id, now), limit=1000)
    assert [c.text for c in mine.comments] == [f"new {i}" for i in range(150)]
    assert [c.text for c in span.comments] == [f"new {i}" for i in range(90, 150)]

"""Reading a long history gives the event loop turns between messages, not only between pages
(discord.py builds a page's messages with no await between them)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import discord
from fakes.discord_server import FakeDiscord

from bot.ingest.discord_links import YIELD_EVERY, Source, read_history

from .conftest import World


class _Watched:
    """The channel, except that each message its history yields notes the loop turns so far."""

    def __init__(self, channel: Any, turns: list[int]) -> None:
        self._channel = channel
        self._turns = turns
        self.seen: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._channel, name)

    async def _history(self, **options: Any) -> AsyncIterator[Any]:
        async for message in self._channel.history(**options):
            self.seen.append(self._turns[0])
            yield message

    def history(self, **options: Any) -> AsyncIterator[Any]:
        return self._history(**options)


async def test_a_page_of_messages_is_read_in_several_loop_turns(
    discord_fake: FakeDiscord, world: World
) -> None:
    discord_fake.add_messages(world.general, [(world.alice, f"point {i}") for i in range(200)])
    intents = discord.Intents.default()
    intents.message_content = True
    bot = discord.Client(intents=intents)
    turns = [0]
    reading = True

    async def count_turns() -> None:
        while reading:
            turns[0] += 1
            await asyncio.sleep(0)

    async with discord_fake.run_client(bot):
        channel = _Watched(bot.get_channel(world.general.id), turns)
        counter = asyncio.create_task(count_turns())
        thread = await read_history(Source(channel=channel), limit=200)
        reading = False
        await counter
    assert [c.text for c in thread.comments] == [f"point {i}" for i in range(200)]
    # Each page of 100 messages spans several turns of the loop (one every YIELD_EVERY).
    for page in (channel.seen[:100], channel.seen[100:]):
        assert len(set(page)) >= 100 // YIELD_EVERY

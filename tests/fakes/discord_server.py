"""The fake Discord (REST API v10 and gateway) as a pytest fixture.

The server lives in `fakes.discord.fake_discord`; this module re-exports it for tests. It runs on
the test's own event loop, so the fixture is async and tests using it are async.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from fakes.discord import (
    Attachment,
    Channel,
    ChannelType,
    FakeDiscord,
    FakeInteraction,
    Guild,
    Member,
    MessageType,
    Overwrite,
    P,
    RecordedRequest,
    Role,
    SentMessage,
    User,
)

__all__ = [
    "Attachment",
    "Channel",
    "ChannelType",
    "Guild",
    "Member",
    "Role",
    "User",
    "FakeDiscord",
    "FakeInteraction",
    "MessageType",
    "Overwrite",
    "P",
    "RecordedRequest",
    "SentMessage",
    "discord_fake",
]


@pytest_asyncio.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    """A started fake Discord on 127.0.0.1 (random free port); stopped after the test.

    Build the world with `add_guild`/`add_channel`/…, then `async with
    discord_fake.run_client(bot):` to run a real discord.py client against it.
    """
    async with FakeDiscord() as fake:
        yield fake

"""Test doubles that speak real protocols, shipped with the package so benchmarks can use them.

`FakeDiscord` is a loopback Discord (REST API v10 and gateway) for the real discord.py client.
"""

from bot.testing.discord_state import ChannelType, MessageType, Overwrite, P
from bot.testing.fake_discord import (
    FakeDiscord,
    FakeInteraction,
    RecordedFile,
    RecordedRequest,
    SentMessage,
    patched_urls,
)

__all__ = [
    "ChannelType",
    "FakeDiscord",
    "FakeInteraction",
    "MessageType",
    "Overwrite",
    "P",
    "RecordedFile",
    "RecordedRequest",
    "SentMessage",
    "patched_urls",
]

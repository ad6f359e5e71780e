"""The loopback Discord, for tests and the Discord benchmarks (not shipped in the wheel).

`FakeDiscord` is a loopback Discord (REST API v10 and gateway) for the real discord.py client.
"""

from fakes.discord.discord_state import (
    Attachment,
    Channel,
    ChannelType,
    Guild,
    Member,
    MessageType,
    Overwrite,
    P,
    Role,
    User,
)
from fakes.discord.fake_discord import (
    FakeDiscord,
    FakeInteraction,
    RecordedFile,
    RecordedRequest,
    SentMessage,
    patched_urls,
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
    "RecordedFile",
    "RecordedRequest",
    "SentMessage",
    "patched_urls",
]

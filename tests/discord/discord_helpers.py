"""Helpers of the bot tests: the Debates world, settings, the running bot, leak checks."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fakes.discord import FakeDiscord

from bot.discord.app import assembled
from bot.discord.client import DigestBot
from bot.settings import Settings

DEBATE = [
    ("alice", "Remote work is better because people skip the commute and get hours back."),
    ("bob", "I disagree: offices are better because juniors learn faster next to seniors."),
    ("carol", "I agree with alice, remote work lets people live where they want."),
    ("dave", "No, collaboration suffers remotely; whiteboard sessions are hard over video."),
    ("alice", "Async writing makes remote teams document decisions, which helps everyone."),
    ("bob", "Wrong: offices build trust, and new hires feel isolated when all are remote."),
    ("carol", "Both sides agree that a few office days a month help onboarding."),
    ("dave", "Who pays for home office equipment is still an open question."),
]
PASTE = "\n".join(text for _, text in DEBATE)  # the debate as pasted text


@dataclass
class World:
    guild: Any  # Guild
    general: Any  # Channel: public
    secret: Any  # Channel: mods only
    thread: Any  # Channel: a public thread in general, with the debate
    mods: Any  # Role
    alice: Any  # User, a mod
    bob: Any  # User
    carol: Any
    dave: Any
    users: dict[str, Any]


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "cooldown_s": 0,
        "offline_cooldown_s": 0,
        "progress_interval_s": 0,
        "allow_private_urls": True,  # loopback web servers in tests only (UNSAFE otherwise)
        "model": "",
    }
    values.update(overrides)
    return Settings(**values)


@contextlib.asynccontextmanager
async def running(fake: FakeDiscord, settings: Settings) -> AsyncIterator[DigestBot]:
    """The bot as `main` builds it, logged in and READY against the fake. On exit: no
    interaction was answered twice or late, and nothing broke a Discord limit."""
    async with assembled(settings) as bot, fake.run_client(bot):
        yield bot
    # Nothing is answered twice, late, or with a payload Discord would refuse.
    for handle in fake.interactions.values():
        assert handle.rejections == [], handle.rejections
    assert fake.limit_violations == [], fake.limit_violations


def link(channel: Any, message: dict[str, Any] | None = None, host: str = "discord.com") -> str:
    base = f"https://{host}/channels/{channel.guild_id}/{channel.id}"
    return f"{base}/{message['id']}" if message else base


def all_text(fake: FakeDiscord) -> str:
    """Everything the bot sent anywhere (content, embeds, files), for leak checks."""
    parts = []
    for sent in fake.sent_messages():
        parts.append(str(sent.payload))
        parts.append(str(sent.message))
        parts.extend(f.content.decode("utf-8", "replace") for f in sent.files)
    for request in fake.requests:
        if request.method in ("POST", "PATCH"):
            parts.append(str(request.json))
            parts.extend(f.content.decode("utf-8", "replace") for f in request.files)
    return "\n".join(parts)


def no_mentions_anywhere(fake: FakeDiscord) -> None:
    """Every message the bot sent or edited allowed no mentions."""
    for sent in fake.sent_messages():
        allowed = sent.payload.get("allowed_mentions")
        assert allowed is not None, (sent.kind, sent.payload)
        assert allowed.get("parse") == [], allowed
        assert not allowed.get("roles") and not allowed.get("users"), allowed

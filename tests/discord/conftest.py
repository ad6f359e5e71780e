"""A Debates guild on the fake Discord, and the real bot (as `main` assembles it) running
against it. Every test asserts on the HTTP requests the unmodified discord.py client made."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from discord_helpers import DEBATE, World, make_settings
from fakes.discord import ChannelType, FakeDiscord, Overwrite, P  # noqa: F401
from fakes.fake_openai import FakeOpenAI, debate_responder

from bot.settings import Settings


@pytest.fixture
def world(discord_fake: FakeDiscord) -> World:
    fake = discord_fake
    guild = fake.add_guild("Debates")
    mods = fake.add_role(guild, "mods", P.MANAGE_MESSAGES)
    users = {name: fake.add_user(name) for name in ("alice", "bob", "carol", "dave")}
    fake.add_member(guild, users["alice"], [mods])
    for name in ("bob", "carol", "dave"):
        fake.add_member(guild, users[name])
    general = fake.add_channel(guild, "general")
    secret = fake.add_channel(
        guild,
        "secret",
        overwrites=[
            Overwrite.role(guild.everyone, deny=P.VIEW_CHANNEL),
            Overwrite.role(mods, allow=P.VIEW_CHANNEL),
            Overwrite.member(fake.bot_user, allow=P.VIEW_CHANNEL),
        ],
    )
    thread = fake.add_thread(general, "remote vs office", owner=users["alice"])
    posted: list[dict] = []
    for number, (name, text) in enumerate(DEBATE):
        # Every other message answers the one before it: the offline engine finds the sides.
        reply_to = posted[-1] if number % 2 else None
        posted.append(fake.add_message(thread, users[name], text, reply_to=reply_to))
    fake.add_messages(
        secret,
        [
            (users["alice"], "SECRET-PLAN: we move the launch to March."),
            (users["alice"], "SECRET-PLAN: nobody outside mods may know the budget is 2M."),
        ],
    )
    return World(
        guild, general, secret, thread, mods, users["alice"], users["bob"], users["carol"],
        users["dave"], users,
    )  # fmt: skip


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def fake_llm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    monkeypatch.setenv("OPENAI_API_KEY", "test")  # litellm's OpenAI client wants one
    with FakeOpenAI(responder=debate_responder) as server:
        yield server

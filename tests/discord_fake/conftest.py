"""A small world for the fake's own tests: one guild, a few channels, two users."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fakes.discord.discord_state import Channel, Guild, Role, User
from fakes.discord_server import ChannelType, FakeDiscord, Overwrite, P


@dataclass
class World:
    guild: Guild
    general: Channel
    secret: Channel  # the bot cannot see it
    no_history: Channel  # the bot sees it but cannot read its history
    category: Channel
    voice: Channel
    forum: Channel
    news: Channel
    thread: Channel  # public thread in general
    private_thread: Channel  # the bot is a member
    mods: Role
    alice: User
    bob: User


@pytest.fixture
def world(discord_fake: FakeDiscord) -> World:
    fake = discord_fake
    guild = fake.add_guild("Debates")
    mods = fake.add_role(guild, "mods", P.MANAGE_MESSAGES)
    alice = fake.add_user("alice")
    bob = fake.add_user("bob")
    fake.add_member(guild, alice, [mods])
    fake.add_member(guild, bob)
    category = fake.add_channel(guild, "Talk", ChannelType.category)
    general = fake.add_channel(guild, "general", parent=category, topic="anything")
    secret = fake.add_channel(
        guild,
        "secret",
        overwrites=[
            Overwrite.role(guild.everyone, deny=P.VIEW_CHANNEL),
            Overwrite.role(mods, allow=P.VIEW_CHANNEL),
        ],
    )
    no_history = fake.add_channel(
        guild,
        "announcements-ish",
        overwrites=[
            Overwrite.member(fake.bot_user, deny=P.READ_MESSAGE_HISTORY),
        ],
    )
    voice = fake.add_channel(guild, "Voice", ChannelType.voice)
    forum = fake.add_channel(guild, "ideas", ChannelType.forum, nsfw=True)
    news = fake.add_channel(guild, "news", ChannelType.news)
    thread = fake.add_thread(general, "a thread", owner=alice, members=[bob])
    private_thread = fake.add_thread(
        general, "private", private=True, owner=alice, members=[fake.bot_user]
    )
    return World(
        guild,
        general,
        secret,
        no_history,
        category,
        voice,
        forum,
        news,
        thread,
        private_thread,
        mods,
        alice,
        bob,
    )

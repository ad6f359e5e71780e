"""Pager buttons are never left dead: they go before the answer's interaction token expires,
and when Discord refuses the token anyway, through the bot's own channel message. The real
`Reply` and `Pager` in a small bot on the loopback Discord."""

from __future__ import annotations

import discord
import pytest
from discord.ext import commands
from fakes.discord import FakeDiscord

from bot.discord.replies import Reply
from bot.discord.views import TOKEN_MARGIN_S, Pager

pytestmark = pytest.mark.asyncio

PAGES = [[discord.Embed(title="page 1")], [discord.Embed(title="page 2")]]


def pager_bot(token_left_s: float, *, private: bool = False) -> commands.Bot:
    """/pages answers with a two-page pager whose token has `token_left_s` left."""
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())

    @bot.tree.command(name="pages", description="Two pages")
    async def pages(interaction: discord.Interaction) -> None:
        reply = Reply(interaction, token_lifetime_s=TOKEN_MARGIN_S + token_left_s)
        await reply.defer(private=private)
        view = Pager(PAGES, owner_id=interaction.user.id, token_left=reply.token_left)
        view.message = await reply.answer(embeds=PAGES[0], view=view)

    return bot


def stored(fake: FakeDiscord, channel, it) -> dict:  # noqa: ANN001
    message = fake.find_message(channel.id, int(it.original["id"]))
    assert message is not None
    return message


async def test_buttons_go_while_the_token_lives(discord_fake: FakeDiscord) -> None:
    fake = discord_fake
    guild = fake.add_guild("g")
    bob = fake.add_user("bob")
    fake.add_member(guild, bob)
    general = fake.add_channel(guild, "general")
    async with fake.run_client(pager_bot(0.3)):
        it = await fake.interaction(bob, general, "pages")
        await fake.wait_for(lambda: it.original and it.original.get("components"), timeout=10)
        await fake.wait_for(lambda: stored(fake, general, it).get("components") == [], timeout=10)
    edits = fake.requests_to("PATCH", rf"^/webhooks/\d+/{it.token}/messages/@original$")
    assert edits and edits[-1].json.get("components") == []
    assert fake.requests_to("PATCH", r"^/channels/") == []


async def test_buttons_go_through_the_bot_message_when_the_token_is_refused(
    discord_fake: FakeDiscord,
) -> None:
    fake = discord_fake
    guild = fake.add_guild("g")
    bob = fake.add_user("bob")
    fake.add_member(guild, bob)
    general = fake.add_channel(guild, "general")
    async with fake.run_client(pager_bot(0.5)):
        it = await fake.interaction(bob, general, "pages")
        await fake.wait_for(lambda: it.original and it.original.get("components"), timeout=10)
        fake.age_interaction(it, 16 * 60)  # Discord's clock: the token is gone already
        await fake.wait_for(lambda: stored(fake, general, it).get("components") == [], timeout=10)
    refused = fake.requests_to("PATCH", rf"^/webhooks/\d+/{it.token}/messages/@original$")
    assert refused and refused[-1].status == 401
    channel_edit = fake.requests_to(
        "PATCH", rf"^/channels/{general.id}/messages/{it.original['id']}$"
    )
    assert channel_edit and channel_edit[-1].json.get("components") == []

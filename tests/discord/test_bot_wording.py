"""Honest words for what goes wrong, through the real bot on the loopback Discord: each test
asserts the sentence that was sent (issue 11, "Smaller leaks and honest words")."""

from __future__ import annotations

import logging

import pytest
from discord_helpers import World, link, running

from bot.discord.access import ADD_ME_TO_THREAD
from bot.discord.errors import APOLOGY, DISCORD_TROUBLE
from bot.ingest.discord_links import REFUSED

pytestmark = pytest.mark.asyncio


def texts_for(fake, it) -> str:  # noqa: ANN001
    return "\n".join(
        s.payload.get("content") or "" for s in fake.sent_messages() if s.interaction is it
    )


async def test_discord_5xx_is_discord_having_trouble(
    discord_fake, world: World, settings, caplog: pytest.LogCaptureFixture
) -> None:
    fake = discord_fake
    fake.server_errors[rf"^/channels/{world.thread.id}/messages$"] = 1
    caplog.set_level(logging.INFO, logger="bot")
    async with running(fake, settings):
        it = await fake.interaction(
            world.bob, world.general, "summarize", {"link": link(world.thread)}
        )
        await fake.wait_for(lambda: DISCORD_TROUBLE in texts_for(fake, it), timeout=10)
    assert APOLOGY not in texts_for(fake, it)
    warned = [r for r in caplog.records if "after retries" in r.getMessage()]
    assert warned and all(r.levelno == logging.WARNING for r in warned)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # Only the asker saw it.
    said = [s for s in fake.sent_messages() if s.interaction is it and DISCORD_TROUBLE in s.content]
    assert said and all(s.ephemeral for s in said)


async def test_private_thread_without_the_bot_says_add_me(
    discord_fake, world: World, settings, caplog: pytest.LogCaptureFixture
) -> None:
    """A private thread the bot is not in: "add me to the thread", by link and from inside,
    never "give my role permissions" and never an apology."""
    fake = discord_fake
    private = fake.add_thread(
        world.general, "planning", private=True, owner=world.bob, members=[world.bob]
    )
    fake.add_messages(private, [(world.bob, "PRIVATE-PLAN: we meet on Monday at noon.")])
    async with running(fake, settings):
        by_link = await fake.interaction(
            world.bob, world.general, "summarize", {"link": link(private)}
        )
        await fake.wait_for(lambda: texts_for(fake, by_link), timeout=10)
        inside = await fake.interaction(world.bob, private, "summarize", {})
        await fake.wait_for(lambda: texts_for(fake, inside), timeout=10)
    # From inside, Discord tells the bot it lacks the thread: say what to do.
    text = texts_for(fake, inside)
    assert ADD_ME_TO_THREAD in text and "role" not in text and APOLOGY not in text
    # By link the bot cannot even see the thread: the one refusal for every unreadable link
    # (it must not reveal that the thread exists), which says what to do for a private thread.
    text = texts_for(fake, by_link)
    assert text == REFUSED and "add me to the thread" in text and APOLOGY not in text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert all("PRIVATE-PLAN" not in str(s.payload) for s in fake.sent_messages())

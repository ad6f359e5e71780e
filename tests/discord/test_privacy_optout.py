"""Members decide about their own words (issue 11): `/privacy opt-out` leaves a member's
messages out of every summary the bot makes in that server (counted, never shown), drops the
cached results that quote them, and survives a restart of the bot on the same database."""

from __future__ import annotations

import re

from discord_helpers import DEBATE, World, link, running
from privacy_helpers import answered, query, sent_text

from bot.discord.jobs import left_out_note

BOB_WORDS = [text for name, text in DEBATE if name == "bob"]


def said(fake, it) -> str:  # noqa: ANN001
    return "\n".join(
        s.payload.get("content") or "" for s in fake.sent_messages() if s.interaction is it
    )


async def privacy(fake, world: World, user, sub: str) -> str:  # noqa: ANN001
    it = await fake.interaction(user, world.general, f"privacy {sub}", {})
    await fake.wait_for(lambda: said(fake, it), timeout=10)
    assert it.ephemeral
    return said(fake, it)


def test_the_note_counts_in_words() -> None:
    assert left_out_note(1, 1) == "1 message from a member who opted out was left out."
    assert left_out_note(2, 1) == "2 messages from a member who opted out were left out."
    assert left_out_note(1_200, 3) == "1,200 messages from members who opted out were left out."


async def test_an_opted_out_member_is_counted_never_shown(
    discord_fake, world: World, settings, tmp_path
) -> None:
    fake = discord_fake
    async with running(fake, settings):
        before = await fake.interaction(world.alice, world.thread, "summarize", {})
        await fake.wait_for(lambda: answered(before), timeout=20)
        assert any(
            words in query(tmp_path, "SELECT result_json FROM results")[0][0] for words in BOB_WORDS
        )

        assert "left out of every summary" in await privacy(fake, world, world.bob, "opt-out")
        # The cached result holding bob's words is dropped at once.
        assert all(
            words not in row[0]
            for row in query(tmp_path, "SELECT result_json FROM results")
            for words in BOB_WORDS
        )
        assert "You opted out" in await privacy(fake, world, world.bob, "status")
        assert "may be included" in await privacy(fake, world, world.carol, "status")

        after = await fake.interaction(world.alice, world.thread, "summarize", {})
        await fake.wait_for(lambda: answered(after), timeout=20)
        shown = sent_text(fake, after)
        for words in BOB_WORDS:
            assert words not in shown
        participants = re.findall(r"\*\*Participants:\*\* ([a-z, ]+)", shown)
        assert participants and all("bob" not in names for names in participants)
        assert left_out_note(2, 1) in shown
        # Nor through a link asked from another channel.
        linked = await fake.interaction(
            world.carol, world.general, "summarize", {"link": link(world.thread)}
        )
        await fake.wait_for(lambda: answered(linked), timeout=20)
        assert all(words not in sent_text(fake, linked) for words in BOB_WORDS)
        assert left_out_note(2, 1) in sent_text(fake, linked)

    # A restart of the bot on the same database: still opted out.
    async with running(fake, settings):
        again = await fake.interaction(world.dave, world.thread, "summarize", {})
        await fake.wait_for(lambda: answered(again), timeout=20)
        assert all(words not in sent_text(fake, again) for words in BOB_WORDS)
        assert left_out_note(2, 1) in sent_text(fake, again)
        assert "You opted out" in await privacy(fake, world, world.bob, "status")

        assert "may be included in summaries again" in await privacy(
            fake, world, world.bob, "opt-in"
        )
        back = await fake.interaction(world.alice, world.thread, "summarize", {})
        await fake.wait_for(lambda: answered(back), timeout=20)
        assert "opted out" not in sent_text(fake, back)
    assert query(tmp_path, "SELECT count(*) FROM opt_outs") == [(0,)]


async def test_opt_out_is_per_server(discord_fake, world: World, settings) -> None:
    fake = discord_fake
    other = fake.add_guild("Elsewhere")
    fake.add_member(other, world.bob)
    fake.add_member(other, world.alice)
    lounge = fake.add_channel(other, "lounge")
    chat = fake.add_thread(lounge, "tabs or spaces", owner=world.alice)
    fake.add_messages(
        chat,
        [
            (world.alice, "Tabs are better because everyone picks their own width."),
            (world.bob, "BOB-ELSEWHERE: spaces are better because code looks the same everywhere."),
        ],
    )
    async with running(fake, settings):
        await privacy(fake, world, world.bob, "opt-out")
        it = await fake.interaction(world.alice, chat, "summarize", {})
        await fake.wait_for(lambda: answered(it), timeout=20)
        assert "BOB-ELSEWHERE" in sent_text(fake, it)
        assert "opted out" not in sent_text(fake, it)


async def test_only_opted_out_messages_is_a_clear_refusal(
    discord_fake, world: World, settings
) -> None:
    fake = discord_fake
    solo = fake.add_thread(world.general, "bob alone", owner=world.bob)
    fake.add_messages(solo, [(world.bob, "BOB-ONLY: one thought."), (world.bob, "BOB-ONLY: two.")])
    async with running(fake, settings):
        await privacy(fake, world, world.bob, "opt-out")
        it = await fake.interaction(world.alice, solo, "summarize", {})
        await fake.wait_for(lambda: said(fake, it), timeout=10)
        await fake.wait_for(lambda: "no messages" in said(fake, it), timeout=10)
        text = said(fake, it)
        assert "2 messages from a member who opted out were left out" in text
        assert "BOB-ONLY" not in sent_text(fake, it)

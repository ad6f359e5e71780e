"""`/summarize` end to end: the real bot (as `main` assembles it) and the real discord.py against
the loopback Discord, asserting on the HTTP requests the client made."""

from __future__ import annotations

import re

import pytest
from discord_helpers import (
    PASTE,
    World,
    all_text,
    link,
    make_settings,
    no_mentions_anywhere,
    running,
)

from bot.render import embeds as E
from bot.settings import Settings

pytestmark = pytest.mark.asyncio


def answered(it) -> bool:  # noqa: ANN001
    """The deferred reply was replaced by the answer (embeds), or an error arrived."""
    if it.original and it.original.get("embeds"):
        return True
    return any(f.get("embeds") for f in it.followups)


def answer_embeds(it) -> list[dict]:  # noqa: ANN001
    if it.original and it.original.get("embeds"):
        return it.original["embeds"]
    return next(f["embeds"] for f in it.followups if f.get("embeds"))


def error_text(fake, it) -> str:  # noqa: ANN001
    """The ephemeral error sent for `it` (as a response, an edit or a follow-up)."""
    texts = [s.content for s in fake.sent_messages() if s.interaction is it and s.content]
    return "\n".join(texts)


def within_limits(embeds: list[dict]) -> None:
    assert len(embeds) <= E.EMBEDS
    total = 0
    for embed in embeds:
        total += len(embed.get("title", "")) + len(embed.get("description", ""))
        total += len(embed.get("footer", {}).get("text", ""))
        assert len(embed.get("title", "")) <= E.TITLE
        assert len(embed.get("description", "")) <= E.DESCRIPTION
        assert len(embed.get("fields", [])) <= E.FIELDS
        for field in embed.get("fields", []):
            assert len(field["name"]) <= E.FIELD_NAME and len(field["value"]) <= E.FIELD_VALUE
            total += len(field["name"]) + len(field["value"])
    assert total <= E.TOTAL


async def test_pasted_text_whole_path(discord_fake, world: World, settings: Settings) -> None:
    """Login, READY, the interaction, the defer, then the answer with embeds and the file."""
    fake = discord_fake
    async with running(fake, settings):
        it = await fake.interaction(world.bob, world.general, "summarize", {"text": PASTE})
        await fake.wait_for(lambda: answered(it), timeout=20)
    assert fake.identify_payloads, "the client identified on the gateway"
    assert it.response_type == 5 and not it.ephemeral  # deferred, public
    embeds = answer_embeds(it)
    within_limits(embeds)
    header = embeds[0]
    assert header["title"].startswith("Debate digest")
    assert (
        "comments read" in header["description"] and "duplicates removed" in header["description"]
    )
    assert "offline engine" in header["description"] and "fresh" in header["description"]
    assert "quotes verified" in header["description"]
    assert any(e["title"].startswith("Side 1") or e["title"] == "Main points" for e in embeds)
    files = [f for s in fake.sent_messages() if s.interaction is it for f in s.files]
    assert [f.filename for f in files] == ["debate-digest.md"]
    assert b"# Debate digest" in files[0].content
    no_mentions_anywhere(fake)
    assert fake.unknown_requests == [] and fake.limit_violations == []

    # The same text again: answered from the cache, said so.
    async with running(fake, settings):
        again = await fake.interaction(world.carol, world.general, "summarize", {"text": PASTE})
        await fake.wait_for(lambda: answered(again), timeout=20)
    assert "cached" in answer_embeds(again)[0]["description"]


async def test_a_file(discord_fake, world: World, settings: Settings) -> None:
    fake = discord_fake
    att = fake.add_attachment("debate.txt", PASTE)
    async with running(fake, settings):
        it = await fake.interaction(world.bob, world.general, "summarize", {"file": att})
        await fake.wait_for(lambda: answered(it), timeout=20)
    assert "8 comments read" in answer_embeds(it)[0]["description"]
    assert fake.limit_violations == []


async def test_thread_link_the_person_can_read(
    discord_fake, world: World, settings: Settings
) -> None:
    fake = discord_fake
    async with running(fake, settings):
        it = await fake.interaction(
            world.bob,
            world.general,
            "summarize",
            {"link": link(world.thread, host="ptb.discord.com")},
        )
        await fake.wait_for(lambda: answered(it), timeout=20)
    assert not it.ephemeral
    history = fake.history_requests(world.thread.id)
    assert history and all(int(r.query.get("limit", 100)) <= 100 for r in history)
    embeds = answer_embeds(it)
    text = str(embeds)
    # Jump links to the cited messages, participants counted.
    assert re.search(rf"/channels/{world.guild.id}/{world.thread.id}/\d+", text)
    assert "4 participants" in embeds[0]["description"]
    no_mentions_anywhere(fake)


async def test_link_to_a_channel_they_cannot_read_is_refused(
    discord_fake, world: World, settings: Settings
) -> None:
    fake = discord_fake
    message = world.secret.messages[0]
    async with running(fake, settings):
        it = await fake.interaction(
            world.bob, world.general, "summarize", {"link": link(world.secret, message)}
        )
        await fake.wait_for(lambda: error_text(fake, it), timeout=10)
        # A channel that does not exist gets the very same answer.
        ghost = await fake.interaction(
            world.bob,
            world.general,
            "summarize",
            {"link": f"https://discord.com/channels/{world.guild.id}/123456789012345678"},
        )
        await fake.wait_for(lambda: error_text(fake, ghost), timeout=10)
    assert "can't summarize that link" in error_text(fake, it)
    assert error_text(fake, it) == error_text(fake, ghost)
    assert fake.history_requests(world.secret.id) == []
    assert fake.requests_to("GET", rf"^/channels/{world.secret.id}/messages") == []
    leaked = all_text(fake)
    assert "SECRET-PLAN" not in leaked and "secret" not in leaked.lower().replace("secret-plan", "")
    # Only the asker saw the refusal.
    refusals = [s for s in fake.sent_messages() if s.interaction is it and s.content]
    assert refusals and all(s.ephemeral for s in refusals)


async def test_private_source_into_public_channel_is_sent_privately(
    discord_fake, world: World, settings: Settings
) -> None:
    fake = discord_fake
    async with running(fake, settings):
        it = await fake.interaction(
            world.alice, world.general, "summarize", {"link": link(world.secret)}
        )
        await fake.wait_for(lambda: answered(it), timeout=20)
    private = [s for s in fake.sent_messages() if s.interaction is it and s.embeds]
    assert private and all(s.ephemeral for s in private)
    assert "Sent only to you" in " ".join(
        s.content for s in fake.sent_messages() if s.interaction is it
    )
    assert "SECRET-PLAN" in str(private[-1].embeds) or any(
        b"SECRET-PLAN" in f.content for s in private for f in s.files
    )
    # Nothing of it went anywhere public.
    public = [s for s in fake.sent_messages() if not s.ephemeral]
    assert all("SECRET-PLAN" not in str(s.message) for s in public)
    assert fake.limit_violations == []


async def test_defer_comes_before_any_history_or_llm_request(
    discord_fake, world: World, tmp_path, fake_llm
) -> None:
    fake = discord_fake
    settings = make_settings(tmp_path, model="openai/fake-model", api_base=fake_llm.url)
    async with running(fake, settings):
        it = await fake.interaction(
            world.bob, world.general, "summarize", {"link": link(world.thread)}
        )
        await fake.wait_for(lambda: answered(it), timeout=30)
    callback = next(i for i, r in enumerate(fake.requests) if "/callback" in r.path)
    history = [
        i for i, r in enumerate(fake.requests) if r.path.endswith(f"{world.thread.id}/messages")
    ]
    assert history and callback < min(history)
    defer_at = fake.requests[callback].at
    assert fake_llm.requests, "the LLM was asked"
    assert defer_at <= min(fake.requests[i].at for i in history)
    assert it.response_type == 5
    assert "LLM" in answer_embeds(it)[0]["description"]

"""Long threads, pages and limits, progress, mentions, and the Discord-side guard rails."""

from __future__ import annotations

import pytest
from discord_helpers import World, link, make_settings, no_mentions_anywhere, running

from bot.bench.synth import build_thread
from bot.render import embeds as E

pytestmark = pytest.mark.asyncio


def embeds_within_limits(embeds: list[dict]) -> None:
    assert 1 <= len(embeds) <= E.EMBEDS
    total = 0
    for embed in embeds:
        title, description = embed.get("title", ""), embed.get("description", "")
        footer = embed.get("footer", {}).get("text", "")
        assert len(title) <= E.TITLE and len(description) <= E.DESCRIPTION
        assert len(footer) <= E.FOOTER
        assert len(embed.get("fields", [])) <= E.FIELDS
        total += len(title) + len(description) + len(footer)
        for field in embed.get("fields", []):
            assert len(field["name"]) <= E.FIELD_NAME and len(field["value"]) <= E.FIELD_VALUE
            total += len(field["name"]) + len(field["value"])
    assert total <= E.TOTAL


def add_long_thread(fake, world: World, n: int):  # noqa: ANN001, ANN201
    """`n` messages of real ArgKP arguments (with their duplicates and replies) in a new thread
    of #general, from the four debaters."""
    thread = fake.add_thread(world.general, "the long one", owner=world.alice)
    synthetic, _ = build_thread(n, seed=4)
    people = [world.alice, world.bob, world.carol, world.dave]
    posted: dict[str, dict] = {}
    for number, comment in enumerate(synthetic.comments):
        parent = posted.get(comment.reply_to) if comment.reply_to else None
        posted.setdefault(
            comment.id,
            fake.add_message(thread, people[number % 4], comment.text[:1900], reply_to=parent),
        )
    return thread


async def test_a_1500_message_thread_pages_progress_and_limits(
    discord_fake, world: World, tmp_path
) -> None:
    fake = discord_fake
    thread = add_long_thread(fake, world, 1500)
    settings = make_settings(tmp_path, max_points_per_side=10)
    async with running(fake, settings):
        it = await fake.interaction(world.bob, world.general, "summarize", {"link": link(thread)})
        await fake.wait_for(lambda: it.original and it.original.get("embeds"), timeout=60)
        pages_shown = [it.original["embeds"]]
        # Turn the pages with the buttons (only the asker may).
        buttons = [c for row in it.original["components"] for c in row["components"]]
        labels = {b.get("label"): b for b in buttons}
        assert "Next" in labels and labels["Previous"].get("disabled")
        total = int(labels[next(k for k in labels if k and "/" in k)]["label"].split("/")[1])
        assert total > 1
        other = await fake.component(world.carol, it.original, labels["Next"]["custom_id"])
        await fake.wait_for(lambda: other.acknowledged)
        assert other.ephemeral  # someone else is told to read the attachment
        for _ in range(total - 1):
            click = await fake.component(world.bob, it.original, labels["Next"]["custom_id"])
            await fake.wait_for(lambda click=click: click.acknowledged)
            pages_shown.append(fake.sent_messages(kind="update")[-1].embeds)
    # History: 100 a page, oldest first, up to 1500 (no more pages than needed).
    history = fake.history_requests(thread.id)
    assert len(history) in (15, 16)  # the 16th finds the end
    assert all(r.query.get("limit") == "100" for r in history)
    assert all("after" in r.query for r in history)
    # Progress: the deferred reply was edited while reading and summarizing.
    progress = [
        s.payload.get("content") or ""
        for s in fake.sent_messages(kind="original")
        if s.interaction is it
    ]
    assert any(p.startswith("Read ") and "of ~" in p for p in progress), progress
    assert any(p.startswith("Summarizing") for p in progress), progress
    # Every page within every limit; the footer says which page and names the attachment.
    assert len(pages_shown) == total
    for number, page in enumerate(pages_shown, 1):
        embeds_within_limits(page)
        assert page[-1]["footer"]["text"].startswith(f"Page {number}/{total}")
    header = pages_shown[0][0]["description"]
    assert "1500 comments read" in header and "duplicates removed" in header
    files = [f for s in fake.sent_messages() if s.interaction is it for f in s.files]
    assert files and files[0].filename == "debate-digest.md"
    assert fake.limit_violations == [] and fake.unknown_requests == []
    no_mentions_anywhere(fake)


async def test_mentions_in_a_thread_ping_nobody(discord_fake, world: World, tmp_path) -> None:
    fake = discord_fake
    role = fake.add_role(world.guild, "everyone-we-know")
    thread = fake.add_thread(world.general, "pings", owner=world.alice)
    first = fake.add_message(thread, world.alice, f"@everyone remote work wins, ask <@&{role.id}>!")
    fake.add_message(
        thread, world.bob, f"No, @here offices win and <@{world.carol.id}> agrees.", reply_to=first
    )
    fake.add_message(thread, world.carol, f"I disagree with both, <@&{role.id}> @everyone.")
    async with running(fake, make_settings(tmp_path)):
        it = await fake.interaction(world.bob, world.general, "summarize", {"link": link(thread)})
        await fake.wait_for(lambda: it.original and it.original.get("embeds"), timeout=20)
    assert "@everyone" in str(it.original["embeds"]) or "everyone" in str(it.original["embeds"])
    no_mentions_anywhere(fake)
    for sent in fake.sent_messages():
        assert "@everyone" not in sent.content and "@here" not in sent.content
        assert sent.message.get("mention_everyone") is False
        assert sent.message.get("mention_roles") == []
        assert sent.message.get("mentions") == []


async def test_progress_edits_are_throttled(discord_fake, world: World, tmp_path) -> None:
    import time

    fake = discord_fake
    fake.latency = 0.01  # every REST answer takes a little while, as on Discord
    thread = add_long_thread(fake, world, 1000)
    settings = make_settings(tmp_path, progress_interval_s=0.3)
    async with running(fake, settings):
        started = time.monotonic()
        it = await fake.interaction(world.bob, world.general, "summarize", {"link": link(thread)})
        await fake.wait_for(lambda: it.original and it.original.get("embeds"), timeout=60)
        elapsed = time.monotonic() - started
    edits = [s for s in fake.sent_messages(kind="original") if s.interaction is it]
    progress = edits[:-1]  # the last edit is the answer
    assert progress, "some progress was shown"
    assert len(progress) <= elapsed / 0.3 + 2
    assert edits[-1].embeds

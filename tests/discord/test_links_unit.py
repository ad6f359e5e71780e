"""Discord links and messages → Thread, without Discord."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from bot.ingest.discord_links import (
    DiscordLink,
    find_discord_links,
    message_to_comment,
    messages_to_thread,
    parse_discord_link,
)

G, C, M = 111111111111111111, 222222222222222222, 333333333333333333


@pytest.mark.parametrize(
    "host",
    [
        "discord.com",
        "discordapp.com",
        "ptb.discord.com",
        "canary.discord.com",
        "canary.discordapp.com",
        "www.discord.com",
    ],
)
def test_every_host_variant(host: str) -> None:
    assert parse_discord_link(f"https://{host}/channels/{G}/{C}/{M}") == DiscordLink(
        G, C, M, f"https://{host}/channels/{G}/{C}/{M}"
    )
    link = parse_discord_link(f"https://{host}/channels/{G}/{C}")
    assert link is not None and (link.guild_id, link.channel_id, link.message_id) == (G, C, None)


def test_dm_links_and_wrapping() -> None:
    link = parse_discord_link(f"<https://discord.com/channels/@me/{C}/{M}>")
    assert link is not None and link.guild_id is None and link.message_id == M
    assert parse_discord_link(f"https://discord.com/channels/{G}/{C}/") is not None


@pytest.mark.parametrize(
    "text",
    [
        "https://example.com/channels/1/2",
        f"https://discord.com/channel/{G}/{C}",
        f"https://discord.com.evil.example/channels/{G}/{C}",
        f"https://evil.example/?https://discord.com/channels/{G}/{C}",
        "https://discord.com/channels/abc/def",
        "not a link",
    ],
)
def test_not_discord_links(text: str) -> None:
    assert parse_discord_link(text) is None


def test_find_links_in_a_message_in_order_without_repeats() -> None:
    text = (
        f"see https://discord.com/channels/{G}/{C}/{M}, and "
        f"https://ptb.discordapp.com/channels/{G}/{C + 1} plus again "
        f"https://discord.com/channels/{G}/{C}/{M}."
    )
    found = find_discord_links(text)
    assert [(k.channel_id, k.message_id) for k in found] == [(C, M), (C + 1, None)]


def message(
    mid: int,
    content: str,
    *,
    author: str = "ann",
    system: bool = False,
    reply_to: int | None = None,
    channel: int = C,
    ref_channel: int | None = None,
    bot: bool = False,
    attachments: tuple = (),
) -> SimpleNamespace:
    reference = None
    if reply_to is not None:
        reference = SimpleNamespace(message_id=reply_to, channel_id=ref_channel or channel)
    return SimpleNamespace(
        id=mid,
        content=content,
        author=SimpleNamespace(display_name=author, name=author.lower(), bot=bot),
        is_system=lambda: system,
        reference=reference,
        channel=SimpleNamespace(id=channel),
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        jump_url=f"https://discord.com/channels/{G}/{channel}/{mid}",
        attachments=attachments,
    )


def test_messages_become_comments_with_authors_replies_and_jump_urls() -> None:
    msgs = [
        message(1, "Remote work is better."),
        message(2, "Bob pinned a message.", system=True),
        message(3, "No, offices help juniors.", author="Bob", reply_to=1),
        message(4, "replying to something older", reply_to=999),
        message(5, "cross-channel reply", reply_to=1, ref_channel=C + 5),
        message(6, "   "),
        message(7, "", attachments=(SimpleNamespace(filename="chart.png"),)),
        message(8, "I'm a bot", bot=True),
    ]
    thread = messages_to_thread(msgs, title="debate", url="https://discord.com/x")
    ids = [c.id for c in thread.comments]
    assert ids == ["1", "3", "4", "5", "7", "8"]
    by_id = thread.by_id()
    assert by_id["3"].reply_to == "1" and by_id["3"].author == "Bob"
    assert by_id["4"].reply_to is None  # its parent is not in the thread
    assert by_id["5"].reply_to is None  # a reply in another channel is no reply here
    assert by_id["1"].url == f"https://discord.com/channels/{G}/{C}/1"
    assert by_id["7"].text == "[attachment: chart.png]"
    assert by_id["8"].is_bot
    assert thread.source == "discord" and thread.title == "debate"


def test_system_message_is_skipped() -> None:
    assert message_to_comment(message(1, "joined", system=True)) is None

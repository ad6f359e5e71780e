"""DiscordChatExporter exports: JSON, TXT and CSV."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from bot.errors import InputError
from bot.ingest import InputSource, parse_source
from bot.thread import Comment

from .conftest import Loader

GUILD = "1087654321098765432"
CHANNEL = "1123456789012345678"
URL = f"https://discord.com/channels/{GUILD}/{CHANNEL}"
ATTACHMENTS = "[attachment: survey-2023.png]\n[attachment: notes.pdf]"


def _json_source(doc: object, name: str = "export.json") -> InputSource:
    return InputSource(name=name, data=json.dumps(doc).encode())


# --- JSON ---------------------------------------------------------------------------------------


def test_json_export(fixture_source: Loader) -> None:
    thread = parse_source(fixture_source("exports/dce-remote-work.json"))
    assert thread.source == "discord-export"
    assert thread.title == "remote-work"
    assert thread.url == URL
    # The join, the pin, the embed-only message and the thread start are skipped.
    assert list(thread.comments) == [
        Comment(
            id="1217812345678901001",
            text="Remote work makes teams more productive. Fewer interruptions, no commute.",
            author="Alice",
            time=datetime(2024, 3, 14, 10, 30, 5, 123000, tzinfo=UTC),
            url=f"{URL}/1217812345678901001",
        ),
        Comment(
            id="1217812345678901003",
            text="Productive for whom? Juniors learn less when nobody is around to ask.",
            author="bob",
            time=datetime(2024, 3, 14, 10, 33, 12, tzinfo=UTC),
            reply_to="1217812345678901001",
            url=f"{URL}/1217812345678901003",
        ),
        Comment(
            id="1217812345678901004",
            text="Reminder: keep it civil. Sources welcome.",
            author="DebateBot",
            time=datetime(2024, 3, 14, 10, 35, tzinfo=UTC),
            url=f"{URL}/1217812345678901004",
            is_bot=True,
        ),
        Comment(
            id="1217812345678901006",
            text=ATTACHMENTS,
            author="carol.k",  # no nickname: the user name
            time=datetime(2024, 3, 14, 10, 38, 40, tzinfo=UTC),
            url=f"{URL}/1217812345678901006",
        ),
        Comment(
            id="1217812345678901007",
            text="Mentoring can be scheduled.\nCommutes can't be scheduled away.",
            author="Alice",
            time=datetime(2024, 3, 14, 10, 41, tzinfo=UTC),  # 11:41+01:00
            reply_to="1217812345678901003",
            url=f"{URL}/1217812345678901007",
        ),
    ]


def test_json_direct_messages_link_with_at_me(fixture_source: Loader) -> None:
    thread = parse_source(fixture_source("exports/dce-dm.json"))
    (comment,) = thread.comments
    assert comment.url == "https://discord.com/channels/@me/1200000000000000042/1218000000000000001"
    assert comment.time == datetime(2024, 3, 22, 14, 0, tzinfo=UTC)


def test_json_without_ids_has_no_urls() -> None:
    doc = {
        "guild": {"name": "No ids"},
        "channel": {"name": "general"},
        "messages": [{"id": 5, "type": "Default", "content": "hi", "author": {"name": "a"}}],
    }
    (comment,) = parse_source(_json_source(doc)).comments
    assert (comment.id, comment.url, comment.time, comment.author) == ("5", None, None, "a")


def test_json_naive_or_bad_timestamps_give_no_time() -> None:
    doc = {
        "channel": {"id": "1"},
        "messages": [
            {"id": "1", "content": "a", "timestamp": "2024-03-14T10:32:00"},
            {"id": "2", "content": "b", "timestamp": "yesterday"},
            {"id": "3", "content": "c", "timestamp": 1710412320},
        ],
    }
    assert [c.time for c in parse_source(_json_source(doc)).comments] == [None, None, None]


def test_json_forward_reference_is_not_a_reply() -> None:
    doc = {
        "channel": {"id": "1"},
        "messages": [
            {
                "id": "2",
                "type": "Default",
                "content": "look at this",
                "reference": {"type": "Forward", "messageId": "1"},
            }
        ],
    }
    assert parse_source(_json_source(doc)).comments[0].reply_to is None


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (["not an object"], "messages[0]: should be an object"),
        ([{"type": "Default", "content": "x"}], "messages[0].id: is missing"),
        ([{"id": "", "content": "x"}], "messages[0].id: should be a Discord id"),
        ([{"id": "9)[x](https://evil.example", "content": "x"}], "messages[0].id: should be"),
        ([{"id": True, "content": "x"}], "messages[0].id: should be a Discord id"),
        ([{"id": "9", "content": ["x"]}], "messages[0].content: should be a string"),
        ([{"id": "9", "type": ["Default"], "content": "x"}], "messages[0].type: should be"),
        ([{"id": "9", "content": "x", "author": {"isBot": "yes"}}], "author.isBot: should be"),
        ([{"id": "9", "type": "GuildMemberJoin", "content": "Joined the server."}], "no comments"),
    ],
)
def test_json_bad_messages(messages: list[object], expected: str) -> None:
    doc = {"guild": {"id": "1"}, "channel": {"id": "2"}, "messages": messages}
    with pytest.raises(InputError) as err:
        parse_source(_json_source(doc))
    assert str(err.value).startswith("export.json: ")
    assert expected in str(err.value)


def test_json_export_format_forced_on_other_json() -> None:
    with pytest.raises(InputError) as err:
        parse_source(_json_source({"messages": []}), "discord-json")
    assert "not a DiscordChatExporter JSON export" in str(err.value)


def test_json_100k_messages_parse_quickly() -> None:
    author = {"id": "1", "name": "a", "nickname": "A", "isBot": False}
    doc = {
        "guild": {"id": "1"},
        "channel": {"id": "2", "name": "big"},
        "messages": [
            {
                "id": str(10**17 + n),
                "type": "Default",
                "timestamp": "2024-03-14T10:32:00.000+00:00",
                "content": f"message number {n}",
                "author": author,
                "attachments": [],
            }
            for n in range(100_000)
        ],
    }
    src = _json_source(doc, "big.json")
    started = time.perf_counter()
    thread = parse_source(src)
    elapsed = time.perf_counter() - started
    assert len(thread.comments) == 100_000
    # Generous for a loaded CI machine (about 2 s here); an accidental quadratic takes minutes.
    assert elapsed < 30, f"100k messages took {elapsed:.1f} s"


# --- TXT ----------------------------------------------------------------------------------------


def test_txt_export(fixture_source: Loader) -> None:
    thread = parse_source(fixture_source("exports/dce-remote-work.txt"))
    assert thread.source == "discord-export"
    assert thread.title == "Debates / remote-work"
    assert [(c.id, c.author, c.text, c.time) for c in thread.comments] == [
        (
            "m1",
            "alice_w",  # " (pinned)" is the exporter's mark, not the name
            "Remote work makes teams more productive. Fewer interruptions, no commute.",
            datetime(2024, 3, 14, 10, 30, tzinfo=UTC),
        ),
        (
            "m2",
            "bob",
            "Productive for whom? Juniors learn less when nobody is around to ask.\n"
            "[10:00 AM] is when our standup starts, and half the juniors are muted.",
            datetime(2024, 3, 14, 10, 33, tzinfo=UTC),
        ),
        (
            "m3",
            "DebateBot#4821",
            "Reminder: keep it civil. Sources welcome.",
            datetime(2024, 3, 14, 10, 35, tzinfo=UTC),
        ),
        ("m4", "carol.k", ATTACHMENTS, datetime(2024, 3, 14, 10, 38, tzinfo=UTC)),
        (
            "m5",
            "alice_w",
            "Mentoring can be scheduled.\nCommutes can't be scheduled away.",
            datetime(2024, 3, 14, 10, 41, tzinfo=UTC),
        ),
    ]
    assert all(c.reply_to is None and c.url is None for c in thread.comments)
    # (the export has no bot flag: the name says it, `test_csv_and_txt_flag_bots_by_name`)
    assert [c.is_bot for c in thread.comments] == [False, False, True, False, False]


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("14-Mar-24 10:32 AM", datetime(2024, 3, 14, 10, 32, tzinfo=UTC)),
        ("2024-03-14 22:32", datetime(2024, 3, 14, 22, 32, tzinfo=UTC)),
        ("14.03.2024 10:32", datetime(2024, 3, 14, 10, 32, tzinfo=UTC)),
        ("3/14/2024 12:05 AM", datetime(2024, 3, 14, 0, 5, tzinfo=UTC)),
        ("2024\u5e743\u670814\u65e5 10:32", None),  # a culture we do not read: no time
    ],
)
def test_txt_timestamp_formats(stamp: str, expected: datetime | None) -> None:
    text = (
        "==============================================================\n"
        "Guild: G\nChannel: c\n"
        "==============================================================\n\n"
        f"[{stamp}] ana\nhello\n\n"
    )
    thread = parse_source(InputSource(name="x.txt", data=text.encode()))
    assert [(c.id, c.author, c.text, c.time) for c in thread.comments] == [
        ("m1", "ana", "hello", expected)
    ]


def test_txt_without_preamble_or_footer() -> None:
    text = "[3/14/2024 10:32 AM] ana\nfirst\n\n\n[3/14/2024 10:33 AM] ben\nsecond\n"
    thread = parse_source(InputSource(name="part2.txt", data=text.encode()), "discord-txt")
    assert [(c.id, c.text) for c in thread.comments] == [("m1", "first"), ("m2", "second")]


def test_txt_message_quoting_an_earlier_one_replies_to_it() -> None:
    # Discord's "> quote" markdown with no reply reference: it answers the message it quotes.
    text = (
        "[3/14/2024 10:32 AM] ana\nwe should move raids to Sunday\n\n\n"
        "[3/14/2024 10:33 AM] ben\nno idea\n\n\n"
        "[3/14/2024 10:34 AM] cy\n> move raids to Sunday\nSunday is family day\n"
    )
    thread = parse_source(InputSource(name="raid.txt", data=text.encode()), "discord-txt")
    assert [(c.id, c.reply_to) for c in thread.comments] == [
        ("m1", None),
        ("m2", None),
        ("m3", "m1"),
    ]
    assert thread.comments[2].text.startswith("> move raids")  # the text itself is unchanged


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_export(fixture_source: Loader) -> None:
    thread = parse_source(fixture_source("exports/dce-remote-work.csv"))
    assert thread.source == "discord-export"
    assert [(c.id, c.author, c.text, c.time) for c in thread.comments] == [
        (
            "m1",
            "alice_w",
            "Remote work makes teams more productive. Fewer interruptions, no commute.",
            datetime(2024, 3, 14, 10, 30, tzinfo=UTC),
        ),
        (
            "m2",
            "bob",
            "Productive for whom? Juniors learn less when nobody is around to ask.\n"
            'They say "just ping me", but nobody does.',
            datetime(2024, 3, 14, 10, 33, tzinfo=UTC),
        ),
        (
            "m3",
            "DebateBot#4821",
            "Reminder: keep it civil. Sources welcome.",
            datetime(2024, 3, 14, 10, 35, tzinfo=UTC),
        ),
        ("m4", "carol.k", ATTACHMENTS, datetime(2024, 3, 14, 10, 38, tzinfo=UTC)),
        (
            "m5",
            "alice_w",
            "Mentoring can be scheduled. Commutes can't be scheduled away.",
            datetime(2024, 3, 14, 10, 41, tzinfo=UTC),
        ),
    ]


def test_csv_and_txt_flag_bots_by_name() -> None:
    # Neither export carries Discord's bot flag: a bot's name is all there is to go on.
    rows = [
        ("FestBot", "Reminder: the resale thread is pinned."),
        ("Carl-bot", "Role added."),
        ("DebateBot#4821", "Keep it civil."),
        ("Quiz Bot", "Round 3!"),
        ("Abbot", "brackenfield is cancelled"),
        ("talbot_j", "source?"),
        ("robot.fan", "no way"),
        ("Yarnbot", "Reminder: the swap meet is on the 30th"),
        ("Talbot", "lace without blocking is a dishcloth"),
        ("robot", "beep"),
    ]
    csv_text = "AuthorID,Author,Date,Content,Attachments,Reactions\n" + "".join(
        f'"1","{name}","14/03/2024 10:3{i}","{text}","",""\n' for i, (name, text) in enumerate(rows)
    )
    txt = "".join(
        f"[3/14/2024 10:3{i} AM] {name}\n{text}\n\n\n" for i, (name, text) in enumerate(rows)
    )
    expected = [True, True, True, True, False, False, False, True, False, False]
    for source, kind in (
        (InputSource(name="festival.csv", data=csv_text.encode()), "discord-csv"),
        (InputSource(name="festival.txt", data=txt.encode()), "discord-txt"),
    ):
        thread = parse_source(source, kind)
        assert [c.author for c in thread.comments] == [name for name, _ in rows]
        assert [c.is_bot for c in thread.comments] == expected, source.name


def test_csv_forced_on_text_without_the_header() -> None:
    with pytest.raises(InputError) as err:
        parse_source(InputSource(name="notes.csv", data=b"a,b,c\n1,2,3\n"), "discord-csv")
    assert "AuthorID,Author,Date,Content,Attachments,Reactions" in str(err.value)


def test_csv_malformed() -> None:
    data = b'AuthorID,Author,Date,Content,Attachments,Reactions\n"1","a","x","' + b"y" * 200_000
    with pytest.raises(InputError) as err:
        parse_source(InputSource(name="broken.csv", data=data))
    assert str(err.value).startswith("broken.csv: malformed CSV")

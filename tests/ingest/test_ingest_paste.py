"""Pasted text (`text`) and chat transcripts (`chat`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.ingest import InputSource, parse_source
from bot.ingest.quotes import fold, split_quote
from bot.thread import Thread

from .conftest import Loader


def _parse(text: str, fmt: str = "auto", *, id_start: int = 1) -> Thread:
    return parse_source(InputSource(name="paste", data=text.encode()), fmt, id_start=id_start)


def _rows(thread: Thread) -> list[tuple[str, str | None, str, str | None]]:
    return [(c.id, c.author, c.text, c.reply_to) for c in thread.comments]


# --- the seed thread ----------------------------------------------------------------------------


def test_seed_thread_gives_53_comments_with_each_line_exactly(seed_path: Path) -> None:
    data = seed_path.read_bytes()
    thread = parse_source(InputSource(name="seed-thread.txt", data=data))
    lines = data.decode("utf-8").split("\n")
    assert len(lines) == 53
    assert [c.id for c in thread.comments] == [f"c{n}" for n in range(1, 54)]
    assert [c.text for c in thread.comments] == lines
    assert thread.source == "paste"
    assert thread.title is None
    assert all(c.author is None and c.time is None and c.url is None for c in thread.comments)


def test_seed_thread_quoted_reply(seed_path: Path) -> None:
    thread = parse_source(InputSource(name="seed-thread.txt", data=seed_path.read_bytes()))
    replies = {c.id: c.reply_to for c in thread.comments if c.reply_to}
    assert replies["c5"] == "c3"
    # The second copy of the thread quotes the second copy of c3 (the most recent match), not
    # c5, which only contains the words as its own quote.
    assert replies == {"c5": "c3", "c31": "c29"}


def test_seed_thread_is_also_shipped_unchanged() -> None:
    root = Path(__file__).resolve().parents[2]
    assert (root / "bot/data/seed-thread.txt").read_bytes() == (
        root / "tests/fixtures/seed-thread.txt"
    ).read_bytes()


# --- text ---------------------------------------------------------------------------------------


def test_lines_strip_white_space_and_drop_blank_lines() -> None:
    thread = _parse("  first point  \r\n\r\nsecond point\t\n   \nthird\n")
    assert _rows(thread) == [
        ("c1", None, "first point", None),
        ("c2", None, "second point", None),
        ("c3", None, "third", None),
    ]


def test_single_line_paragraphs_stay_lines() -> None:
    # Blank lines but no paragraph of more than one line: one comment per line.
    thread = _parse("one\n\ntwo\n\nthree")
    assert [c.text for c in thread.comments] == ["one", "two", "three"]


def test_one_multi_line_block_without_blank_lines_is_lines() -> None:
    thread = _parse("one\ntwo\nthree\n\n")
    assert [c.text for c in thread.comments] == ["one", "two", "three"]


def test_paragraphs(fixture_source: Loader) -> None:
    thread = parse_source(fixture_source("paste/paragraphs.txt"))
    assert [c.id for c in thread.comments] == ["c1", "c2", "c3"]
    assert thread.comments[0].text == (
        "I think the four-day week is overdue. The trials showed output held steady\n"
        "while sick days dropped."
    )
    assert thread.comments[1].text == (
        "That's a survivorship problem: the firms that kept it were the ones it suited.\n"
        "The others quietly went back."
    )
    assert thread.comments[2].text.startswith('"The firms that kept it were the ones it suited" - ')
    assert [c.reply_to for c in thread.comments] == [None, None, "c2"]


def test_inner_characters_are_kept() -> None:
    text = "Tabs\tand  two  spaces, \u201ccurly\u201d quotes \u2014 dashes\u2026 \U0001f914\x0c ok"
    thread = _parse(text)
    assert thread.comments[0].text == text


def test_unicode_line_separators_do_not_split_a_comment() -> None:
    thread = _parse("first\u2028still first\x1cand still\nsecond")
    assert [c.text for c in thread.comments] == ["first\u2028still first\x1cand still", "second"]


def test_quote_lines_stay_with_the_reply_in_line_mode() -> None:
    thread = _parse(
        "Cats are better pets than dogs.\n"
        "> Cats are better pets\n"
        "> than dogs.\n"
        "Not if you want to go hiking.\n"
        "> a dangling quote"
    )
    assert _rows(thread) == [
        ("c1", None, "Cats are better pets than dogs.", None),
        ("c2", None, "> Cats are better pets\n> than dogs.\nNot if you want to go hiking.", "c1"),
        ("c3", None, "> a dangling quote", None),
    ]


def test_quoted_reply_with_typographic_quotes_and_case() -> None:
    thread = _parse(
        "Nuclear power is the safest source per terawatt-hour.\n"
        "Solar is cheaper now.\n"
        "\u201cthe SAFEST source per   terawatt\u2010hour\u201d \u2014 by deaths, not by waste."
    )
    assert thread.comments[2].reply_to == "c1"


def test_unmatched_or_one_word_quotes_set_no_reply() -> None:
    thread = _parse('Taxes should go up.\n"Nobody said that" - someone did.\n"Taxes" - yes, taxes.')
    assert [c.reply_to for c in thread.comments] == [None, None, None]


def test_a_comment_opening_with_quoted_words_of_an_earlier_one_replies_to_it() -> None:
    # Chat quotes inline with no dash: "..." can mean anything / '...' includes every ...
    thread = _parse(
        "The prof said we'll look at the distribution at the end.\n"
        "Sounds like a curve to me.\n"
        '"look at the distribution" can mean anything, they might drop a question.\n'
        "'a curve to me' is wishful thinking.\n"
        '"Move fast and break things" is a bad motto.'
    )
    assert [c.reply_to for c in thread.comments] == [None, None, "c1", "c2", None]
    assert split_quote("'don't' is one word") == (None, "'don't' is one word")


def test_split_quote_and_fold() -> None:
    assert split_quote('"a b c" - reply') == ("a b c", "reply")
    assert split_quote("> one\n>two\nreply") == ("one two", "reply")
    assert split_quote("no quote here") == (None, "no quote here")
    assert fold("  It\u2019s  \u201cFINE\u201d \u2014 ok\u2026 ") == 'it\'s "fine" - ok...'


def test_id_start() -> None:
    thread = _parse("a\nb", id_start=7)
    assert [c.id for c in thread.comments] == ["c7", "c8"]


# --- chat ---------------------------------------------------------------------------------------


def test_discord_copy_paste(fixture_source: Loader) -> None:
    thread = parse_source(fixture_source("paste/discord-copy.txt"))
    assert thread.source == "paste"
    assert _rows(thread) == [
        ("c1", "Priya", "Should the city make buses free? The council votes next month.", None),
        (
            "c2",
            "Maya",
            "Yes. Fares cover a small share of the running costs anyway.\n"
            "Free buses would get cars off the main roads.",
            None,
        ),
        (
            "c3",
            "Theo",
            "> Fares cover a small share of the running costs anyway.\n"
            "That share still pays for the night routes. Cut it and those go first.",
            "c2",
        ),
        (
            "c4",
            "Maya",
            "Night routes could be funded from the parking levy.\n"
            "Note: the levy raised more than fares last year.",
            None,
        ),
    ]
    # "Today/Yesterday at" give no date; a full date gives an aware UTC time.
    assert [c.time for c in thread.comments] == [
        None,
        None,
        None,
        datetime(2024, 3, 14, 10, 41, tzinfo=UTC),
    ]


def test_discord_headers_with_day_first_dates() -> None:
    thread = _parse(
        "Ana \u2014 14/03/2024 18:05\nfirst\nBen \u2014 15/03/2024 09:30\nsecond\nthird line"
    )
    assert _rows(thread) == [
        ("c1", "Ana", "first", None),
        ("c2", "Ben", "second\nthird line", None),
    ]
    assert [c.time for c in thread.comments] == [
        datetime(2024, 3, 14, 18, 5, tzinfo=UTC),
        datetime(2024, 3, 15, 9, 30, tzinfo=UTC),
    ]


def test_discord_header_with_nothing_under_it_is_dropped() -> None:
    thread = _parse("Ana \u2014 Today at 9:00 AM\nBen \u2014 Today at 9:01 AM\nhello")
    assert _rows(thread) == [("c1", "Ben", "hello", None)]


def test_compact_lines(fixture_source: Loader) -> None:
    thread = parse_source(fixture_source("paste/compact.txt"))
    assert _rows(thread) == [
        ("c1", "Maya", "Free buses would get cars off the main roads.", None),
        ("c2", "Theo", "Would they? Most drivers say price isn't why they drive.", None),
        ("c3", "Theo", "It's the time. Buses take twice as long.", None),
        (
            "c4",
            "Priya",
            '"Buses take twice as long" - only because they sit in the same traffic. '
            "Bus lanes fix that.",
            "c3",
        ),
        ("c5", "Maya", "Agreed with Priya.", None),
    ]
    assert all(c.time is None for c in thread.comments)  # a bare time has no date


def test_compact_lines_with_a_date_have_times() -> None:
    thread = _parse("[2024-03-14 10:32] Ana: yes\n[2024-03-14 10:33] Ben: no")
    assert [c.time for c in thread.comments] == [
        datetime(2024, 3, 14, 10, 32, tzinfo=UTC),
        datetime(2024, 3, 14, 10, 33, tzinfo=UTC),
    ]


def test_name_lines(fixture_source: Loader) -> None:
    thread = parse_source(fixture_source("paste/name-lines.txt"))
    assert _rows(thread) == [
        ("c1", "jordan", "School uniforms reduce bullying about clothes.", None),
        (
            "c2",
            "sam",
            "There's no good evidence for that.\nThe studies I've seen are mixed at best.",
            None,
        ),
        (
            "c3",
            "jordan",
            "> There\u2019s no good   evidence for that.\n"
            "The 2019 district survey showed fewer reports after uniforms came in.",
            "c2",
        ),
        ("c4", "alex", "Reports went down everywhere that year, uniforms or not.", None),
    ]


def test_chat_lines_before_the_first_speaker_have_no_author() -> None:
    thread = _parse("(pasted from #general)\nAna: one\nBen: two", "chat")
    assert _rows(thread) == [
        ("c1", None, "(pasted from #general)", None),
        ("c2", "Ana", "one", None),
        ("c3", "Ben", "two", None),
    ]


def test_urls_and_times_are_not_speakers() -> None:
    thread = _parse("Ana: see https://example.org\nhttps://example.org/x\nBen: at 10:30 ok", "chat")
    assert _rows(thread) == [
        ("c1", "Ana", "see https://example.org\nhttps://example.org/x", None),
        ("c2", "Ben", "at 10:30 ok", None),
    ]

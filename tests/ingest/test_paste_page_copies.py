"""Copies of Reddit (old and new) and X/Twitter pages pasted as text: the authors and reply links
come from the page's headers, and its furniture (buttons, scores, counts) is not comment text."""

from __future__ import annotations

import statistics
import time

import pytest

from bot.errors import InputError
from bot.ingest import InputSource, detect_format, parse_source
from bot.thread import Thread

from .conftest import PASTE, Loader

COPIES = (
    "old-reddit-copy.txt",
    "new-reddit-copy.txt",
    "new-reddit-shreddit-copy.txt",
    "x-copy.txt",
    "x-copy-multiline.txt",
)
# Words that only the page's furniture puts in a comment.
FURNITURE = (
    "permalink",
    "give award",
    " points ",
    "score hidden",
    "hours ago",
    "hr. ago",
    "level ",
    "Reply",
    "Share",
    "Upvote",
    "Retweets",
    "Likes",
    "Replying to",
    "Show this thread",
    "load more",
    "sorted by",
)


def _parse(text: str, fmt: str = "auto") -> Thread:
    return parse_source(InputSource(name="paste", data=text.encode()), fmt)


def _links(thread: Thread) -> list[tuple[str, str | None, str | None]]:
    return [(c.id, c.author, c.reply_to) for c in thread.comments]


@pytest.mark.parametrize("name", COPIES)
def test_a_page_copy_is_read_as_text_and_chat_reads_it_the_same(
    name: str, fixture_source: Loader
) -> None:
    src = fixture_source(f"paste/{name}")
    assert detect_format(src.data.decode(), name) == "text"
    auto = parse_source(src)
    assert auto.source == "paste"
    assert [c.id for c in auto.comments] == [f"c{n}" for n in range(1, len(auto.comments) + 1)]
    assert parse_source(src, "chat").comments == auto.comments
    for comment in auto.comments:
        for word in FURNITURE:
            assert word not in comment.text, (comment.id, word)


# --- old Reddit ---------------------------------------------------------------------------------


def test_old_reddit_headers_give_authors_and_the_buttons_are_dropped(
    fixture_source: Loader,
) -> None:
    thread = parse_source(fixture_source("paste/old-reddit-copy.txt"))
    assert _links(thread) == [
        ("c1", None, None),  # the post's title, above `submitted ... by`
        ("c2", "cobble_carmen", None),
        ("c3", "pedal_pat", None),  # the flair "Cyclist" is not part of the name
        ("c4", "shopkeep_sven", "c3"),  # its `> quote` names c3
        ("c5", "pedal_pat", "c4"),  # no quote, but a `parent` button: answers the one before
        ("c6", "tram_tomasz", None),  # collapsed [+], score hidden
        ("c7", None, None),  # [deleted] keeps its place and has no author
        ("c8", "grumpy_gwen", None),
        ("c9", "mod_marta", None),  # a moderator's [M], stickied
    ]
    texts = [c.text for c in thread.comments]
    assert texts[0] == "Should the old town centre go car-free? (self.urbanplanning)"
    assert texts[3] == (
        "> Every pedestrianised centre I've seen got busier\n\nBusier with people who don't buy "
        "anything heavy. Half my trade is customers who park out front for ten minutes.\n\n"
        "Edit: typo"
    )
    assert texts[6] == "[deleted]"
    assert texts[8] == "Reminder: keep it civil, rule 2."


def test_old_reddit_copy_without_the_collapse_buttons_still_reads() -> None:
    text = (
        "frost_fred 212 points 6 hours ago\n"
        "EVs are fine in winter, I've had one for four years.\n"
        "permalink embed save report give award reply\n"
        "tundra_tess 140 points 5 hours ago\n"
        "> EVs are fine in winter\n"
        "Not on a road trip up north they aren't.\n"
        "permalink embed save parent report give award reply\n"
    )
    assert [(c.author, c.text, c.reply_to) for c in _parse(text).comments] == [
        ("frost_fred", "EVs are fine in winter, I've had one for four years.", None),
        ("tundra_tess", "> EVs are fine in winter\nNot on a road trip up north they aren't.", "c1"),
    ]


# --- new Reddit ---------------------------------------------------------------------------------


def test_new_reddit_levels_become_reply_links(fixture_source: Loader) -> None:
    thread = parse_source(fixture_source("paste/new-reddit-copy.txt"))
    assert _links(thread) == [
        ("c1", "pedal_pat", None),
        ("c2", "shopkeep_sven", "c1"),  # level 2 under the level 1 before it; "OP" is a badge
        ("c3", "pedal_pat", "c2"),
        ("c4", "grumpy_gwen", None),  # level 1 again: a top-level comment
        ("c5", "tram_tomasz", "c4"),  # `· edited 1 hr. ago` is part of the header
    ]
    assert [c.text for c in thread.comments] == [
        "Yes. Every pedestrianised centre I've seen got busier, not quieter.",
        "Busier with people who don't buy anything heavy. Half my trade is customers who park "
        "out front.",
        "Then keep a few loading bays on the ring road.",
        "Hard no. My mum is 84 and the bus doesn't stop near the market.",
        "The 14 stops at the market since March.",
    ]


def test_new_reddit_without_levels_links_only_what_quotes(fixture_source: Loader) -> None:
    thread = parse_source(fixture_source("paste/new-reddit-shreddit-copy.txt"))
    assert _links(thread) == [
        ("c1", "pedal_pat", None),
        ("c2", "shopkeep_sven", "c1"),
        ("c3", "u/grumpy_gwen", None),
    ]
    # Vote counts and buttons go at the edges only; a line of the comment is kept whole.
    assert thread.comments[2].text == (
        "Hard no. The bus doesn't stop near the market.\nTop 3 reasons: my mum, my knees, the rain."
    )


def test_a_number_inside_a_new_reddit_comment_is_text() -> None:
    text = (
        "ana_b · 2h\nHow many bikes fit in a bay?\n\nReply\n\nbo_c · 1h\nabout\n\n12\n\nper bay\n"
    )
    thread = _parse(text)
    assert [(c.author, c.text) for c in thread.comments] == [
        ("ana_b", "How many bikes fit in a bay?"),
        ("bo_c", "about\n\n12\n\nper bay"),
    ]


# --- X / Twitter --------------------------------------------------------------------------------


def test_x_posts_use_the_display_name_and_replying_to_the_handles_latest_post(
    fixture_source: Loader,
) -> None:
    thread = parse_source(fixture_source("paste/x-copy.txt"))
    assert _links(thread) == [
        ("c1", "Metro Desk", None),
        ("c2", "Sven's Hardware", "c1"),
        # Replying to @svenshardware and @metrodesk: the first handle's latest post.
        ("c3", "Pat Pedals \U0001f6b2", "c2"),
        # @mayor_office has no post here: the reply answers the thread's first post.
        ("c4", "Gwen", "c1"),
        ("c5", "Metro Desk", None),
        # An old-style reply opens with the handle it answers.
        ("c6", "Pat Pedals \U0001f6b2", "c2"),
    ]
    assert thread.comments[1].text == (
        "This will finish off half the shops on Market Street. Our customers drive."
    )
    assert thread.comments[2].text == (
        "Footfall went up 12% the last time they tried it. Check the 2009 survey."
    )
    assert thread.comments[5].text == "@svenshardware the survey is on the council site, page 12"


def test_x_replying_to_a_handle_that_posted_twice_answers_the_later_post() -> None:
    text = (
        "Ann @ann · 3h\nFirst take: the bridge is closed.\n\n"
        "Ann @ann · 2h\nCorrection: only one lane is closed.\n\n"
        "Bo @bo_b · 1h\nReplying to @ann\nThanks, that matches what I saw.\n"
    )
    assert [(c.author, c.reply_to) for c in _parse(text).comments] == [
        ("Ann", None),
        ("Ann", None),
        ("Bo", "c2"),
    ]


def test_x_copy_with_one_field_a_line(fixture_source: Loader) -> None:
    thread = parse_source(fixture_source("paste/x-copy-multiline.txt"))
    assert [(c.author, c.text, c.reply_to) for c in thread.comments] == [
        ("Metro Desk", "The old town goes car-free from 1 June, the council confirms.", None),
        ("Sven's Hardware", "This will finish off half the shops on Market Street.", "c1"),
        ("Pat Pedals", "Footfall went up 12% the last time they tried it.", "c2"),
    ]


# --- Hacker News: the same furniture rules --------------------------------------------------------


def test_hn_headers_with_points_are_read_like_the_others() -> None:
    text = (
        "Ask HN: Is a monorepo worth it?\n"
        "120 points by mono_mo 5 hours ago | hide | past | favorite | 2 comments\n\n"
        "12 points by poly_pete 4 hours ago | next [\u2013]\n\n"
        "No. Our build times tripled.\n\nreply\n\n"
        "  mono_mo 3 hours ago | parent | next [\u2013]\n\n"
        "  Tripled from what? Ours went down with a cache.\n\n  reply\n"
    )
    thread = _parse(text)
    assert [(c.author, c.text, c.reply_to) for c in thread.comments] == [
        (None, "Ask HN: Is a monorepo worth it?", None),
        ("poly_pete", "No. Our build times tripled.", None),
        ("mono_mo", "Tripled from what? Ours went down with a cache.", "c2"),
    ]


# --- a quote, a blank line, the reply -----------------------------------------------------------


def test_a_quote_then_a_blank_line_then_the_reply_is_one_comment() -> None:
    text = (
        "Parking minimums should go. They make every new flat more expensive.\n"
        "Developers would build more if they could.\n\n"
        "> They make every new flat more expensive\n\n"
        "Not by much, and people still own cars.\n\n"
        "> Developers would build more\n"
        "> if they could\n\n"
        "> make every new flat\n\n"
        "Agreed with both of these.\n"
    )
    thread = _parse(text)
    assert [(c.id, c.text, c.reply_to) for c in thread.comments] == [
        (
            "c1",
            "Parking minimums should go. They make every new flat more expensive.\n"
            "Developers would build more if they could.",
            None,
        ),
        (
            "c2",
            "> They make every new flat more expensive\n\nNot by much, and people still own cars.",
            "c1",
        ),
        (
            "c3",
            "> Developers would build more\n> if they could\n\n> make every new flat\n\n"
            "Agreed with both of these.",
            "c1",
        ),
    ]


def test_a_quote_with_nothing_after_it_is_still_a_comment() -> None:
    text = "First point, on two\nlines.\n\n> First point\n"
    texts = [c.text for c in _parse(text).comments]
    assert texts == ["First point, on two\nlines.", "> First point"]


# --- what must stay as it was -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Scored 12 points 3 hours ago in the pub quiz, then lost it all.\nWell played anyway.\n",
        "Mia: see what @dan_r said · 2h ago\nDan: thanks @mia\nMia: np\n",
        "alice\nbob\ncarol\n2h\n",
        "12\nReply\nShare\n",
        "Monday\n2h\nTuesday\n3h\nWednesday\n1h\n",
        "Great thread @metrodesk\nAgreed @svenshardware\n",
    ],
)
def test_ordinary_pastes_are_not_taken_for_page_copies(text: str) -> None:
    thread = _parse(text)
    lines = [line for line in text.split("\n") if line]
    if detect_format(text) == "chat":
        assert [c.author for c in thread.comments] == ["Mia", "Dan", "Mia"]
    else:
        assert [c.text for c in thread.comments] == lines
        assert all(c.author is None for c in thread.comments)


def test_the_seed_and_the_other_paste_fixtures_keep_their_format(fixture_source: Loader) -> None:
    expected = {
        "compact.txt": "chat",
        "discord-copy.txt": "chat",
        "name-lines.txt": "chat",
        "paragraphs.txt": "text",
        "prose-with-note.txt": "text",
    }
    for name, fmt in expected.items():
        assert detect_format((PASTE / name).read_text(encoding="utf-8"), name) == fmt, name


# --- cost ---------------------------------------------------------------------------------------

# Each starts with a header, so that the copy reader reads all of it; about 200 KB each.
KB200 = 200_000
X = "A @a \u00b7 2h\n"
NEW = "pat \u00b7 2h\n"
OLD = "[\u2013]ab 1 point 1 hour ago\n"
SHAPES = {
    "x then lone dots": X + "\u00b7\n" * (KB200 // 2),
    "x then handles": X + "@h\n" * (KB200 // 3),
    "x then display names and handles": X + "Name\n@h\n\n\n\n\n\n" * (KB200 // 14),
    "x headers": X * (KB200 // 12),
    "x replying to a long line": X + "Replying to " + "@aand" * (KB200 // 5) + "!",
    "x replying then handles": X + "Replying to\n" + ("@a" + "and" * 60 + "!\n") * 3,
    "x buttons": X + "likes" * (KB200 // 5) + "!",
    "new then one word a line": NEW + "word\n" * (KB200 // 5),
    "new then names and dots": NEW + ("pat\n" + "\u00b7\n" * 6) * (KB200 // 16),
    "new then buttons": NEW + "ReplyShare" * (KB200 // 10) + "!",
    "old headers": OLD * (KB200 // 26),
    "old then flair of spaces": OLD + ("[\u2013]ab" + " " * 150 + "x\n") * (KB200 // 160),
    "old then buttons": OLD + "permalink" + " embed" * (KB200 // 6) + "!",
    "at signs": "@" * KB200,
}


def _seconds(text: str) -> float:
    src = InputSource(name="x", data=text.encode())
    start = time.perf_counter()
    try:
        parse_source(src)
    except InputError:
        pass  # a clean refusal is as good as a thread here: the time is what is measured
    return time.perf_counter() - start


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_pathological_copies_read_in_time_bounded_by_size(name: str) -> None:
    assert _seconds(SHAPES[name]) < 5.0  # generous for a shared 2-core machine


def test_reading_a_copy_is_linear_in_its_size(fixture_source: Loader) -> None:
    one = "\n\n".join(fixture_source(f"paste/{n}").data.decode() for n in COPIES[:4]) + "\n\n"
    small, big = one * 20, one * 200
    small_s = statistics.median(_seconds(small) for _ in range(3))
    big_s = statistics.median(_seconds(big) for _ in range(3))
    assert big_s < 30 * small_s + 0.05  # ten times the text: about ten times the time


def test_a_chat_that_pastes_two_posts_stays_a_chat() -> None:
    text = (
        "Mia: did you see this\n"
        "Metro Desk @metrodesk \u00b7 3h\n"
        "The old town goes car-free from 1 June.\n"
        "Dan: and the reply\n"
        "Sven's Hardware @svenshardware \u00b7 2h\n"
        "This will finish off half the shops.\n"
        "Mia: he has a point\n"
        "Dan: no he doesn't\n"
    )
    assert detect_format(text) == "chat"
    thread = _parse(text)
    assert [c.author for c in thread.comments] == ["Mia", "Dan", "Mia", "Dan"]
    assert thread.comments[0].text == (
        "did you see this\nMetro Desk @metrodesk \u00b7 3h\nThe old town goes car-free from 1 June."
    )
    assert _parse(text, "text").comments[0].author is None  # `--format text` stays plain too


def test_new_reddit_badges_between_the_name_and_the_age() -> None:
    text = (
        "pedal_pat\nProfile Badge for the Achievement Top 1% Commenter\nTop 1% Commenter\n"
        "\u2022\n6h ago\nYes, close it.\n\nReply\n\n"
        "shopkeep_sven\nOP\n\u2022\n5h ago\nNo.\n"
    )
    thread = _parse(text)
    assert [(c.author, c.text) for c in thread.comments] == [
        ("pedal_pat", "Yes, close it."),
        ("shopkeep_sven", "No."),
    ]


def test_new_reddit_reply_under_an_empty_comment_answers_the_one_above_it() -> None:
    text = (
        "level 1\nana_b\n\u00b7\n3h\nClose the old town to cars.\nReply\n\n"
        "level 2\nbo_c\n\u00b7\n2h\nReply\nShare\n\n"  # nothing but buttons: no comment
        "level 3\ncy_d\n\u00b7\n1h\nAgreed.\nReply\n\n"
        "level 1\ndee_e\n\u00b7\n1h\nNo.\n"
    )
    assert [(c.id, c.author, c.reply_to) for c in _parse(text).comments] == [
        ("c1", "ana_b", None),
        ("c2", "cy_d", "c1"),
        ("c3", "dee_e", None),
    ]

"""A copy of a Hacker News comment page pasted as text: header lines and `reply` links are the
page's furniture; ingest reads the authors and the nesting from them."""

from __future__ import annotations

from bot.ingest import InputSource, parse_source
from bot.ingest.paste import parse_text
from bot.thread import Thread

NESTED = """\
throwaway_dev 5 hours ago | next [\u2013]

Mandatory review slows teams down. We dropped it for small changes.

It worked.

reply

  kellan 4 hours ago | parent | next [\u2013]

  No incidents yet. Review catches the slow rot.

  reply

    throwaway_dev 4 hours ago | root | parent | next [\u2013]

    We still review anything over 200 lines.

    reply

  mzhou 3 hours ago | parent | prev [\u2013]

  Agree with kellan.

  reply
"""


def _parse(text: str) -> Thread:
    return parse_source(InputSource(name="paste", data=text.encode()))


def test_headers_give_authors_and_indentation_gives_nesting() -> None:
    thread = _parse(NESTED)
    # A pasted page, whose nesting is known: the engine reads it as a tree.
    assert thread.source == "hackernews-copy"
    assert _parse("alice: we should drop review\nbob: no way\n").source == "paste"
    assert [(c.id, c.author, c.reply_to) for c in thread.comments] == [
        ("c1", "throwaway_dev", None),
        ("c2", "kellan", "c1"),
        ("c3", "throwaway_dev", "c2"),
        ("c4", "mzhou", "c1"),
    ]
    # The text is what was written, paragraphs kept, with no header or "reply" line in it.
    assert thread.comments[0].text == (
        "Mandatory review slows teams down. We dropped it for small changes.\n\nIt worked."
    )
    assert thread.comments[2].text == "We still review anything over 200 lines."
    assert not any("reply" in c.text or " ago" in c.text for c in thread.comments)


def test_a_flat_copy_answers_the_comment_before_when_the_header_says_parent() -> None:
    flat = "\n".join(line.strip() for line in NESTED.splitlines())
    comments = parse_text(flat)
    assert [(c.author, c.reply_to) for c in comments] == [
        ("throwaway_dev", None),
        ("kellan", "c1"),
        ("throwaway_dev", "c2"),
        ("mzhou", "c3"),
    ]


def test_a_story_header_before_the_comments_is_kept_as_text() -> None:
    text = "Ask HN: Is code review worth it?\n\n" + NESTED
    comments = parse_text(text)
    assert (comments[0].author, comments[0].text) == (None, "Ask HN: Is code review worth it?")
    assert [c.author for c in comments[1:]] == ["throwaway_dev", "kellan", "throwaway_dev", "mzhou"]
    assert comments[2].reply_to == "c2"


def test_prose_that_mentions_hours_ago_stays_plain_text() -> None:
    text = "I posted this 3 hours ago and nobody answered.\nStill waiting 2 days ago | sigh\n"
    comments = parse_text(text)
    assert [c.text for c in comments] == [
        "I posted this 3 hours ago and nobody answered.",
        "Still waiting 2 days ago | sigh",
    ]
    assert all(c.author is None for c in comments)

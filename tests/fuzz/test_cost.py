"""The cost of reading an input is bounded by its size: pathological shapes of about 1 MB read
in well under the bound (a quadratic regex took 7 s on 20 KB of one of them, hours on 1 MB),
and nesting deeper than the JSON reader goes is a clean error."""

from __future__ import annotations

import time

import pytest

from bot.errors import InputError
from bot.ingest import InputSource, parse_source
from bot.ingest.web.html import html_to_text

MB = 1_000_000
# Generous for a shared 2-core machine; each of these takes well under a second alone.
BOUND_S = 10.0
TXT_HEAD = "=" * 62 + "\nGuild: G\nChannel: c\n" + "=" * 62 + "\n\n"

SHAPES = {
    "txt header then a run of blanks": TXT_HEAD + "[3/14/2024 10:32 AM] a" + " " * MB + "x\nhi\n",
    "chat line of a name then blanks": "alice: hi\nbob: yo\na" + " " * MB + "x",
    "discord header dashes": "Bob \u2014 Today at 10:32 AM\nhi\nx" + " \u2014" * (MB // 2),
    "quoted reply that never closes": '"' + "a" * MB + '" ' + "-" * 3,
    "a million quote marks": '"' * MB,
    "quote lines": "> a\n" * (MB // 4),
    "brackets": "[" * MB,
    "digits in brackets": ("[" + "1" * 50 + ":00] a\n") * (MB // 60),
    "csv of quote marks": "AuthorID,Author,Date,Content,Attachments,Reactions\n" + '"' * MB,
}


def timed(fn) -> float:  # noqa: ANN001
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_pathological_text_reads_in_time_bounded_by_its_size(name: str) -> None:
    src = InputSource(name="x", data=SHAPES[name].encode())

    def read() -> None:
        try:
            parse_source(src)
        except InputError:
            pass  # a clean refusal is as good as a thread here: what is measured is the time

    assert timed(read) < BOUND_S


# One comment's HTML (a Hacker News `text`, a Discourse `cooked`): 200 KB, far beyond a real one.
# The stdlib parser is linear here but slow (about 6 s a MB of bare `<`).
KB200 = MB // 5


@pytest.mark.parametrize(
    "html",
    ["<p>" * (KB200 // 3), "<" * KB200, "</b>" * (KB200 // 4), "<blockquote>" * (KB200 // 12)],
)
def test_pathological_html_reads_in_time_bounded_by_its_size(html: str) -> None:
    assert timed(lambda: html_to_text(html)) < BOUND_S


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000])
def test_nesting_deeper_than_the_json_reader_goes_is_a_clean_error(text: str) -> None:
    with pytest.raises(InputError, match=r"^x.json: not readable JSON \(nested too deeply\)$"):
        parse_source(InputSource(name="x.json", data=text.encode()))


# The offline engine's own patterns on hostile comments (about 100 KB each): a chair's
# courtesies repeated ("welcome welcome ..." once took exponential time in the agenda
# pattern), chat lead-ins, votes, denials and option words, as an opening and as replies.
ENGINE_SHAPES = [
    "welcome ",
    "good evening, ",
    "heads up, ",
    "ok so ",
    "no its ",
    "anyone ",
    "I was for it ",
    "still a ",
    "item 4 ",
    "Cllr Amadi said he strongly ",
    "the first one ",
    "x vs ",
    "tho ",
]


@pytest.mark.parametrize("piece", ENGINE_SHAPES)
def test_offline_engine_on_hostile_comments_in_time_bounded_by_their_size(piece: str) -> None:
    from bot.summarize.offline import summarize_offline
    from bot.thread import Comment, Thread

    text = piece * (100_000 // len(piece))
    thread = Thread(
        comments=(
            Comment(id="c1", author="ann", text=text),
            Comment(id="c2", author="b", text=text + " no"),
            Comment(id="c3", author="c", text="I disagree. " + text, reply_to="c2"),
        ),
        source="paste",
    )
    assert timed(lambda: summarize_offline(thread)) < BOUND_S

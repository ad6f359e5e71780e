"""The fast paths of the reading stage (`bot.summarize.text`, `bot.summarize.offline.reading`)
against the plain computations they stand for: the same spans, words, terms and documents."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import bot.summarize.text as text_module
from bot.summarize.text import sentence_spans, words

# Full stops with what may follow them; "!", "?", "\u2026" and line breaks (which the full-stop
# pattern leaves to the plain one) only now and then.
_SENTENCE_PARTS = st.lists(
    st.sampled_from(
        [".", ". ", "..", " ", "\t", "\u00a0", "\x1c", '"', "'", ")", "]", "\u201d", "\u2019"]
        + ["a", "B", "\u00e9", "\u00c9", "1", "e.g. x", " " * 38, " " * 39, " " * 40, "x. y"]
    )
    | st.sampled_from(["!", "?", "\u2026", "\n", "\r"]),
    max_size=30,
)


@settings(max_examples=500)
@given(_SENTENCE_PARTS, st.integers(0, 4))
@example(["a", ".", " " * 38, "a", ". ", "B", ".", ")", " ", "."], 0)
@example([" ", ".", " ", "a"], 1)
@example(["a", ".", "B"], 0)
def test_sentence_spans_by_full_stops_are_the_plain_ones(parts: list[str], start: int) -> None:
    text = "".join(parts)
    with pytest.MonkeyPatch.context() as patch:  # the plain pattern for every text
        patch.setattr(text_module, "_FULL_STOP_BREAK", text_module._SENTENCE_BREAK)
        expected = sentence_spans(text, start)
    assert sentence_spans(text, start) == expected


# The tokenizer `words` stands for.
_WORD = re.compile(r"[^\W_]+(?:['\u2019\-\u2010\u2011][^\W_]+)*")


@settings(max_examples=500)
@given(st.text(alphabet="ab0'- .,_\t", max_size=30))
@example("a-b 'c d' e--f g'-h -")
@example("don't role-play")
def test_words_with_joiners_are_the_regex_words(text: str) -> None:
    assert words(text) == _WORD.findall(text)


def test_read_gives_each_doc_its_own_fields() -> None:
    """`read` makes its docs by position: each field holds what it is for."""
    from bot.summarize.offline.cues import is_junk, own_words
    from bot.summarize.offline.model import Reporter
    from bot.summarize.offline.reading import body_start, read
    from bot.summarize.text import Terms
    from bot.thread import Comment, Thread

    texts = ["R1 (resident): Fewer cars, please.", "R2 (resident): > quoted\nI agree, fewer cars."]
    texts += ["R3 (shop owner): No. Parking matters to the shops.", "R4 (resident): hello"]
    thread = Thread(comments=[Comment(id=str(i), text=t) for i, t in enumerate(texts)])
    docs, _, table = read(thread, Terms(), Reporter(None))
    assert [doc.label for doc in docs] == ["R1", "R2", "R3", "R4"]
    assert [doc.junk for doc in docs] == [False, False, False, True]
    for i, (doc, text) in enumerate(zip(docs, texts, strict=True)):
        assert (doc.index, doc.comment.text, doc.source) == (i, text, table)
        assert doc.body > body_start(text)  # after the label
        assert doc.spans == sentence_spans(text, doc.body)
        assert doc.words == own_words(text, doc.spans)
        assert doc.weighted == table.size(i)
        assert doc.junk == is_junk(text[doc.body :])


@settings(max_examples=300)
@given(st.text(alphabet='> "\u201c\u201d\u201e\u201f\u00a0\n\tab-:,.', max_size=40))
@example('"quoted words here" - mine')
@example("> quoted\nmine")
def test_body_start_is_where_the_leading_quote_pattern_ends(text: str) -> None:
    from bot.summarize.offline.reading import _LEADING_QUOTE, body_start

    match = _LEADING_QUOTE.match(text)
    expected = 0 if match is None or match.end() >= len(text.rstrip()) else match.end()
    assert body_start(text) == expected

"""`bot.summarize.literals`: what a pattern needs is in every text it matches (so skipping the
search when it is missing changes no answer), and `text.dots` is `dot` of each vector."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.summarize.literals import filterable, first_words, lowercased, needs, required_clauses
from bot.summarize.offline import claim, cues
from bot.summarize.text import SUM_IN_ARRAYS, dot, dots

_OWN = [
    re.compile(r"\bcan confirm\b", re.I),
    re.compile(r"(?<!not )\bsure\b(?= thing)", re.I),
    re.compile(r"^\W*(?:yes|no)\b|\bmaybe(?: so)?\b", re.I | re.M),
    re.compile(r"(?:a|b)?c{2,}(?:dd)+|x(?!yz)", re.I),
    re.compile(r"(?-i:[A-Z])ab(?i:CD)", re.I),
]
_PATTERNS = (
    [pattern for _, _, pattern in cues._CUE_PATTERNS]
    + [pattern for _, pattern in cues._NAMED_ROWS]
    + [cues.PRAISE, cues._THING_VOTE]
    + _OWN
)
# Pieces of what the patterns need, and characters that make the edge cases (case, the letters
# that match case-insensitively without lowercasing to ASCII, line breaks).
_PIECES = sorted(
    {s for p in _PATTERNS for clause in required_clauses(p) for s in clause}
    | {" ", "\n", "I ", "A", "Z", ".", ",", "'", "\u017f", "\u0130", "\u212a", "\u00e9", "x"}
)


def test_clauses_read_from_the_pattern() -> None:
    assert required_clauses(re.compile(r"\bcan confirm\b", re.I)) == [("can confirm",)]
    # A lookbehind and an optional part require nothing; a lookahead does.
    assert required_clauses(_OWN[1]) == [(" thing",), ("sure",)]
    # One of the alternatives: the union, with the shorter string standing for the longer.
    assert required_clauses(_OWN[2]) == [("no", "yes", "maybe")]
    assert required_clauses(_OWN[3]) == []  # "x" alone says nothing
    assert required_clauses(re.compile(r"[ab]+|.*", re.I)) == []


@given(st.lists(st.sampled_from(_PIECES), max_size=12), st.integers(0, 5))
@example(["I ", "can confirm"], 0)
@example(["\u017f", "ure thing"], 0)  # "ſ" matches "s" case-insensitively
@example(["\u0130", "t's true"], 0)
def test_a_match_holds_what_its_pattern_needs(parts: list[str], begin: int) -> None:
    text = "".join(parts)
    begin = min(begin, len(text))
    lowered = text[begin:].lower()
    for pattern in _PATTERNS:
        if next(pattern.finditer(text, begin), None) is not None and filterable(lowered):
            assert needs(pattern)(lowered), (pattern.pattern, text)


# Each pattern's clauses and test, read once (reading them per example took most of the
# test's time, near Hypothesis's deadline on a loaded machine).
_TESTS = [(p, required_clauses(p), needs(p)) for p in _PATTERNS]


@given(st.lists(st.sampled_from(_PIECES), max_size=12))
def test_the_test_is_every_clause_searched(parts: list[str]) -> None:
    """The cores tried first change no answer: the test is one search per string."""
    lowered = "".join(parts).lower()
    for pattern, clauses, test in _TESTS:
        expected = all(any(s in lowered for s in clause) for clause in clauses)
        assert test(lowered) == expected, (pattern.pattern, lowered)


_LOWERCASED = [
    (p, lowercased(p)) for p in [*_PATTERNS, claim._CLAUSE, claim._DENIAL_CUT, cues.AGREE]
]
_ASCII_PIECES = [piece for piece in _PIECES if piece.isascii()] + ["A", "B", "Z", "-", "?"]
_ASCII_PIECES += ["Because", " so ", "But ", " - ", ";", "(", "yet", "unless", "\t-\n"]


def test_lowercased_forms() -> None:
    """Every pattern of the engine has one; a flag set or cleared inside leaves none."""
    assert all(v is not None for p, v in _LOWERCASED if p not in _OWN)
    assert lowercased(_OWN[4]) is None  # "(?-i:[A-Z])": case matters there
    assert lowercased(re.compile("ab")) is None  # no IGNORECASE: nothing to gain
    assert lowercased(re.compile("\u00e9", re.I)) is None  # a letter with case outside ASCII
    form = lowercased(re.compile(r"\bI [A-C]+\b(?<!not )", re.I))
    assert form is not None and [m.span() for m in form.finditer("i abc, i a not")] == [
        (0, 5),
        (7, 10),
    ]


def test_a_lowercased_form_starts_with_a_literal() -> None:
    """Boundaries and lookbehinds before a literal are tested after it (the regex engine then
    skips to where the literal is): the same matches, groups and all, as the pattern."""
    cases = [
        (r"(?<!not )\bsure\b", "sure, not sure. unsure? (sure)sure", [(0, 4), (25, 29), (30, 34)]),
        # Alternatives, each with a literal first once moved: a choice of first characters.
        (
            r"(?:n't|\bnot|\b(h)ardly) (\w+)",
            "can't go. not me, hardly anyone; shardly x",
            [(2, 8), (10, 16), (18, 31)],
        ),
        # A boundary before a character that is no word character stays where it is.
        (r"\b'd say", "i'd say, 'd say", [(1, 7)]),
    ]
    for source, text, spans in cases:
        pattern = re.compile(source, re.I)
        form = lowercased(pattern)
        assert form is not None
        assert [m.span() for m in pattern.finditer(text)] == spans
        for pos in range(len(text) + 1):  # a search from `pos` looks back before it alike
            expected = [m.regs for m in pattern.finditer(text, pos)]
            assert [m.regs for m in form.finditer(text, pos)] == expected, (source, pos)
            first, again = pattern.match(text, pos), form.match(text, pos)
            assert (first and first.regs) == (again and again.regs), (source, pos)


@given(
    st.lists(st.sampled_from(_ASCII_PIECES), max_size=12),
    st.lists(st.booleans(), max_size=80),
    st.integers(0, 5),
)
@example(["I ", "can confirm"], [], 0)
@example(["(", "not ", "sure", "\n", "sure"], [True], 1)
def test_a_lowercased_form_matches_the_lowercased_text_alike(
    parts: list[str], upper: list[bool], begin: int
) -> None:
    """On an ASCII text, in any case: the same matches, at the same offsets, as the pattern."""
    text = "".join(
        char.upper() if i < len(upper) and upper[i] else char
        for i, char in enumerate("".join(parts))
    )
    begin = min(begin, len(text))
    for pattern, form in _LOWERCASED:
        if form is not None:
            expected = [m.regs for m in pattern.finditer(text, begin)]  # (groups' spans too)
            assert [m.regs for m in form.finditer(text.lower(), begin)] == expected, (
                pattern.pattern,
                text,
            )
            first = pattern.match(text, begin, len(text) - 1)
            again = form.match(text.lower(), begin, len(text) - 1)
            assert (first and first.span()) == (again and again.span()), (pattern.pattern, text)


def test_texts_that_cannot_be_filtered() -> None:
    assert filterable("plain ascii") and filterable("caf\u00e9 \u212a")
    assert not filterable("\u017fure") and not filterable("\u0131") and not filterable("i\u0307")
    sure = re.compile(r"\bsure\b", re.I)
    assert sure.search("\u017fure") and not needs(sure)("\u017fure".lower())


_SENTENCE_PATTERNS = [
    cues._DISAGREE_SENTENCE,
    cues._QUERY_SENTENCE,
    cues._AGREE_SENTENCE,
    cues._VOTE,
    cues._CLAIM_VOTE,
    re.compile(r"\W*(?:@\w+\s+)*(?:I'?m|yes)\b|\^+ ?this|ab?c", re.I),
]
_OPENING_WORD = re.compile(r"(\W*)(\w*)")
_OPENINGS = sorted(
    {"no", "nope", "I", "I'm", "Im", "with respect,", "^this", "^^", "100%", "source?", "@bob,"}
    | {"sources", "lol", "so true", "this", "yes", "nta", "if I may", "agreed", "ac", "abc", "K"}
    | {"\u212a", "\u017f", " ", ", ", "'", "-", ". ", "?", "!", "\u2014 ", "_", "the", "it", "in"}
)


def test_first_words_read_from_the_pattern() -> None:
    guard = first_words(re.compile(r"\W*(?:@\w+\s+)*(?:I'?m|yes)\b|\^+ ?this|ab?c", re.I))
    assert guard is not None
    assert guard.whole == {"i", "im", "yes"} and guard.starts == ("abc", "ac")
    assert guard.marks == {"@", "^"}
    assert first_words(re.compile(r"\W*\w+")) is None  # any word at all
    assert first_words(re.compile(r"\W*(?:yes)?")) is None  # a match may hold no word


@given(st.lists(st.sampled_from(_OPENINGS), min_size=1, max_size=5))
@example(["@bob,", " ", "I'm"])
@example(["\u212a", "eep it"])  # the Kelvin sign matches "k" case-insensitively
def test_a_match_opens_with_a_first_word_its_pattern_allows(parts: list[str]) -> None:
    text = "".join(parts)
    opening = _OPENING_WORD.match(text)
    assert opening is not None
    lead, word = opening.group(1, 2)
    if not word or not opening.group().isascii():
        return  # never filtered
    for pattern in _SENTENCE_PATTERNS:
        guard = first_words(pattern)
        assert guard is not None
        if pattern.match(text):
            assert guard.allows(lead, word.lower()), (pattern.pattern, text)


@pytest.mark.parametrize("count", [5, SUM_IN_ARRAYS + 7])
def test_dots_are_dot_of_each(count: int) -> None:
    rng = random.Random(count)
    terms = [f"t{i}" for i in range(300)]
    b = {t: rng.random() for t in rng.sample(terms, 40)}
    vectors = [
        {
            t: rng.random() * rng.choice((1e-9, 1.0, 1e9))
            for t in rng.sample(terms, rng.randint(0, 60))
        }
        for _ in range(count)
    ]
    assert dots(vectors, b) == [dot(v, b) for v in vectors]  # the same floats, longer ones too
    assert dots(vectors, {}) == [0.0] * count


def test_a_clause_of_many_strings_is_grouped_under_covers() -> None:
    """Every string of a clause is in one group, and holds its group's cover (or is it)."""
    from bot.summarize.literals import _groups

    for pattern in _PATTERNS:
        for clause in required_clauses(pattern):
            groups = _groups(clause)
            strings = [s for cover, group in groups for s in (group or (cover,))]
            assert sorted(strings) == sorted(clause)
            assert all(cover in s for cover, group in groups for s in group)
    (clause,) = required_clauses(cues._THING_VOTE)
    assert len(_groups(clause)) < len(clause) // 4

"""`needs(pattern, thorough=True)`: more clauses than `needs`, each still in every match (so
skipping the search when one is missing changes no answer)."""

from __future__ import annotations

from random import Random

from hypothesis import example, given
from hypothesis import strategies as st

from bot.summarize.literals import alternatives, filterable, needs, required_clauses
from bot.summarize.literals import test_of as _test_of
from bot.summarize.offline import cues

_PATTERNS = [pattern for _, _, pattern in cues._CUE_PATTERNS] + [
    pattern for _, pattern in cues._NAMED_ROWS
]
_PIECES = sorted(
    {s for p in _PATTERNS for clause in required_clauses(p, thorough=True) for s in clause}
    | {" ", "\n", "?", "I ", "A", ".", ",", "'", "\u017f", "\u0130", "\u212a", "x"}
)


def test_thorough_clauses_add_to_the_others() -> None:
    for pattern in _PATTERNS:
        plain = required_clauses(pattern)
        assert required_clauses(pattern, thorough=True)[: len(plain)] == plain
    # "which ... post?" asks for a source; the other alternatives' weak "it" / "that" no longer
    # spoil the union: "post" or "page" (or another alternative's own words) as well.
    (row,) = [p for _, words, p in cues._CUE_PATTERNS if "which" in words]
    (plain,) = required_clauses(row)
    assert "which " in plain
    extra = required_clauses(row, thorough=True)[1:]
    assert any("post" in clause and "it" not in clause for clause in extra)
    assert needs(row)("which is cheaper. it is")
    assert not needs(row, thorough=True)("which is cheaper. it is")


@given(st.lists(st.sampled_from(_PIECES), max_size=12), st.integers(0, 5))
@example(["which ", "post", "?"], 0)
@example(["where did you get ", "that"], 0)
def test_a_match_holds_what_its_pattern_needs_thoroughly(parts: list[str], begin: int) -> None:
    text = "".join(parts)
    begin = min(begin, len(text))
    lowered = text[begin:].lower()
    for pattern in _PATTERNS:
        if next(pattern.finditer(text, begin), None) is not None and filterable(lowered):
            assert needs(pattern, thorough=True)(lowered), (pattern.pattern, text)


def test_alternatives_read_alone() -> None:
    # "I take the point" and "building on what Ann said" both need " point" or "what" by the
    # row's clauses; alone, each alternative needs its own words, and the one anchored at line
    # starts its opening ("building", "i").
    (row,) = [p for _, words, p in cues._CUE_PATTERNS if "build" in words]
    choices = alternatives(row, thorough=True)
    assert choices is not None and len(choices) == 4
    assert [c.anchored for c in choices] == [False, False, False, True]
    opening = choices[3].opening
    assert opening is not None
    assert opening.allows("", "building") and opening.allows("", "i")
    assert not opening.allows("", "the")
    assert needs(row, thorough=True)("the point is moot")
    assert not any(_test_of(c.clauses)("the point is moot") for c in choices)
    # "which post?" needs its "?" (one character, one search)
    (row,) = [p for _, words, p in cues._CUE_PATTERNS if "which" in words]
    choices = alternatives(row, thorough=True)
    assert choices is not None
    assert any(("?",) in c.clauses and ("which ",) in c.clauses for c in choices)
    assert alternatives(cues._CUE_PATTERNS[0][2]) is None  # no choice at the top


_CHOICES = [(p, c) for p in _PATTERNS if (c := alternatives(p, thorough=True)) is not None]


@given(st.lists(st.sampled_from(_PIECES), max_size=12), st.integers(0, 5))
@example(["which ", "post", "?"], 0)
@example(["youre ", "right"], 0)
@example(["\n", "building on ", "what"], 0)
def test_a_match_holds_what_one_alternative_needs(parts: list[str], begin: int) -> None:
    text = "".join(parts)
    begin = min(begin, len(text))
    lowered = text[begin:].lower()
    if not filterable(lowered):
        return
    for pattern, choices in _CHOICES:
        for match in pattern.finditer(text, begin):
            assert any(
                _test_of(c.clauses)(lowered)
                and (
                    c.opening is None
                    or not match.group().isascii()
                    or c.opening.allows(*_opening(text, match.start()))
                )
                for c in choices
            ), (pattern.pattern, text)


def _opening(text: str, at: int) -> tuple[str, str]:
    lead, word = cues._OPENING_WORD.match(text, at).group(1, 2)  # type: ignore[union-attr]
    return lead, word.lower()


_CUE_PIECES = sorted(
    {s for _, _, p in cues._CUE_PATTERNS for c in required_clauses(p, thorough=True) for s in c}
    | set(cues._CUE_WORDS)
    | {" ", "\n", "?", "I ", "A", ".", ",", "'", "\u017f", "\u0130", "x", "R1: "}
)


def _every_row(text: str, begin: int) -> list[tuple[int, str]]:
    """`cues.find_cues` with no filter but the cue words: each row their words let run is
    searched."""
    if begin and text[begin - 1] != "\n":
        source, offset, start = text[begin:], begin, 0
    else:
        source, offset, start = text, 0, begin
    present = cues._CUE_FINDER.found_in(text[begin:].lower())
    hits = sorted(
        (offset + m.start(), cues._CUE_ORDER[kind], kind)
        for kind, words, pattern in cues._CUE_PATTERNS
        if not words.isdisjoint(present)
        for m in pattern.finditer(source, start)
    )
    out: list[tuple[int, str]] = []
    for at, _, kind in hits:
        if not out or out[-1][0] != at:
            out.append((at, kind))
    return out


@given(st.lists(st.sampled_from(_CUE_PIECES), max_size=14), st.integers(0, 8))
@example(["which ", "source", "?"], 0)
@example(["I ", "agree"], 0)
@example(["same", " ", "said ", "same"], 0)
@example(["youre ", "right"], 0)
@example(["i ", "take ", "the ", "point"], 0)
@example(["building on ", "what"], 0)
@example(["which ", "post"], 0)
def test_cues_found_by_plan_are_those_of_every_row(parts: list[str], begin: int) -> None:
    """What a row still needs once the cue words are known (`cues._plan_of`) skips no cue."""
    text = "".join(parts)
    begin = min(begin, len(text))
    expected = _every_row(text, begin)
    assert cues.find_cues(text, begin) == expected
    if text[begin:].strip():
        words = cues.own_words(text, [(begin, len(text))])
        assert cues.find_cues(text, begin, words) == expected


@given(st.lists(st.sampled_from(_CUE_PIECES), max_size=12), st.integers(0, 2**32))
def test_a_test_cut_from_a_wider_clause_answers_alike(parts: list[str], seed: int) -> None:
    """`test_of(clauses, wider)`: the wider clauses' cores and groups, cut, give the answer of
    a test read afresh. (The cut is drawn from a seeded generator, not from `st.randoms()`:
    each draw of those is input, and a rule table with many clauses made the smallest input
    too large for Hypothesis's health check.)"""
    from bot.summarize.literals import test_of

    rng = Random(seed)

    lowered = "".join(parts).lower()
    for _, _, pattern in cues._CUE_PATTERNS[::7]:
        wider = required_clauses(pattern, thorough=True)
        cut = [tuple(s for s in c if rng.random() < 0.7) or c[:1] for c in wider]
        assert test_of(cut, wider)(lowered) == test_of(cut)(lowered)


_SENTENCE_PIECES = [
    "No. ", "Yes, ", "exactly. ", "Source? ", "really? ", "I agree. ", "I disagree. ", "The ",
    "school ", "_x ", "@bob ", "lol ", "(no) ", "\u00e9t\u00e9 ", "100% ", "^ ", "this. ", "\n",
    "That's wrong: ", "nah ", "keep it. ", "Wrong! ", "a", ". ", "? ", "K ", "\u212a ",
]  # fmt: skip


@given(st.lists(st.sampled_from(_SENTENCE_PIECES), min_size=1, max_size=10))
@example(["No. ", "The ", "school "])
@example(["_x ", "No. "])
def test_sentence_cues_are_those_of_every_sentence_pattern(parts: list[str]) -> None:
    """The first-word look-ups of `cues._sentence_cues` skip no sentence cue."""
    from bot.summarize.text import sentence_spans

    text = "".join(parts)
    spans = sentence_spans(text)
    if not spans:
        return
    expected = [(k, at, kind) for at, kind in cues.find_cues(text, spans[0][0])
                for k in [min(sum(e <= at for _, e in spans), len(spans) - 1)]]  # fmt: skip
    for k, (b, e) in enumerate(spans):
        if cues._DISAGREE_SENTENCE.match(text, b, e):
            expected.append((k, b, "disagree"))
        elif cues._QUERY_SENTENCE.match(text, b, e):
            expected.append((k, b, "query"))
        elif cues._AGREE_SENTENCE.match(text, b, e):
            expected.append((k, b, "agree"))
    expected.sort(key=lambda f: (f[0], f[1], cues._CUE_ORDER[f[2]]))
    assert cues._sentence_cues(text, spans)[0] == expected

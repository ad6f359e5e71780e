"""The fast paths of `bot.summarize.text` and the cue scan against the computations they
replaced (kept here as oracles): the same words, the same substrings, the same cues, on generated
text and on a few hundred real ArgKP comments."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import bot.summarize.text as text_module
from bot.bench.offline_bench import build_argkp_thread, load_arguments, topics
from bot.summarize.offline import cues
from bot.summarize.text import (
    SUM_IN_ARRAYS,
    Substrings,
    Terms,
    VectorTable,
    add_into,
    document_frequencies,
    dots,
    idf_table,
    idf_weights,
    sentence_spans,
    sum_vectors,
    tfidf,
    tfidf_all,
    tfidf_table,
    word_count,
    words,
)

# The tokenizer the fast path replaced.
_WORD = re.compile(r"[^\W_]+(?:['\u2019\-\u2010\u2011][^\W_]+)*")
# Characters that make the cases: letters, digits, joiners, blanks, punctuation, non-ASCII.
_TEXT = st.text(
    alphabet="abAB09'-_ .,!?+\n\u2019\u2010\u00e9\u0130\u00df\u212a\U0001f600", max_size=60
)


def _real_comments(n: int = 300) -> list[str]:
    arguments = load_arguments()
    thread, _ = build_argkp_thread(
        arguments, topics(arguments)[0], n=n, link_fraction=0.3, max_combined=3, seed=5
    )
    return [c.text for c in thread.comments]


def _old_find_cues(text: str, begin: int) -> list[tuple[int, str]]:
    """`cues.find_cues` as it was: one substring test per cue word."""
    lowered = text[begin:].lower()
    present = {word for word in cues._CUE_WORDS if word in lowered}
    hits = []
    for kind, cue_words, pattern in cues._CUE_PATTERNS:
        if not cue_words.isdisjoint(present):
            hits.extend(
                (m.start(), cues._CUE_ORDER[kind], kind) for m in pattern.finditer(text, begin)
            )
    hits.sort()
    out: list[tuple[int, str]] = []
    for at, _, kind in hits:
        if not out or out[-1][0] != at:
            out.append((at, kind))
    return out


class _OldTerms(Terms):
    """`Terms.__call__` as it was: the regex tokenizer."""

    def __call__(self, text: str) -> list[str]:
        out: list[str] = []
        for token in _WORD.findall(text.lower()):
            expanded = self._cache.get(token)
            if expanded is None:
                expanded = self._expand(token)
            out.extend(expanded)
        return out


@given(_TEXT)
def test_words_are_the_regex_words(text: str) -> None:
    assert words(text) == _WORD.findall(text)
    assert words(text.lower()) == _WORD.findall(text.lower())
    assert word_count(text) == len(_WORD.findall(text))


@given(
    st.lists(st.text(alphabet="ab0 +?'", min_size=1, max_size=4), max_size=8),
    st.text(alphabet="abA0 +?'\u00e9", max_size=40),
)
@example(["a", "ab", "b0", "+1", "b?", "?", "a b"], "xab +1 b? a bb0\u00e9ab")
def test_substrings_are_found_as_by_one_search_each(needles: list[str], text: str) -> None:
    finder = Substrings(needles)
    assert finder.found_in(text) == {w for w in needles if w in text}
    assert finder.found_in(text) == {w for w in needles if w in text}  # from the remembered runs


@given(
    st.lists(st.text(alphabet="ab0 +?'-", min_size=1, max_size=5), max_size=8),
    st.text(alphabet="ab0 +?'-_\n", max_size=40),
)
@example(["n't", "a-b", "b'0", "a'", "'b", "a b", "+1", "ab"], "don't a-b-b'0 'b a' a--b n''t")
def test_substrings_are_found_by_the_words_as_by_one_search_each(
    needles: list[str], text: str
) -> None:
    finder = Substrings(needles)
    expected = {w for w in needles if w in text}
    assert finder.found_in_words(words(text), text) == expected
    assert finder.found_in_words(words(text), text) == expected  # from the remembered words
    assert finder.found_in_words(words(text), " " + text + "\n") == {
        w for w in needles if w in " " + text + "\n"
    }


@given(st.lists(st.sampled_from([*cues._CUE_WORDS, " ", "x", "A", "\u00e9", "dis", "?"])))
def test_cue_words_are_found_as_before(parts: list[str]) -> None:
    lowered = "".join(parts).lower()
    assert cues._CUE_FINDER.found_in(lowered) == {w for w in cues._CUE_WORDS if w in lowered}


# The sentence end `sentence_spans` used before it was written to start with a character class.
_OLD_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s)|\n")


@given(
    st.text(alphabet=".!?\u2026\n \t\"')]\u201d\u2019\u00a0\u2028ab", max_size=40),
    st.integers(0, 3),
)
def test_sentence_ends_are_found_as_before(text: str, start: int) -> None:
    # (the new pattern looks behind a mark for another, so `sentence_spans` reads a text from
    # a `start` after a mark as a text of its own: the old pattern never looked behind)
    new = [
        (b + start, e + start)
        for b, e in (m.span() for m in text_module._SENTENCE_END.finditer(text[start:]))
    ]
    assert new == [m.span() for m in _OLD_SENTENCE_END.finditer(text, start)]
    if not 0 < start <= len(text) or text[start - 1] not in ".!?\u2026":
        assert new == [m.span() for m in text_module._SENTENCE_END.finditer(text, start)]


def test_a_long_run_of_marks_costs_its_length() -> None:
    import time

    def cost(n: int) -> float:
        text = "no " + "." * n + "x and " + "!?" * n + "y"
        started = time.thread_time()
        text_module.sentence_spans(text)
        return time.thread_time() - started

    small = min(cost(20_000) for _ in range(2))
    large = min(cost(80_000) for _ in range(2))
    assert large < 8 * small + 0.05  # 4x the input; quadratic work would take 16x


def _old_sentence_spans(text: str, start: int = 0) -> list[tuple[int, int]]:
    """`sentence_spans` as it was before it took the white space after an end in its match."""
    spans: list[tuple[int, int]] = []

    def append(begin: int, end: int) -> None:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        if end > begin:
            spans.append((begin, end))

    begin = start
    for match in _OLD_SENTENCE_END.finditer(text, start):
        end = match.end()
        if match.group() != "\n":
            following = text[end : end + 40].lstrip()
            if following and following[0].islower():
                continue
        append(begin, end)
        begin = end
    append(begin, len(text))
    return spans


@given(
    st.lists(
        st.sampled_from(
            [".", "!", "?", "\u2026", "\n", " ", "\t", '"', "'", ")", "\u201d", "\u00a0", "\u2028"]
            + ["\r", "a", "B", "\u00e9", "1", " " * 39, " " * 45, "e.g. x"]
        ),
        max_size=30,
    ),
    st.integers(0, 4),
)
def test_sentences_are_cut_as_before(parts: list[str], start: int) -> None:
    text = "".join(parts)
    assert text_module.sentence_spans(text, start) == _old_sentence_spans(text, start)


def test_own_words_serve_as_each_search() -> None:
    """A comment's prefilter words found once give every function the answer it finds alone."""
    texts = _real_comments() + [
        "I agree with the op. Exactly! @op yes",
        "the parent comment above is wrong, nta",
        "team cats all the way. dogs > cats",
        "Great article, thanks! I read it at work.",
        "\u201cNo.\u201d \u2014 that\u2019s not\u00a0true; well written",
    ]
    for text in texts:
        spans = text_module.sentence_spans(text)
        own = cues.own_words(text, spans)
        assert cues.read_cue(text, spans, own) == cues.read_cue(text, spans)
        if spans:
            assert cues.find_cues(text, spans[0][0], own) == cues.find_cues(text, spans[0][0])
        if spans and len(spans) <= cues.OPENING_SENTENCES:
            for names in ({}, {"op": "op", "alice": "Alice"}):
                b, e = spans[0][0], spans[-1][1]
                assert cues.named_person(text, b, e, names, own) == cues.named_person(
                    text, b, e, names
                )
            if text.isascii():
                assert cues.team_phrase(text, spans, own) == cues.team_phrase(text, spans)
        if text.isascii():  # its own sentences are all of it (no leading quotation)
            assert cues.is_praise(text, own) == cues.is_praise(text)


def test_a_leading_name_is_only_someone_named() -> None:
    text = "Op is right. Parent: no."
    assert cues.named_person(text, 0, len(text), {}) == (None, 0)
    assert cues.named_person(text, 0, len(text), {"op": "Op"}) == ("Op", 1)
    text = "I agree with the OP."
    assert cues.named_person(text, 0, len(text), {}) == (cues.OP, 0)


_NAMING = (
    "op OP Op op. op.. @op u/op /u/op _op op_ -op op- op's op-ed op.ed opinion people parent "
    "Parent parents"
).split() + (
    "the op|The OP|the parent|the previous commenter|agree with|I agree with|side with|against|"
    "what|said|+1 to|I'm with|same as|on|'s side|support|'s view|said it|yeah|fair,|is right|"
    "is wrong|has a point|good point|as|says|NTA|esh|Dr.|with|respond to|the point of|last|"
    "above|,|.|:|\n|-|'|2"
).split("|")


@given(st.lists(st.sampled_from(_NAMING), max_size=12), st.booleans())
def test_nobody_is_named_without_op_or_parent_as_a_word(parts: list[str], joined: bool) -> None:
    """With no names in a thread, the rows that could only name "op" or "parent" are left out
    of a text without either word (`cues._nameless`): the same answer as running them all."""
    text = ("" if joined else " ").join(parts)
    full = pytest.MonkeyPatch()
    for own in (None, cues.own_words(text, [(0, len(text))]) if text.strip() else frozenset()):
        got = cues.named_person(text, 0, len(text), {}, own)
        with full.context() as patch:
            patch.setattr(cues, "_nameless", lambda lowered: True)  # every row runs
            assert got == cues.named_person(text, 0, len(text), {}, own)


_REPORTING = (
    "Mr Abara|Cllr|Dr. Hussain|MR ABARA|Ms|He|Dana Lee|the chair|I|R1|said|SAID|Said|spoke|then|"
    "also|strongly|argued|agreed|disagreed|supported|felt|thought|asked|sai|saidx|that|in favour|"
    ".|,|:|\n|  |-|'|\"|> quoted|x"
).split("|")


@given(st.lists(st.sampled_from(_REPORTING), max_size=10), st.booleans())
def test_a_reported_speaker_holds_a_reporting_word(parts: list[str], joined: bool) -> None:
    """`set_speakers` leaves out a comment whose own words (all of it) hold no reporting verb:
    the pattern never matches such a text."""
    text = ("" if joined else " ").join(parts)
    spans = text_module.sentence_spans(text)
    if cues.REPORTED.match(text, 0, 200) is not None:
        assert spans and not cues.own_words(text, spans).isdisjoint(cues.REPORTED_WORDS)


def test_real_comments_read_as_before() -> None:
    texts = _real_comments()
    phrases = [
        "I don't agree, that's not true?",
        "+1, well said. Not at all; yes and no",
        "It's real? I'm on board.",
        "Na\u00efve \u2018quotes\u2019 \u2014 that\u2019s wrong",
    ]
    old, new = _OldTerms(), Terms()
    for text in texts + phrases:
        assert cues.find_cues(text, 0) == _old_find_cues(text, 0)
        assert new(text) == old(text)
        assert word_count(text) == len(_WORD.findall(text))
    assert new(" ".join(texts)) == old(" ".join(texts))
    assert any(cues.find_cues(text, 0) for text in texts)  # the comparison saw cues


def test_a_vector_table_sums_and_multiplies_as_the_vectors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(text_module, "_SUM_CHUNK", 999)  # sums carried across chunks of rows
    rng = random.Random(3)
    vocabulary = [f"t{i}" for i in range(300)]
    vectors = [
        {
            t: rng.uniform(0, 1) / rng.choice((1, 3, 7e5))
            for t in rng.sample(vocabulary, rng.randint(0, 60))
        }
        for _ in range(SUM_IN_ARRAYS + 50)
    ]
    table = VectorTable(vectors)
    every = list(range(len(vectors)))
    for rows in (every, every[::3], every[:40], [7, 2, 7, 0], []):
        chosen = [vectors[r] for r in rows]
        total = sum_vectors(chosen)
        got = table.sum(rows)
        assert list(got.items()) == list(total.items())  # the same floats, the same key order
        small = dict(list(total.items())[:20])  # shorter than most vectors: `dot` walks it
        for b in (total, small, {"elsewhere": 1.0, **small}, {}):
            assert table.dots(rows, b) == dots(chosen, b)


@pytest.mark.parametrize("count", [5, SUM_IN_ARRAYS + 7])
def test_sum_vectors_adds_as_add_into(count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_module, "_SUM_CHUNK", 999)  # partial sums carried across chunks
    rng = random.Random(count)
    vocabulary = [f"t{i}" for i in range(300)]
    vectors = [
        {t: rng.uniform(-1, 1) / rng.choice((1, 3, 7e5)) for t in rng.sample(vocabulary, 30)}
        for _ in range(count)
    ]
    expected: dict[str, float] = {}
    for vector in vectors:
        add_into(expected, vector)
    got = sum_vectors(vectors)
    assert list(got) == list(expected)  # the same key order: later sums iterate it
    assert all(got[t] == expected[t] for t in expected)  # the same floats, not close ones


def test_tfidf_all_is_tfidf_of_each(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_module, "_TFIDF_CHUNK", 777)
    terms = Terms()
    texts = _real_comments(SUM_IN_ARRAYS + 50) + ["", "the and of", "Cats cats CATS dogs"]
    lists = [terms(t) for t in texts]
    idf = idf_weights(document_frequencies(lists[: len(lists) // 2]), len(lists))  # some unknown
    expected = [tfidf(terms_of, idf) for terms_of in lists]
    got = tfidf_all(lists, idf)
    assert [list(v) for v in got] == [list(v) for v in expected]  # the same key order
    assert got == expected  # the same floats
    assert tfidf_all(lists[:3], idf) == expected[:3]  # the small path
    assert any(not v for v in got) and any(v for v in got)


@pytest.mark.parametrize("extra", [0, SUM_IN_ARRAYS + 50])
def test_tfidf_table_is_the_table_of_the_vectors(
    extra: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_module, "_TFIDF_CHUNK", 777)
    terms = Terms()
    texts = _real_comments(extra) + ["", "the and of", "Cats cats CATS dogs"]
    lists = [terms(t) for t in texts] + [["weightless"], ["weightless", "cats"]]
    idf = idf_weights(document_frequencies(lists[: len(lists) // 2]), len(lists))
    idf["weightless"] = 0.0  # a vector of zero weights is empty
    vectors, table = tfidf_table(lists, idf)
    assert vectors == tfidf_all(lists, idf)
    plain = VectorTable(vectors)
    every = list(range(len(vectors)))
    most = [r for r in every if r % 7]  # most rows, in order: picked by a mask (`_entries`)
    for rows in (every, most, every[::3], every[-5:], []):
        total = plain.sum(rows)
        assert list(table.sum(rows).items()) == list(total.items())
        for b in (total, dict(list(total.items())[:20]), {"elsewhere": 1.0}, {}):
            assert table.dots(rows, b) == plain.dots(rows, b)


@pytest.mark.parametrize("extra", [0, SUM_IN_ARRAYS + 50])
@pytest.mark.parametrize("least", [1, 2])
def test_idf_table_is_document_frequencies_then_tfidf(
    extra: int, least: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_module, "_TFIDF_CHUNK", 777)  # counts carried across chunks
    terms = Terms()
    texts = _real_comments(extra) + ["", "the and of", "Cats cats CATS dogs", "hapaxlegomenon"]
    lists = [terms(t) for t in texts]
    df = document_frequencies(lists)
    if least > 1:
        df = {term: count for term, count in df.items() if count >= least}
    idf = idf_weights(df, len(lists))
    idf_got, table = idf_table(lists, least)
    assert list(idf_got.items()) == list(idf.items())  # the same weights, the same key order
    expected = tfidf_all(lists, idf)
    assert [table.vector(row) for row in range(len(lists))] == expected
    assert [list(table.vector(row)) for row in range(len(lists))] == [list(v) for v in expected]
    assert table.sizes() == [len(v) for v in expected]


# Openings of the rows anchored at a line start, their cue words, and what may come before or
# between them (a lead, a mention, a line break, a mid-line start of the own words).
_ANCHORED_PIECES = (
    "I |we |I'm |im |strongly |not at all|agree|oppose|against|opposed|counter-point|yeah, right|"
    "sure right|with respect|respectfully|no offence, but |that's a |reasonable|compromise|"
    "by that logic|I don't think |it's true|this is real|also |still |lol|"
    "@bob |R1: |\u2014 |\u00e9 |x|.|!|,|\n| |  |'|\"|-"
).split("|")


@given(st.lists(st.sampled_from(_ANCHORED_PIECES), max_size=12), st.integers(0, 30))
@example(["I ", "agree"], 0)
@example(["R1: ", "agree"], 4)
@example(["x", "\n", "agree"], 0)
@example(["agree", " ", "we ", "agree"], 6)
def test_rows_anchored_at_a_line_start_are_guarded_by_its_first_word(
    parts: list[str], begin: int
) -> None:
    """A row anchored at line starts is skipped where the one line's opening cannot start it
    (`cues._CUE_OPENINGS`): the cues found are those found with every row run."""
    text = "".join(parts)
    begin = min(begin, len(text))
    unguarded = [None] * len(cues._CUE_OPENINGS)
    words = cues.own_words(text, [(begin, len(text))]) if text[begin:].strip() else None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cues, "_CUE_OPENINGS", unguarded)
        expected = cues.find_cues(text, begin), cues.find_cues(text, begin, words)
    assert (cues.find_cues(text, begin), cues.find_cues(text, begin, words)) == expected


def test_anchored_guards_on_real_comments() -> None:
    texts = _real_comments()
    assert any(guard is not None for guard in cues._CUE_OPENINGS)
    unguarded = [None] * len(cues._CUE_OPENINGS)
    found = [cues.find_cues(text, 0) for text in texts]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cues, "_CUE_OPENINGS", unguarded)
        assert [cues.find_cues(text, 0) for text in texts] == found


@pytest.mark.parametrize(("count", "least"), [(40, 1), (40, 2), (2500, 2)])
def test_terms_by_number_give_the_same_table(count: int, least: int) -> None:
    """A fresh `Terms`' numbers of each list's words, counted with its vocabulary, give the
    weights (in the same key order) and vectors that the terms themselves give."""
    rng = random.Random(count + least)
    pool = ["uniform", "uniforms", "role-play", "roleplay", "the", "it's", "bully", "kids"]
    pool += ["cost", "costs", "x", "12", "well-being", "school", "schools", "a-b-c"]
    lists = [[rng.choice(pool) for _ in range(rng.randint(0, 9))] for _ in range(count)]
    numbered = Terms()
    numbers = [numbered.numbers_of_words(tokens) for tokens in lists]
    plain = Terms()
    idf, table = text_module.idf_table([plain.of_words(tokens) for tokens in lists], least)
    idf2, table2 = text_module.idf_table_of_numbers(numbers, numbered.vocabulary, least)
    assert list(idf2.items()) == list(idf.items())
    assert [list(table2.vector(i).items()) for i in range(count)] == [
        list(table.vector(i).items()) for i in range(count)
    ]


@given(
    st.lists(st.sampled_from(["op", "ab", "a0", "b"]), max_size=3),
    st.text(alphabet="ab0op _'-\n.é", max_size=40),
)
@example(["op", "ab"], "op people _op op's ab-op abé")
def test_whole_runs_are_found_as_by_a_bounded_search(whole: list[str], text: str) -> None:
    finder = Substrings(["b", "a b"], whole=whole)
    runs = set(re.findall(r"[A-Za-z0-9]+", text))
    marks = {text_module.WHOLE + w for w in whole if w in runs}
    expected = {w for w in ("b", "a b") if w in text} | marks
    assert finder.found_in(text) == expected
    if text.isascii():
        assert finder.found_in_words(words(text), text) == expected
        assert finder.found_in_words(words(text), text) == expected  # remembered


_NAMING_VOCABULARY = [
    "op", "OP", "people", "opinion", "the previous commenter", "the last post", "lastly",
    "parent", "parents", "post", "poster", "the original poster", "article", "tfa", "nta",
    "NTA", "mental", "fresh", "esh", "yta", "agree with", "above", "the comment above", "@op",
    "op's", "op_", "I", "x", ". ", "? ", "\n", " ", ", ", "> ", '"', "R1 (resident): ",
]  # fmt: skip


@given(st.lists(st.sampled_from(_NAMING_VOCABULARY), max_size=14))
@example(["R1 (resident): ", "agree", " ", "with", " ", "the previous commenter"])
@example(["nta", " ", "x"])
def test_names_nobody_only_where_named_person_finds_nobody(parts: list[str]) -> None:
    from bot.summarize.offline.reading import body_start

    text = "".join(parts)
    body = body_start(text)
    spans = text_module.sentence_spans(text, body)
    if not spans or not text.isascii():
        return
    lowered = text[body:].lower()
    own = lowered[spans[0][0] - body : spans[-1][1] - body]
    found = cues.own_words_of(words(lowered), own)
    assert found == cues.own_words(text, spans)  # the two ways of finding them agree
    if cues.names_nobody(found, text):
        end = spans[min(len(spans), cues.OPENING_SENTENCES) - 1][1]
        given_words = found if len(spans) <= cues.OPENING_SENTENCES else None
        assert cues.named_person(text[:end], spans[0][0], end, {}, given_words) == (None, 0)
        assert cues.named_person(text[:end], spans[0][0], end, {}, None) == (None, 0)


def test_names_nobody_knows_the_rows_left_without_names() -> None:
    plan = cues._named_plan()
    held = {w for row in plan.nameless for w in cues._NAMED_ROWS[row][0]}
    assert held <= set(cues._NAMING_RUNS)
    assert {"op", "parent", *cues._POST_WORDS} <= set(cues._NAMING_RUNS)


_NEGATION_VOCABULARY = [
    "not", "not,", "Not", "no", "no.", "know", "now", "nothing", "want ", "important ",
    "never", "nevertheless", "nor", "neither", "without", "cannot", "can't", "cant", "dont",
    "don't", "doesnt", "didn't", "isn't", "aint", "ain't", "knot", "snot", "x-not", "not's",
    "it", "is", "a", "sandwich", "collusion", "really", "does", "do", "even", "out", "work",
    "should", "be", "allowed", "banned", " ", " ", " ", ". ", ", ", "\n", "> ",
]  # fmt: skip


def _own(text: str) -> tuple[int, list[tuple[int, int]], frozenset[str]]:
    from bot.summarize.offline.reading import body_start

    body = body_start(text)
    spans = text_module.sentence_spans(text, body)
    if not spans:
        return body, spans, frozenset()
    lowered = text[body:].lower()
    own = lowered[spans[0][0] - body : spans[-1][1] - body]
    return body, spans, cues.own_words_of(words(lowered), own)


@given(
    st.lists(st.sampled_from(_NEGATION_VOCABULARY), max_size=12),
    st.lists(st.sampled_from(_NEGATION_VOCABULARY), max_size=12),
)
@example(["it", " ", "is", " ", "not", " ", "collusion"], ["it", " ", "is", " ", "collusion"])
@example(["it", " ", "does", " ", "even", " ", "out"], ["it", " ", "dont", " ", "even", " ", "out"])
def test_negates_nothing_only_where_there_is_no_negation(a: list[str], b: list[str]) -> None:
    from bot.summarize.offline.claim import denies

    text, other = "".join(a), "".join(b)
    body, spans, found = _own(text)
    other_body, other_spans, other_found = _own(other)
    assert found == (cues.own_words(text, spans) if spans else frozenset())
    if cues.negates_nothing(found, text):
        assert not denies(other, other_spans, text, spans)
        if cues.negates_nothing(other_found, other):
            assert not cues.negates(text[body:], other[other_body:])


def test_a_number_after_a_numbering_abbreviation_does_not_end_the_sentence() -> None:
    def sentences(text: str) -> list[str]:
        return [text[b:e] for b, e in sentence_spans(text)]

    assert sentences("3.3 Ms Barker (no. 2) said she had no problem. Next.") == [
        "3.3 Ms Barker (no. 2) said she had no problem.",
        "Next.",
    ]
    assert sentences("The No. 7 nib is going. See p. 14, vol. 3.") == [
        "The No. 7 nib is going.",
        "See p. 14, vol. 3.",
    ]
    # a bare "no." is an answer; a figure's full stop ends its sentence
    assert sentences("He said no. 2 people agreed.") == ["He said no.", "2 people agreed."]
    assert sentences("It cost 4. 5 came.") == ["It cost 4.", "5 came."]

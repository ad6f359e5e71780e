"""The fast paths of the linking stage (`claim`, `cues`) against the patterns they stand for:
the same tokens and the same sentence splits on generated text."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from bot.summarize.offline import claim, cues

# Letters (both cases), digits, joiners, clause marks, blanks and other punctuation.
_ASCII = st.text(alphabet="abAZ09'-_ .,;:()!?\n\t\"", max_size=60)
_ANY = st.text(alphabet="abAZ09'-_ .,;:()!?\n\t\u2019\u00e9\u0130", max_size=60)


@given(_ASCII)
@example("uniforms, because (they) cost: a lot; so")
@example("it's well-known - a fact")
@example("don't, it's well-known (a fact)")
@example("a'-b -c d- 'e f' g--h")
def test_tokens_or_breaks_match_the_pattern(text: str) -> None:
    lowered = text.lower()
    assert claim._ascii_tokens_or_breaks(lowered) == claim._ASCII_TOKEN_OR_BREAK.findall(lowered)


@given(_ANY)
@example("School uniforms don't help, and they cost 30 pounds.")
@example("no uniforms")
def test_negation_tokens_match_the_pattern(text: str) -> None:
    from bot.textfold import fold_chars

    lowered = fold_chars(text).lower()
    pattern = cues._ASCII_TOKEN if lowered.isascii() else cues._TOKEN
    expected: list[str] = []
    for token in pattern.findall(lowered):
        if "n't" in lowered and token.endswith("n't"):
            expected += [token[:-3], "n't"]
        else:
            expected.append(token)
    assert cues._tokens(text) == expected


_CLAUSE_TEXT = st.lists(
    st.sampled_from(
        ["So", "so", "also", "And ", "band", "but", "BUT,", " - ", "\t-\n", "-", "yet", "whereas",
         "Although", "though", "thought", "since", "because", "unless", "while", "(a)", ":", ";",
         ". ", "!", "?", "\n", " ", "x", "_so", "9and", "\u2013", "\u00e9"]
    ),
    max_size=12,
).map("".join)  # fmt: skip


@given(_CLAUSE_TEXT)
@example("it's so, and - yet (because) whereas; though: alsoand")
@example("So\t-\nBut")
def test_clauses_split_as_the_pattern(text: str) -> None:
    assert claim._clauses(text) == claim._CLAUSE.split(text)


@given(_CLAUSE_TEXT, st.integers(0, 12))
@example("no. so, and! yet? x", 3)
def test_the_ascii_denial_cut_finds_the_same_cuts(text: str, begin: int) -> None:
    if not text.isascii():
        return
    begin = min(begin, len(text))
    expected = [m.span() for m in claim._DENIAL_CUT.finditer(text, begin)]
    assert [m.span() for m in claim._ASCII_DENIAL_CUT.finditer(text.lower(), begin)] == expected


@given(st.text(alphabet="ab .?!\n", max_size=40))
@example("One. Two")
@example("Ends here.")
@example("")
def test_sentences_split_as_the_pattern(text: str) -> None:
    assert claim._sentences(text) == claim._SENTENCE_END.split(text)


_OPENING_PIECES = [
    "No. ", "no way ", "Nope, ", "Yes, ", "yes from me ", "hell yes ", "I support ", "I'm against ",
    "Against. ", "keep it ", "But ", "however ", "Actually, ", "well, actually ", "except ",
    "The ", "school ", "_x ", "@bob ", "lol ", "(no) ", "\u00e9t\u00e9 ", "100% ", "^ ", "this. ",
    "\n", "It's true ", "it is fake ", "so still a no ", "I have doubts ", "K ", "\u212a ", "? ",
]  # fmt: skip


@given(st.lists(st.sampled_from(_OPENING_PIECES), min_size=1, max_size=8))
@example(["But ", "The "])
@example(["@bob ", "No. "])
def test_first_sentence_openings_rule_out_no_match(parts: list[str]) -> None:
    """What `cues._sentence_cues` says of the first sentence's opening never rules out a
    match of the patterns `read_cue` runs there (`cues._OPENING_PATTERNS`)."""
    from bot.summarize.text import sentence_spans

    text = "".join(parts)
    spans = sentence_spans(text)
    if not spans:
        return
    b, e = spans[0]
    _, opening = cues._sentence_cues(text, spans)
    for allowed, pattern in zip(opening, cues._OPENING_PATTERNS, strict=True):
        assert allowed or pattern.match(text, b, e) is None


@given(
    st.text(
        alphabet="([+-pfica PFICA:)]\u2705\u274c\u0130\u0131\u2212\u00a0\u0661.x 1\n", max_size=14
    )
)
@example("(+) uniforms")
@example("\u0130n favour: yes")
@example(" 1. Con: costly")
def test_marks_found_as_the_pattern_finds_them(text: str) -> None:
    from bot.summarize.offline import sides

    found, expected = sides._marked(text), sides._MARK.match(text)
    assert (found and found.span()) == (expected and expected.span())


def test_mark_openings_cover_every_character_the_pattern_opens_with() -> None:
    """A character outside `_MARK_FIRST` that is neither white space nor a digit opens no
    mark: no character case-folds to a mark's first letter but those listed."""
    import re

    from bot.summarize.offline import sides

    opens = re.compile(r"(?i)[pfica]|[(\[+\-\u2705\U0001f44d\u274c\U0001f44e]")
    missing = [
        hex(code)
        for code in range(0x110000)
        if opens.match(chr(code)) and chr(code) not in sides._MARK_FIRST
    ]
    assert missing == []


# Words and joins of an answered comment's sentences: auxiliaries, negations, content words
# and their roots ("flies" / "fly"), contractions, openers and every kind of clause break.
_CLAIM_PIECES = st.sampled_from(
    [
        "it", "is", "isn't", "isnt", "not", "should", "be", "banned", "ban", "zoos", "zoo's",
        "works", "work", "flies", "fly", "so", "but", "because", "so-called", "well", "ok",
        "really", "the", "cannot", "do", "doesn't", "evens", "out", "has", "opened", "a",
        "sinkhole", "12", "we", "\u00e9t\u00e9", "Is", "SHOULD", "Ban",
    ]
)  # fmt: skip
_JOINS = st.sampled_from(
    [" ", " ", " ", ", ", ". ", "? ", ": ", " - ", "(", ") ", "\u2013", "-", "\u00a0", ""]
)


@given(
    st.lists(st.tuples(_CLAIM_PIECES, _JOINS), max_size=16),
    st.lists(_CLAIM_PIECES, max_size=8),
)
@example([("zoos", " "), ("should", " "), ("be", " "), ("banned", ". ")], ["not", "banned"])
@example([("ok", " "), ("it", " "), ("flies", "")], ["it", "doesnt", "fly"])
def test_a_claim_a_denial_reads_is_never_ruled_out(
    pieces: list[tuple[str, str]], answer: list[str]
) -> None:
    """`claim._may_state_in` is True for every clause `claim.denies` reads whose claim has an
    auxiliary and a verb in the answer's clause (what it skips could never deny)."""
    text = "".join(word + join for word, join in pieces)
    lowered = " ".join(answer).lower()
    for part in claim._sentences(text[:600]):
        for clause in claim._CLAUSE.split(part.strip()):
            read = claim.read_claim(clause)
            if read is not None and read.auxiliary and any(v in lowered for v in read.verbs):
                assert claim._may_state_in(clause, lowered)


@given(
    st.lists(st.tuples(_CLAIM_PIECES, _JOINS), max_size=16),
    st.lists(st.tuples(_CLAIM_PIECES, _JOINS), max_size=10),
)
@example(
    [("zoos", " "), ("should", " "), ("be", " "), ("banned", ". ")],
    [("zoos", " "), ("should", " "), ("not", " "), ("be", " "), ("banned", "")],
)
@example(
    [("it", " "), ("is", " "), ("a", " "), ("sinkhole", ".")],
    [("not", " "), ("a", " "), ("sinkhole", "")],
)
def test_denies_as_without_the_claim_check(
    other_pieces: list[tuple[str, str]], pieces: list[tuple[str, str]]
) -> None:
    """`claim.denies` answers as it does when every clause is read for a claim."""
    from unittest import mock

    from bot.summarize.text import sentence_spans

    other = "".join(word + join for word, join in other_pieces)
    text = "".join(word + join for word, join in pieces)
    args = (other, sentence_spans(other), text, sentence_spans(text))
    fast = claim.denies(*args)
    with mock.patch.object(claim, "_may_state_in", lambda _clause, _lowered: True):
        assert claim.denies(*args) == fast


def _states_plainly_plain(stated: list[str], subject: str, roots: set[str]) -> bool:
    """`claim._states_plainly` with every sentence read (no search for the roots first)."""
    for sentence in stated:
        if not sentence or sentence.endswith("?"):
            continue
        for clause in claim._CLAUSE.split(sentence):
            toks = claim.tokens(clause)[: claim.MAX_CLAUSE_TOKENS]
            for k in range(1, len(toks)):
                if claim.root(toks[k]) not in roots or toks[k] in claim._AUX:
                    continue
                j = k - 1
                while j >= 0 and toks[j] in claim._SKIP:
                    j -= 1
                if j < 0 or toks[j] in claim._AUX or toks[j] in claim._NEG:
                    continue
                if toks[j] in claim._NOT_STATED:
                    continue
                said = toks[j]
                if said == subject or (
                    subject in claim._PRON and (said in claim._PRON or claim._content(said))
                ):
                    return True
    return False


@given(
    st.lists(
        st.lists(st.tuples(_CLAIM_PIECES, _JOINS), max_size=10).map(
            lambda pieces: "".join(word + join for word, join in pieces)
        ),
        max_size=3,
    ),
    st.sampled_from(["it", "app", "zoos", "we", "they"]),
    st.lists(_CLAIM_PIECES, min_size=1, max_size=3),
)
@example(["it evens out over time"], "it", ["even"])
@example(["Flies are a pain"], "it", ["flies"])
def test_states_plainly_as_reading_every_sentence(
    stated: list[str], subject: str, verbs: list[str]
) -> None:
    roots = {claim.root(verb.lower()) for verb in verbs}
    assert claim._states_plainly(stated, subject, roots) == _states_plainly_plain(
        stated, subject, roots
    )


def _plain_is_junk(text: str) -> bool:
    """`cues.is_junk` as first written: every pattern tried."""
    if len(text.split(None, 12)) > 12:
        return False
    if cues._HEADER_LINE.match(text):
        return True
    bare = cues._MENTION.sub(" ", cues._URL.sub(" ", text)).strip()
    if cues.word_count(bare) < 2:
        return True
    return bool(
        cues._TEST_POST.match(bare) or cues._GREETING.match(bare) or cues._THANKS_ONLY.match(bare)
    )


_JUNK_PIECES = [
    "hi ", "Hello ", "hey", "hiking ", "yo! ", "thanks ", "Thank you ", "thx", "cheers ", "all ",
    "everyone", "test ", "123 ", "@bob ", "<@12> ", ":smile: ", "https://x.y/z ", "www.a.b ",
    "good morning ", "much appreciated", "!! ", "\u00e9t\u00e9 ", "\u212a ", "ok ", "\n", "_ ",
]  # fmt: skip


@given(st.lists(st.sampled_from(_JUNK_PIECES), max_size=8).map("".join))
@example("hi everyone")
@example("@bob thanks!")
@example("https://x.y/z hello")
def test_junk_is_what_every_pattern_says(text: str) -> None:
    assert cues.is_junk(text) == _plain_is_junk(text)


@given(st.text(alphabet="ab.!?; \n\t", max_size=30))
@example("settle this.  cats > dogs!? ;\tok")
def test_clause_breaks_are_those_of_the_plain_pattern(text: str) -> None:
    import re

    plain = re.compile(r"[.!?;]+\s+")
    assert [m.span() for m in cues._CLAUSE_BREAK.finditer(text)] == [
        m.span() for m in plain.finditer(text)
    ]

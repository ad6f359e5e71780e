"""dedupe: each kind (what it removes and what it must keep), bookkeeping, the seed thread, and
properties that hold for any thread."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bot.dedupe.walk as walk_module
from bot.bench.synth import build_thread
from bot.dedupe import DedupeReport, dedupe, normalize
from bot.dedupe.index import Vocab
from bot.thread import Comment, Thread

SEED = Path(__file__).parent.parent / "fixtures" / "seed-thread.txt"

LONG = "School uniforms save families money because children need far fewer clothes for school."
OTHER = "Guns in the home make every argument between family members far more dangerous."
# 27 words: three misspellings leave 1 - 3/27 = 0.89 >= NEAR_THRESHOLD.
LONGER = (
    "Austerity cuts the services that poor families rely on most, so the people who did least to "
    "cause the debt end up paying the most for it."
)


def thread_of(*texts: str, ids: list[str] | None = None) -> Thread:
    ids = ids or [f"c{i}" for i in range(1, len(texts) + 1)]
    return Thread(comments=tuple(Comment(id=i, text=t) for i, t in zip(ids, texts, strict=True)))


def kinds(report: DedupeReport) -> dict[str, tuple[str, str]]:
    return {r.id: (r.kind, r.duplicate_of) for r in report.removed}


def kept_ids(thread: Thread) -> list[str]:
    return [c.id for c in thread.comments]


# --- normalize -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello,   World!", "hello world"),
        (
            "**Bold** and *it* and _it_ and ~~gone~~ and `code`",
            "bold and it and it and gone and code",
        ),
        ("> quoted line\n> more", "quoted line more"),
        ("see [the docs](https://example.com/x) now", "see the docs now"),
        ("- one\n* two\n+ three\n1. four\n2) five", "one two three four five"),
        ("\u201cSmart\u201d quotes \u2014 and don\u2019t", "smart quotes and dont"),
        ("don't", "dont"),
        ("Stra\u00dfe \uff21\uff22", "strasse ab"),  # casefold and NFKC
        ("snake_case", "snake case"),
        ("\U0001f44d!!", ""),
        ("version 2.0 in 1999", "version 2 0 in 1999"),
        ("Um, basically I honestly think so lol", "i think so"),  # filler words
        ("I like it, just like that", "i like it just like that"),  # not filler here
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


# --- each kind: one it removes, one it must keep -------------------------------------------------


def test_same_id_removed_whatever_the_text() -> None:
    out, report = dedupe(thread_of(LONG, OTHER, "edited later", ids=["m1", "m2", "m1"]))
    assert kept_ids(out) == ["m1", "m2"]
    assert [(r.id, r.kind, r.duplicate_of) for r in report.removed] == [("m1", "same_id", "m1")]


def test_same_id_points_at_the_kept_comment_when_the_first_was_removed() -> None:
    _, report = dedupe(thread_of(LONG, LONG, "other text", ids=["a", "b", "b"]))
    assert [(r.kind, r.duplicate_of) for r in report.removed] == [("exact", "a"), ("same_id", "a")]


def test_exact_ignores_only_outer_white_space() -> None:
    out, report = dedupe(thread_of(LONG, f"  {LONG}\n", LONG.lower()))
    assert kinds(report) == {"c2": ("exact", "c1"), "c3": ("normalized", "c1")}
    assert kept_ids(out) == ["c1"]


def test_normalized_folds_case_punctuation_markdown() -> None:
    variants = [
        LONG.upper(),
        LONG.replace(" ", "   ").rstrip(".") + "!!",
        "**" + LONG + "**",
        "- " + LONG,
        LONG.replace("children", "_children_"),
    ]
    _, report = dedupe(thread_of(LONG, *variants))
    assert {k for k, _ in kinds(report).values()} == {"normalized"}
    assert len(report.removed) == len(variants)


def test_normalized_does_not_merge_different_words_or_wordless_texts() -> None:
    out, report = dedupe(thread_of("I agree", "I disagree", "\U0001f44d", "\U0001f44e", "!!!"))
    assert report.removed == ()
    assert len(out.comments) == 5


def test_quote_only_removed() -> None:
    quote = "> children need far fewer clothes for school\n+1"
    whole = f'"{LONG}" this!'
    bare = "> " + OTHER.lower() + "\n^"  # "^" has no words: the same words as c2, normalized
    _, report = dedupe(thread_of(LONG, OTHER, quote, whole, "> " + OTHER + "\nexactly", bare))
    assert kinds(report) == {
        "c3": ("quote_only", "c1"),
        "c4": ("quote_only", "c1"),
        "c5": ("quote_only", "c2"),
        "c6": ("normalized", "c2"),
    }


def test_quote_with_a_reply_of_its_own_is_kept() -> None:
    reply = "> children need far fewer clothes for school\nOnly true for families with one child."
    dash = '"children need far fewer clothes" - but uniforms cost more than ordinary clothes'
    out, report = dedupe(thread_of(LONG, reply, dash))
    assert report.removed == ()
    assert kept_ids(out) == ["c1", "c2", "c3"]


def test_quote_of_text_nobody_wrote_is_kept() -> None:
    _, report = dedupe(thread_of(LONG, "> uniforms are a human right\n+1"))
    assert report.removed == ()


def test_repeated_block_one_comment_pasting_several() -> None:
    pasted = LONG + "\n\n" + OTHER
    spaced = LONG.lower() + "   " + OTHER
    out, report = dedupe(thread_of(LONG, OTHER, pasted, spaced))
    assert kinds(report) == {"c3": ("repeated_block", "c1"), "c4": ("repeated_block", "c1")}
    assert kept_ids(out) == ["c1", "c2"]


def test_repeated_block_needs_two_parts_and_a_substantial_one() -> None:
    # One part plus new words is new text; two short agreements joined are agreement.
    out, report = dedupe(
        thread_of(
            LONG,
            LONG + " And the buttons fall off.",
            "I agree",
            "Good point",
            "I agree. Good point!",
        )
    )
    assert report.removed == ()
    assert len(out.comments) == 5


def test_near_folds_misspellings_only() -> None:
    typos = [
        LONG.replace("families", "famlies"),  # a letter dropped
        LONG.replace("children", "chlidren"),  # two swapped
        LONG.replace("clothes", "clothess").replace("families", "familes"),  # 2 of 13: kept
    ]
    two = LONGER.replace("families", "famlies").replace("services", "servcies")
    three = two.replace("paying", "payinng")
    out, report = dedupe(thread_of(LONG, *typos, LONGER, two, three))
    assert kept_ids(out) == ["c1", "c4", "c5"]
    assert kinds(report) == {
        "c2": ("near", "c1"),
        "c3": ("near", "c1"),
        "c6": ("near", "c5"),
        "c7": ("near", "c5"),
    }
    sims = [r.similarity for r in report.removed]
    assert sims[0] == pytest.approx(1 - 1 / 13, abs=1e-4)  # reported to 4 decimals


@pytest.mark.parametrize(
    "edited",
    [
        LONG.replace("far fewer", "fewer far"),  # words moved
        LONG.replace("save", "really save"),  # a word added
        LONG.replace("far ", ""),  # a word dropped
        LONG.replace("money", "cash"),  # a word replaced
        LONG + " Second-hand uniforms are cheaper still.",  # a sentence added
        "Uniforms are cheaper for parents, since kids need a smaller school wardrobe.",
    ],
)
def test_near_keeps_any_other_change_of_words(edited: str) -> None:
    _, report = dedupe(thread_of(LONG, edited))
    assert report.removed == ()


def test_short_comments_are_never_near() -> None:
    out, report = dedupe(thread_of("I agree with this", "I agree with that", "I agree", "I agree!"))
    # Only the exact/normalized "I agree!" goes; similar short agreements are all counted.
    assert kinds(report) == {"c4": ("normalized", "c3")}
    assert kept_ids(out) == ["c1", "c2", "c3"]


def test_near_picks_the_closest_earlier_comment() -> None:
    # c1 and c2 are 4 misspellings apart (both kept); c3 is 3 from c1 but 1 from c2.
    c1 = LONGER
    c2 = LONGER.replace("services", "servces").replace("poor", "pour").replace("debt", "dept")
    c2 = c2.replace("paying", "payng")
    c3 = c2.replace("payng", "paying")
    _, report = dedupe(thread_of(c1, c2, c3))
    assert kinds(report) == {"c3": ("near", "c2")}
    assert report.removed[0].similarity == pytest.approx(
        1 - 1 / len(normalize(c2).split()), abs=1e-4
    )


def test_threshold_changes_what_is_near() -> None:
    two = LONG.replace("families", "famlies").replace("clothes", "clohtes")
    _, strict = dedupe(thread_of(LONG, two), near_threshold=0.95)
    _, loose = dedupe(thread_of(LONG, two), near_threshold=0.75)
    _, none = dedupe(thread_of(LONG, LONG.replace("money", "mony")), near_threshold=1.0)
    assert strict.removed == () and strict.near_threshold == 0.95
    assert kinds(loose) == {"c2": ("near", "c1")}
    assert none.removed == ()


@pytest.mark.parametrize("bad", [0.0, -0.5, 1.5])
def test_bad_threshold(bad: float) -> None:
    with pytest.raises(ValueError):
        dedupe(thread_of(LONG), near_threshold=bad)


# --- bookkeeping ---------------------------------------------------------------------------------


def test_first_occurrence_kept_in_order_and_thread_fields_carried() -> None:
    thread = Thread(
        comments=tuple(
            Comment(id=f"c{i}", text=t) for i, t in enumerate([OTHER, LONG, OTHER, "new"], 1)
        ),
        title="T",
        source="paste",
        url="https://example.com/t",
    )
    out, report = dedupe(thread)
    assert kept_ids(out) == ["c1", "c2", "c4"]
    assert (out.title, out.source, out.url) == ("T", "paste", "https://example.com/t")
    assert report.by_kind == {"exact": 1}
    assert report.comments_in == 4 and report.kept == 3


def test_reply_to_rewritten_to_the_kept_original() -> None:
    comments = (
        Comment(id="a", text=LONG),
        Comment(id="b", text=LONG.upper()),  # removed, stands for a
        Comment(id="c", text=OTHER, reply_to="b"),
        Comment(id="d", text="LOL that is wrong", reply_to="zzz"),  # unknown id stays
        Comment(id="e", text="Fine by me, honestly", reply_to="c"),
        Comment(id="f", text=OTHER.lower(), reply_to="a"),  # removed (normalized of c)
        Comment(id="g", text="Not at all", reply_to="f"),  # f -> c
        Comment(id="h", text="> " + LONG, reply_to=None),
    )
    out, _ = dedupe(Thread(comments=comments))
    replies = {c.id: c.reply_to for c in out.comments}
    assert replies == {"a": None, "c": "a", "d": "zzz", "e": "c", "g": "c"}


def test_reply_to_a_copy_of_itself_is_dropped() -> None:
    comments = (Comment(id="a", text=LONG, reply_to="b"), Comment(id="b", text=LONG))
    out, _ = dedupe(Thread(comments=comments))
    assert out.comments[0].reply_to is None


def test_empty_thread() -> None:
    out, report = dedupe(Thread())
    assert out.comments == ()
    assert (report.comments_in, report.kept, report.removed, report.by_kind, report.blocks) == (
        0,
        0,
        (),
        {},
        (),
    )


def test_one_comment() -> None:
    thread = thread_of(LONG)
    out, report = dedupe(thread)
    assert out == thread
    assert report.kept == 1 and report.removed == ()


def test_blocks_of_consecutive_repeats() -> None:
    texts = [
        LONG,
        OTHER,
        LONGER,
        "I agree",
        "Source?",
        "Uniforms are a small price for calm classrooms.",
    ]
    out, report = dedupe(thread_of(*texts, *texts[1:5], "new", texts[0], texts[1]))
    assert [
        (b.first_id, b.last_id, b.length, b.original_first_id, b.original_last_id)
        for b in report.blocks
    ] == [("c7", "c10", 4, "c2", "c5")]


def test_vocabulary_overflow_falls_back_to_exact_and_normalized(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Vocab, "limit", 5)
    out, report = dedupe(thread_of(LONG, LONG.upper(), LONG.replace("money", "mony"), LONG))
    assert kinds(report) == {"c2": ("normalized", "c1"), "c4": ("exact", "c1")}
    assert kept_ids(out) == ["c1", "c3"]


# --- the seed thread -----------------------------------------------------------------------------


def seed_thread() -> Thread:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return thread_of(*lines)


def test_seed_thread_numbers() -> None:
    out, report = dedupe(seed_thread())
    assert report.comments_in == 53
    assert report.kept == 27 and len(report.removed) == 26
    assert report.by_kind == {"exact": 26}
    assert kept_ids(out) == [f"c{i}" for i in range(1, 27)] + ["c35"]
    assert all(
        r.duplicate_of == f"c{int(r.id[1:]) - (26 if int(r.id[1:]) < 35 else 27)}"
        for r in report.removed
    )


def test_seed_thread_blocks_split_by_the_new_comment() -> None:
    _, report = dedupe(seed_thread())
    assert [
        (b.first_id, b.last_id, b.length, b.original_first_id, b.original_last_id)
        for b in report.blocks
    ] == [
        ("c27", "c34", 8, "c1", "c8"),
        ("c36", "c53", 18, "c9", "c26"),
    ]


# --- properties ----------------------------------------------------------------------------------

_WORDS = st.sampled_from(
    [
        "school",
        "uniforms",
        "save",
        "money",
        "I",
        "agree",
        "this",
        "+1",
        ">",
        '"',
        "**",
        "\n",
        "^",
        "guns",
        "the",
    ]
)
_TEXT = st.one_of(
    st.text(max_size=30),
    st.lists(_WORDS, max_size=14).map(" ".join),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 12), _TEXT), max_size=25))
def test_dedupe_properties(items: list[tuple[int, str]]) -> None:
    thread = Thread(comments=tuple(Comment(id=f"i{n}", text=t) for n, t in items))
    out, report = dedupe(thread)
    ids_in = [c.id for c in thread.comments]
    ids_out = kept_ids(out)
    assert report.kept + len(report.removed) == report.comments_in == len(ids_in)
    assert report.kept == len(ids_out) == len(set(ids_out))
    it = iter(ids_in)
    assert all(i in it for i in ids_out)  # a subsequence, in order
    assert {r.duplicate_of for r in report.removed} <= set(ids_out)
    assert sum(report.by_kind.values()) == len(report.removed)
    again, report2 = dedupe(out)
    assert report2.removed == ()
    assert again == out


# --- the synthetic benchmark threads -------------------------------------------------------------


def test_build_thread_sizes_and_determinism() -> None:
    thread, truth = build_thread(200, seed=3)
    assert len(thread.comments) == 200
    assert len(truth.base_ids) + len(truth.planted) == 200
    assert set(truth.by_kind()) == {
        "exact",
        "normalized",
        "near",
        "quote_only",
        "same_id",
        "repeated_block",
    }
    again, truth2 = build_thread(200, seed=3)
    assert again == thread and truth2 == truth
    other, _ = build_thread(200, seed=4)
    assert other != thread
    positions = {c.id: i for i, c in reversed(list(enumerate(thread.comments)))}
    for dup in truth.planted:
        assert positions[dup.original_id] < dup.position  # every copy comes after its original
        if dup.kind == "same_id":
            assert dup.id == dup.original_id


def test_build_thread_combines_arguments_past_the_dataset() -> None:
    thread, truth = build_thread(2000, seed=1, dup_rate=0.2)
    assert truth.combined_bases and len(truth.base_ids) == 1600
    bases = {c.id: c.text for c in thread.comments if c.id in set(truth.base_ids)}
    assert len(set(bases.values())) == len(bases)


def test_build_thread_planted_duplicates_are_found() -> None:
    thread, truth = build_thread(1200, seed=2)
    _, report = dedupe(thread)
    got = {r.id: r for r in report.removed if r.kind != "same_id"}
    found = sum(
        1
        for d in truth.planted
        if d.kind != "same_id" and d.id in got and got[d.id].duplicate_of == d.original_id
    )
    assert found / sum(1 for d in truth.planted if d.kind != "same_id") > 0.8
    removed_ids = {r.id for r in report.removed if r.kind != "same_id"}
    assert not removed_ids & set(truth.base_ids)  # no real argument merged into another


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 12), _TEXT), max_size=25))
def test_every_fold_is_a_copy_of_a_kept_comment(items: list[tuple[int, str]]) -> None:
    thread = Thread(
        comments=tuple(Comment(id=f"i{n}", text=t, author=f"u{n % 5}") for n, t in items)
    )
    out, report = dedupe(thread)
    copies = {(c.id, copy.id, copy.kind, copy.author) for c in out.comments for copy in c.copies}
    folds = {
        (r.duplicate_of, r.id, r.kind, r.author) for r in report.removed if r.kind != "same_id"
    }
    assert copies == folds
    # Nobody who wrote a comment is lost from the participants.
    assert set(out.participants) == set(thread.participants)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 12), _TEXT), max_size=25))
def test_bulk_mode_gives_the_same_result(items: list[tuple[int, str]]) -> None:
    # Quotes, pasted blocks, near copies and repeated ids of any small thread: bulk mode (forced)
    # and the comment-by-comment path agree exactly.
    thread = Thread(comments=tuple(Comment(id=f"i{n}", text=t) for n, t in items))
    expected = dedupe(thread)
    small = walk_module.BULK_MIN_COMMENTS
    walk_module.BULK_MIN_COMMENTS = 0
    try:
        assert dedupe(thread) == expected
    finally:
        walk_module.BULK_MIN_COMMENTS = small


def test_bulk_and_comment_by_comment_agree_on_a_larger_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    thread, _ = build_thread(2500, seed=9)
    bulk = dedupe(thread)
    monkeypatch.setattr(walk_module, "BULK_MIN_COMMENTS", 10**9)
    assert dedupe(thread) == bulk
    assert bulk[1].by_kind.get("near", 0) > 50


def test_bulk_quote_of_words_only_a_repeated_id_has(monkeypatch: pytest.MonkeyPatch) -> None:
    # The quoted words are in the vocabulary (every quote's longest word is) but in no comment
    # that is read: nothing to quote, and no error.
    monkeypatch.setattr(walk_module, "BULK_MIN_COMMENTS", 0)
    out, report = dedupe(
        thread_of(
            "> xylophonic zebras quietly\n+1",
            "> zebras xylophonic quietly\n+1",
            "> quietly zebras hum\n+1",
            "> zebras quietly xylophonic\n+1",
            ids=["a", "a", "a", "b"],
        )
    )
    assert [(r.id, r.kind) for r in report.removed] == [("a", "same_id"), ("a", "same_id")]
    assert kept_ids(out) == ["a", "b"]


def test_bulk_quote_of_words_a_complete_copy_gave_an_older_comment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # c3 completes the cut-off c1 (c1 then shows c3's text); c4 quotes words that c2 and c3
    # hold: the first kept comment holding them is c1, older than c2 although c3 comes after c2.
    monkeypatch.setattr(walk_module, "BULK_MIN_COMMENTS", 0)
    out, report = dedupe(
        thread_of(
            "we should build more bike lanes in the city cent",
            "center because traffic is bad and that is all",
            "we should build more bike lanes in the city center because traffic is bad",
            "> center because traffic is bad\n+1",
        )
    )
    assert [(r.id, r.kind, r.duplicate_of) for r in report.removed] == [
        ("c3", "truncated", "c1"),
        ("c4", "quote_only", "c1"),
    ]
    assert kept_ids(out) == ["c1", "c2"]


_PASTE_TEXT = st.lists(
    st.one_of(
        st.sampled_from(
            ["don't", "1.", "2)", "> q", "\n", "  ", "--", "A_b", "x" * 30, "[a](b)", "um", "lol"]
        ),
        st.text(alphabet="abcXYZ019 .,'\n\x01-", max_size=12),
        st.text(max_size=6),
    ),
    max_size=12,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PASTE_TEXT, max_size=30), st.integers(1, 4))
def test_encoding_texts_in_bulk_is_encoding_their_words(texts: list[str], chunk: int) -> None:
    # ASCII texts go through arrays a chunk at a time, the others word by word: every text's
    # code spells `words_of` it (filler words taken out).
    from bot.dedupe.normalize import words_of

    vocab = Vocab()
    small = walk_module._ENCODE_CHUNK
    walk_module._ENCODE_CHUNK = chunk
    try:
        codes = walk_module._encode_texts(list(dict.fromkeys(texts)), vocab)
    finally:
        walk_module._ENCODE_CHUNK = small
    assert {t: [vocab.words[ord(c)] for c in code] for t, code in codes.items()} == {
        t: words_of(t) for t in texts
    }


def test_encoding_in_bulk_falls_back_when_words_share_a_hash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bot.dedupe.bulk as bulk

    for name in ("_MIX", "_TAG", "_BASE"):  # every word hashes alike
        monkeypatch.setattr(bulk, name, 0)
    assert bulk.encode_folded(b"a b\x01c a", Vocab().__getitem__) is None
    vocab = Vocab()
    codes = walk_module._encode_texts(["A b!", "c, a"], vocab)
    assert {t: [vocab.words[ord(c)] for c in code] for t, code in codes.items()} == {
        "A b!": ["a", "b"],
        "c, a": ["c", "a"],
    }

"""verify: the folding rules, elisions, and what a cleaned summary keeps and drops."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.summarize.schema import Point, Quote, Side, Summary, Verification
from bot.summarize.verify import fold, quote_matches, quote_problem, verify
from bot.thread import Comment

COMMENTS = [
    Comment(
        id="c1", text="It\u2019s \u201cjust\u201d role\u2011play \u2014 nothing   more.\nReally."
    ),
    Comment(id="c2", text="The point of these experiments is to show that models would act."),
    Comment(id="c3", text="I fully agree regarding real-world consequences."),
]


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("  a \t b\n\n c  ", "a b c"),
        ("\u2018single\u2019 \u201adouble\u201b \u2032", "'single' 'double' '"),
        ("\u201cq\u201d \u201eq\u201f \u2033 \u00abq\u00bb \u2039q\u203a", '"q" "q" " "q" \'q\''),
        ("a\u2010b\u2011c\u2012d\u2013e\u2014f\u2015g\u2212h", "a-b-c-d-e-f-g-h"),
        ("wait\u2026 what", "wait... what"),
        ("Case STAYS", "Case STAYS"),
        ("\u00a0non-breaking\u00a0space\u00a0", "non-breaking space"),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_fold_is_idempotent() -> None:
    text = COMMENTS[0].text
    assert fold(fold(text)) == fold(text)


LONG = (
    "It\u2019s \u201cjust\u201d role\u2011play \u2014 the models were told to act, and they "
    "did exactly what the prompt asked of them.\nReally, that is all there is to it."
)


@pytest.mark.parametrize(
    ("quote", "source"),
    [
        ('It\'s "just" role-play - nothing more.', COMMENTS[0].text),  # ASCII forms
        ("It\u2019s \u201cjust\u201d role\u2011play \u2014 nothing   more.", COMMENTS[0].text),
        ("role-play - nothing more. Really.", COMMENTS[0].text),  # white space across the break
        ("...nothing more...", COMMENTS[0].text),  # leading and trailing elisions leave out
        ("\u2026 \u201cjust\u201d role-play", COMMENTS[0].text),  # nothing in the middle
        ('It\'s "just" role-play ... they did exactly what', LONG),  # one elision
        ("the models were\u2026exactly what the prompt", LONG),  # typographic, no spaces
        ('It\'s "just" role-play ... the models were ... that is all', LONG),  # two, in order
        ("Well... I do think so", "Well... I do think so."),  # the comment's own ellipsis
        ("I do not ... power is safe", "I do not think nuclear power is safe"),  # kept negation
    ],
)
def test_quote_matches(quote: str, source: str) -> None:
    assert quote_matches(quote, source)


@pytest.mark.parametrize(
    "quote",
    [
        "",
        "   ",
        "...",
        "\u2026 \u2026",
        "Really ... It's",  # fragments out of order
        "nothing ... nothing",  # a fragment may not be used twice
        'it\'s "just" role-play',  # case changed
        "It's just role-play",  # words changed (quotes removed)
        'It\'s "only" role-play',
        "role play",  # hyphen removed
    ],
)
def test_quote_does_not_match(quote: str) -> None:
    assert not quote_matches(quote, COMMENTS[0].text)


NUCLEAR = "I do not think nuclear power is safe, and I never said the waste is harmless."


@pytest.mark.parametrize(
    "quote",
    [
        "I do ... think nuclear power is safe",  # leaves out "not"
        "I do\u2026think nuclear power is safe",
        "I do n... think nuclear power is safe",  # leaves out part of "not"
        "and I ... said the waste is harmless",  # leaves out "never"
        "a ... e",  # fragments of one word
        "I ... s",
        "I do not ... power is",  # a fragment of two words
        "I do not ... power is safe, ... I never said ... waste is harmless.",  # three elisions
    ],
)
def test_an_elision_cannot_change_the_meaning(quote: str) -> None:
    assert not quote_matches(quote, NUCLEAR)


def test_the_negation_rule_covers_contractions_and_chat_spellings() -> None:
    for source in (
        "Honestly I really don\u2019t believe the plan will work out.",
        "Honestly I really dont believe the plan will work out.",
        "Honestly I really cannot believe the plan will work out.",
    ):
        assert not quote_matches("Honestly I really ... believe the plan will work", source)
    assert quote_matches(
        "Honestly I really ... believe the plan will work",
        "Honestly I really, truly believe the plan will work.",
    )


def test_a_placement_without_a_negation_in_its_gap_is_found() -> None:
    # The leftmost placement leaves out "not"; a later one leaves out nothing that negates.
    source = "so we should not build it here. so we should really build it in the north."
    assert quote_matches("so we should ... build it in the north", source)
    assert not quote_matches("so we should ... build it here", source)


def test_overlapping_fragments_do_not_match() -> None:
    assert not quote_matches("ab cd ab ... cd ab ef", "ab cd ab ef")
    assert quote_matches("ab cd ab ... ab cd ab ef", "ab cd ab x ab cd ab ef")


def test_elided_quotes_stay_fast_on_repetitive_text() -> None:
    source = "a b c " * 20_000
    assert not quote_matches("a b c ... a b c ... x y z", source)
    assert quote_matches("a b c ... a b c ... a b c", source)


def _summary(*points: Point, common: tuple[Point, ...] = ()) -> Summary:
    return Summary(
        question="Is it role-play?",
        sides=[
            Side(
                label="A",
                position="It is.",
                participants=["ann"],
                # The ids its points cite that name a comment: what `verify` would leave.
                comment_ids=list(
                    dict.fromkeys(
                        i for p in points for i in p.comment_ids if i in {c.id for c in COMMENTS}
                    )
                ),
                points=list(points),
            ),
            Side(label="B", position="It is not.", points=[]),
        ],
        common_ground=list(common),
        open_questions=["What now?"],
    )


def test_verify_keeps_a_clean_summary_unchanged() -> None:
    point = Point(
        text="Role-play only.",
        comment_ids=["c1"],
        quotes=[Quote(comment_id="c1", text='It\'s "just" role-play')],
    )
    summary = _summary(point)
    cleaned, report = verify(summary, COMMENTS)
    assert cleaned == summary
    assert report == Verification(quotes_checked=1, quotes_verified=1)


def test_verify_drops_bad_quotes_unknown_ids_and_unsupported_points() -> None:
    good = Point(
        text="Experiments show behaviour.",
        comment_ids=["c2", "c404"],
        quotes=[
            Quote(comment_id="c2", text="models would act"),
            Quote(comment_id="c2", text="models would never act"),  # not verbatim
            Quote(comment_id="c404", text="models would act"),  # unknown comment
        ],
    )
    unsupported = Point(
        text="Invented.",
        comment_ids=["c999"],
        quotes=[Quote(comment_id="c1", text="totally invented words")],
    )
    uncited_quote = Point(
        text="Consequences matter.",
        comment_ids=[],
        quotes=[Quote(comment_id="c3", text="real-world consequences")],
    )
    common = Point(text="Nothing verified here.", comment_ids=["nope"], quotes=[])
    cleaned, report = verify(_summary(good, unsupported, uncited_quote, common=(common,)), COMMENTS)

    side_a, side_b = cleaned.sides
    texts = [p.text for p in side_a.points]
    assert texts == ["Experiments show behaviour.", "Consequences matter."]
    assert side_a.points[0].comment_ids == ["c2"]
    assert side_a.points[0].quotes == [Quote(comment_id="c2", text="models would act")]
    # A verified quote is support: its comment is cited even though the engine forgot it.
    assert side_a.points[1].comment_ids == ["c3"]
    assert cleaned.common_ground == []
    # The empty side stays, label and position intact: the imbalance is visible.
    assert (side_b.label, side_b.position, side_b.points) == ("B", "It is not.", [])
    assert side_a.participants == ["ann"]
    assert cleaned.question == "Is it role-play?"
    assert cleaned.open_questions == ["What now?"]
    assert report == Verification(
        quotes_checked=5,
        quotes_verified=2,
        quotes_dropped=3,
        citations_dropped=3,  # c404, c999, nope
        points_dropped=2,  # unsupported, common
    )


def test_verify_accepts_a_mapping_and_is_pure() -> None:
    point = Point(text="x", comment_ids=["c1"], quotes=[Quote(comment_id="c1", text="NOTHING")])
    summary = _summary(point)
    by_id = {c.id: c for c in COMMENTS}
    first = verify(summary, by_id)
    second = verify(summary, by_id)
    assert first == second
    cleaned, report = first
    # The case-changed quote is dropped, and the point with it: a citation is not a quote.
    assert cleaned.sides[0].points == []
    assert report.quotes_dropped == 1 and report.points_dropped == 1
    assert summary.sides[0].points[0].quotes  # the input is untouched


def test_verify_first_comment_wins_on_repeated_ids() -> None:
    comments = [Comment(id="c1", text="first words"), Comment(id="c1", text="second words")]
    point = Point(text="x", quotes=[Quote(comment_id="c1", text="second words")])
    cleaned, report = verify(_summary(point), comments)
    assert cleaned.sides[0].points == []
    assert report.points_dropped == 1 and report.quotes_dropped == 1


def test_a_claim_without_a_verified_quote_is_dropped_wherever_it_stands() -> None:
    # The model's own claim, citing a real comment but quoting nothing of it (issue 14).
    invented = Point(
        text="Everyone agrees LLMs secretly plan to deceive.", comment_ids=["c2"], quotes=[]
    )
    supported = Point(
        text="It is role-play.",
        comment_ids=["c1"],
        quotes=[Quote(comment_id="c1", text="role-play - nothing more")],
    )
    cleaned, report = verify(_summary(invented, supported, common=(invented,)), COMMENTS)
    assert cleaned.sides[0].points == [supported]
    assert cleaned.common_ground == []
    assert report.points_dropped == 2 and report.quotes_verified == 1
    assert report.citations_dropped == 0  # c2 exists: the point fell for want of a quote


@pytest.mark.parametrize(
    ("quote", "problem"),
    [
        ("I do not think nuclear power is safe", None),
        ("safe, and I ... said the waste is harmless", "leaves out a negation"),
        ("I do not ... power is", "fewer than 3 words"),
        ("I do not ... power is safe, ... I never said ... waste is harmless.", "more than 2"),
        ("I do think nuclear power is safe", "is not verbatim text of"),
        ("...", "is empty"),
    ],
)
def test_quote_problem_names_the_rule_that_failed(quote: str, problem: str | None) -> None:
    found = quote_problem(quote, NUCLEAR)
    assert (found is None) == (problem is None)
    assert problem is None or (found is not None and problem in found)
    assert quote_matches(quote, NUCLEAR) == (found is None)


def _brute_force(fragments: list[str], source: str) -> bool:
    """Every in-order, non-overlapping placement of `fragments`, tried one by one: true when one
    leaves no negation word (whole or in part) out between two fragments."""
    import re
    from itertools import product

    from bot.summarize.verify import NEGATIONS

    negations = [
        (m.start(), m.end())
        for m in re.finditer(r"\w+(?:'\w+)*", source)
        if m.group().casefold() in NEGATIONS or m.group().casefold().endswith("n't")
    ]
    spots = [[i for i in range(len(source)) if source.startswith(f, i)] for f in fragments]
    for starts in product(*spots):
        ends = [s + len(f) for s, f in zip(starts, fragments, strict=True)]
        if any(starts[i + 1] < ends[i] for i in range(len(fragments) - 1)):
            continue
        gaps = [(ends[i], starts[i + 1]) for i in range(len(fragments) - 1)]
        if not any(a < ne and ns < b for a, b in gaps if a < b for ns, ne in negations):
            return True
    return False


_VOCAB = ["it", "is", "not", "safe", "no", "never", "we", "can't", "build", "I", "do", "think"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_VOCAB), min_size=3, max_size=18),
    st.lists(st.tuples(st.integers(0, 17), st.integers(3, 5)), min_size=2, max_size=3),
)
def test_elided_quotes_agree_with_brute_force(
    words: list[str], cuts: list[tuple[int, int]]
) -> None:
    """The verifier's placement search (latest end before each fragment) finds a placement
    exactly when trying every placement does."""
    source = " ".join(words)
    fragments = [" ".join(words[i : i + n]) for i, n in cuts if len(words[i : i + n]) == n]
    if len(fragments) < 2:
        return
    quote = " ... ".join(fragments)
    if quote in source:
        return  # verbatim: no elision to judge
    assert quote_matches(quote, source) == _brute_force(fragments, source)

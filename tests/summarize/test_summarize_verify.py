"""verify: the folding rules, elisions, and what a cleaned summary keeps and drops."""

from __future__ import annotations

import pytest

from bot.summarize.schema import Point, Quote, Side, Summary, Verification
from bot.summarize.verify import fold, quote_matches, verify
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


@pytest.mark.parametrize(
    "quote",
    [
        'It\'s "just" role-play - nothing more.',  # ASCII forms of the typographic text
        "It\u2019s \u201cjust\u201d role\u2011play \u2014 nothing   more.",  # verbatim
        "role-play - nothing more. Really.",  # white space folded across the line break
        "It's ... nothing more",  # elision
        "It's\u2026Really.",  # typographic elision, no spaces
        "It's ... role-play ... Really",  # two elisions, in order
        "...nothing more...",  # leading and trailing elisions
    ],
)
def test_quote_matches(quote: str) -> None:
    assert quote_matches(quote, COMMENTS[0].text)


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


def test_overlapping_fragments_do_not_match() -> None:
    assert not quote_matches("abcab ... bcd", "abcabcd")
    assert quote_matches("abc ... abcd", "abcabcd")


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
    # The case-changed quote is dropped, the point survives on its citation.
    assert cleaned.sides[0].points == [Point(text="x", comment_ids=["c1"], quotes=[])]
    assert report.quotes_dropped == 1 and report.points_dropped == 0
    assert summary.sides[0].points[0].quotes  # the input is untouched


def test_verify_first_comment_wins_on_repeated_ids() -> None:
    comments = [Comment(id="c1", text="first words"), Comment(id="c1", text="second words")]
    point = Point(text="x", quotes=[Quote(comment_id="c1", text="second words")])
    cleaned, report = verify(_summary(point), comments)
    assert cleaned.sides[0].points == []
    assert report.points_dropped == 1 and report.quotes_dropped == 1

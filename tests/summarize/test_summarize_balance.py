"""The balance check: per-side shares, and the starved flag, on anonymous and named threads."""

from __future__ import annotations

from bot.summarize.balance import check_balance
from bot.summarize.schema import Point, Quote, Side, Summary
from bot.summarize.verify import verify
from bot.thread import Comment

ANON = [Comment(id=f"c{i}", text=f"Comment number {i} says something.") for i in range(1, 25)]


def _point(cid: str) -> Point:
    return Point(text="A point.", comment_ids=[cid], quotes=[Quote(comment_id=cid, text="says")])


def _side(label: str, members: list[str], cited: list[str], **extra: object) -> Side:
    return Side(
        label=label,
        position=f"{label} is right.",
        comment_ids=members,
        points=[_point(c) for c in cited],
        **extra,
    )


def test_a_crowded_side_with_one_point_is_starved_on_an_anonymous_thread() -> None:
    ids = [c.id for c in ANON]
    summary = Summary(
        question="Q?",
        sides=[_side("Many", ids[:20], ids[:1]), _side("Few", ids[20:], ids[20:])],
    )
    balance = check_balance(summary, ANON)
    many, few = balance.sides
    assert (many.comments, many.points, many.quotes) == (20, 1, 1)
    assert (few.comments, few.points) == (4, 4)
    assert many.comment_share == round(20 / 24, 3) and many.point_share == 0.2
    assert many.starved and not few.starved
    assert balance.flagged


def test_without_side_members_the_same_summary_looks_fair() -> None:
    # What the check saw before sides listed their comments: only the cited ones.
    ids = [c.id for c in ANON]
    summary = Summary(question="Q?", sides=[_side("Many", [], ids[:1]), _side("Few", [], ids[20:])])
    assert not check_balance(summary, ANON).flagged


def test_shares_in_proportion_are_not_flagged() -> None:
    ids = [c.id for c in ANON]
    summary = Summary(
        question="Q?",
        sides=[_side("A", ids[:12], ids[:3]), _side("B", ids[12:], ids[12:15])],
    )
    balance = check_balance(summary, ANON)
    assert [s.starved for s in balance.sides] == [False, False]
    assert not balance.flagged


def test_a_side_with_comments_and_no_point_is_starved() -> None:
    ids = [c.id for c in ANON]
    summary = Summary(
        question="Q?", sides=[_side("A", ids[:12], ids[:3]), _side("B", ids[12:], [])]
    )
    assert check_balance(summary, ANON).sides[1].starved


def test_one_side_is_never_flagged() -> None:
    ids = [c.id for c in ANON]
    summary = Summary(question="Q?", sides=[_side("Main points", ids, ids[:1])])
    assert not check_balance(summary, ANON).flagged


def test_named_threads_count_the_participants_comments() -> None:
    named = [
        Comment(id=f"m{i}", text="Words here.", author="ann" if i < 9 else "bob") for i in range(10)
    ]
    summary = Summary(
        question="Q?",
        sides=[
            _side("Ann", [], ["m0"], participants=["ann"]),
            _side("Bob", [], ["m9", "m9", "m9"], participants=["bob"]),
        ],
    )
    ann, bob = check_balance(summary, named).sides
    assert (ann.comments, bob.comments) == (9, 1)
    assert ann.starved  # 1 point of 4 for 9 comments of 10


def test_verify_drops_unknown_side_members_and_adds_cited_ones() -> None:
    summary = Summary(question="Q?", sides=[_side("A", ["c2", "nope", "c2"], ["c5"])])
    cleaned, report = verify(summary, ANON)
    assert cleaned.sides[0].comment_ids == ["c2", "c5"]
    assert report.citations_dropped == 1

"""Fold, don't delete: copies carried by the kept comment, cut-off copies, every fold reported."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.dedupe import dedupe
from bot.pipeline import input_stats
from bot.thread import Comment, Copy, Thread

TEXT = "Four-day weeks would leave people more rested and more productive at work"
CUT = "Four-day weeks would leave people more rested and more produc"
CUT_DOTS = "Four-day weeks would leave people more rested and..."


def test_the_kept_comment_carries_its_copies_in_order() -> None:
    t = datetime(2026, 1, 1, tzinfo=UTC)
    thread = Thread(
        comments=(
            Comment(id="c1", text=TEXT, author="Alice", url="https://x.test/1"),
            Comment(id="c2", text="Something else entirely, about Fridays", author="Bob"),
            Comment(id="c3", text=TEXT.upper(), author="Carol", time=t, url="https://x.test/3"),
            Comment(id="c4", text=TEXT, author="Dan"),
            Comment(id="c4", text=TEXT, author="Dan"),  # the same message again
        )
    )
    out, report = dedupe(thread)
    kept = out.comments[0]
    assert kept.copies == (
        Copy(id="c3", kind="normalized", author="Carol", time=t, url="https://x.test/3"),
        Copy(id="c4", kind="exact", author="Dan"),
    )
    assert kept.authors == ["Alice", "Carol", "Dan"]
    assert out.participants == ["Alice", "Carol", "Dan", "Bob"]
    assert [(r.id, r.kind, r.duplicate_of, r.author) for r in report.removed] == [
        ("c3", "normalized", "c1", "Carol"),
        ("c4", "exact", "c1", "Dan"),
        ("c4", "same_id", "c1", "Dan"),
    ]
    stats = input_stats(thread, out, report)
    assert stats.participants == 4 and stats.duplicates_removed == 3


def test_a_complete_copy_replaces_a_cut_off_first_occurrence() -> None:
    for cut in (CUT, CUT_DOTS):
        thread = Thread(
            comments=(
                Comment(id="c1", text=cut, author="Alice"),
                Comment(id="c2", text="Unrelated: customers call on Fridays", author="Bob"),
                Comment(id="c3", text=TEXT, author="Carol"),
            )
        )
        out, report = dedupe(thread)
        first = out.comments[0]
        assert (first.id, first.author, first.text) == ("c1", "Alice", TEXT)
        assert first.copies == (Copy(id="c3", kind="truncated", author="Carol"),)
        assert [(r.id, r.kind, r.duplicate_of) for r in report.removed] == [
            ("c3", "truncated", "c1")
        ]
        again, report2 = dedupe(out)
        assert report2.removed == () and again == out


def test_a_cut_off_later_copy_is_folded_into_the_complete_one() -> None:
    out, report = dedupe(Thread(comments=(Comment(id="a", text=TEXT), Comment(id="b", text=CUT))))
    assert out.comments[0].text == TEXT
    assert [(r.id, r.kind) for r in report.removed] == [("b", "truncated")]


def test_a_shorter_comment_without_a_cut_is_its_own_statement() -> None:
    # The first ends on a whole word with no ellipsis: "more rested" is a complete claim.
    short = "Four-day weeks would leave people more rested"
    _, report = dedupe(Thread(comments=(Comment(id="a", text=short), Comment(id="b", text=TEXT))))
    assert report.removed == ()


def test_folding_a_deduplicated_thread_into_another_keeps_every_copy() -> None:
    first, _ = dedupe(
        Thread(
            comments=(
                Comment(id="a", text=TEXT, author="A"),
                Comment(id="b", text=TEXT, author="B"),
            )
        )
    )
    second, _ = dedupe(
        Thread(
            comments=(
                Comment(id="c", text=TEXT, author="C"),
                Comment(id="d", text=TEXT, author="D"),
            )
        )
    )
    merged, _ = dedupe(Thread(comments=first.comments + second.comments))
    assert merged.comments[0].authors == ["A", "B", "C", "D"]
    assert [c.id for c in merged.comments[0].copies] == ["b", "c", "d"]


def test_replies_to_a_folded_copy_point_at_the_kept_comment() -> None:
    thread = Thread(
        comments=(
            Comment(id="a", text=TEXT),
            Comment(id="b", text=TEXT.lower()),
            Comment(id="c", text="No, people would just be squeezed", reply_to="b"),
        )
    )
    out, _ = dedupe(thread)
    assert {c.id: c.reply_to for c in out.comments} == {"a": None, "c": "a"}


def test_the_balance_check_counts_every_copy_and_copy_author() -> None:
    from bot.summarize.balance import check_balance
    from bot.summarize.schema import Point, Quote, Side, Summary

    thread = Thread(
        comments=(
            Comment(id="a1", text=TEXT, author="Alice"),
            Comment(id="a2", text=TEXT.upper(), author="Ann"),
            Comment(id="a3", text=TEXT + "!", author="Amy"),
            Comment(
                id="b1",
                text="Customers call on Fridays, so the office must stay open",
                author="Bob",
            ),
        )
    )
    out, _ = dedupe(thread)
    point = Point(text="p", quotes=[Quote(comment_id="b1", text="Customers call on Fridays")])
    summary = Summary(
        question="q",
        sides=[
            Side(label="For", position="p", participants=["Ann"]),  # Ann only wrote a copy
            Side(label="Against", position="p", participants=["Bob"], points=[point]),
        ],
    )
    balance = check_balance(summary, out.comments)
    assert [s.comments for s in balance.sides] == [3, 1]
    assert balance.sides[0].starved

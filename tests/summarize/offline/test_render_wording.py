"""What the renderers say about sides: counted support, capped participants, other points, and
a true line for a side without points."""

from __future__ import annotations

import io

from rich.console import Console

from bot.render.common import no_points_line, participants_line, side_support
from bot.render.markdown import to_markdown
from bot.render.terminal import render
from bot.summarize.schema import (
    DigestResult,
    InputStats,
    Point,
    Quote,
    Side,
    Summary,
    Verification,
)


def result(**verification: int) -> DigestResult:
    names = [f"user{i}" for i in range(213)]
    summary = Summary(
        question="We should switch to a four-day week.",
        sides=[
            Side(
                label="For: We should switch to a four-day week",
                position="We should switch to a four-day week.",
                participants=names,
                comment_ids=[f"c{i}" for i in range(14)],
                points=[
                    Point(
                        text="People would be more rested.",
                        comment_ids=["c3"],
                        quotes=[Quote(comment_id="c3", text="people would be more rested")],
                    )
                ],
            ),
            Side(
                label="Against: We should switch to a four-day week",
                position="No statement of this side could be quoted.",
                comment_ids=["c20"],
            ),
        ],
        other_points=[
            Point(
                text="When does the market open?",
                comment_ids=["c30"],
                quotes=[Quote(comment_id="c30", text="When does the market open?")],
            )
        ],
    )
    return DigestResult(
        engine="offline",
        input=InputStats(comments=31, unique_comments=31, duplicates_removed=0),
        summary=summary,
        verification=Verification(**verification),
    )


def test_wording_helpers() -> None:
    assert participants_line(["a", "b"]) == "a, b"
    names = [f"n{i}" for i in range(213)]
    assert participants_line(names).endswith("n9 and 203 others")
    assert participants_line(names[:11]).endswith("and 1 other")
    assert side_support(result().summary.sides[0]) == "14 comments take this side"
    assert side_support(result().summary.sides[1]) == "1 comment takes this side"
    main = result().summary.sides[0].model_copy(update={"label": "Main points"})
    assert side_support(main) == "drawn from 14 comments"
    assert no_points_line(result()) == "No statement of this side could be quoted."
    assert no_points_line(result(points_dropped=1)).startswith("No point of this side survived")


def test_terminal_and_markdown_show_other_points_and_cap_names() -> None:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    render(result(), console)
    out = console.file.getvalue()
    markdown = to_markdown(result())
    for text in (out, markdown):
        assert "14 comments take this side" in text
        assert "and 203 others" in text and "user200" not in text
        assert "Other points" in text and "When does the market open?" in text
        assert "survived verification" not in text


def test_side_support_counts_every_folded_copy_in_every_renderer() -> None:
    """Three copies of c3 (one a copy of a copy) and one of c20 were folded: 'N comments take
    this side' counts them, in the terminal, the Markdown export and the Discord embeds."""
    from bot.render.embeds import blocks
    from bot.summarize.schema import Duplicate

    folded = result().model_copy(
        update={
            "duplicates": [
                Duplicate(id="c40", kind="exact", duplicate_of="c3", author="x"),
                Duplicate(id="c41", kind="near", duplicate_of="c3", author="y"),
                Duplicate(id="c42", kind="exact", duplicate_of="c41", author="z"),
                Duplicate(id="c43", kind="exact", duplicate_of="c20", author="w"),
            ]
        }
    )
    console = Console(file=io.StringIO(), width=200, color_system=None)
    render(folded, console)
    embeds = "\n".join(e.description or "" for e in blocks(folded))
    for text in (console.file.getvalue(), to_markdown(folded), embeds):
        assert "17 comments take this side" in text
        assert "2 comments take this side" in text
        assert "14 comments take this side" not in text


def test_a_side_nobody_took_is_shown_empty_and_says_so() -> None:
    from bot.render.embeds import blocks
    from bot.summarize.offline import summarize_offline
    from bot.thread import Comment, Thread

    lines = (
        "Mod: Should large cruise ships be banned from the harbour? Discuss.",
        "Bob: No, the shops on the quay depend on the cruise passengers.",
        "Carol: I disagree with banning them, the port fees pay for the lifeboat station.",
        "Dan: Nope. Banning would just send them to the next town.",
    )
    thread = Thread(
        comments=tuple(
            Comment(id=f"c{n}", author=line.split(": ")[0], text=line.split(": ", 1)[1])
            for n, line in enumerate(lines, 1)
        ),
        source="paste",
    )
    summary = summarize_offline(thread)[0]
    nobody, against = summary.sides
    assert (nobody.label, nobody.position, nobody.comment_ids) == (
        "Yes",
        "Nobody in the thread took this side.",
        [],
    )
    assert against.label.startswith("No: ") and against.comment_ids == ["c2", "c3", "c4"]
    done = DigestResult(
        engine="offline",
        input=InputStats(comments=4, unique_comments=4, duplicates_removed=0),
        summary=summary,
        verification=Verification(),
    )
    console = Console(file=io.StringIO(), width=200, color_system=None)
    render(done, console)
    embeds = "\n".join(str(e.to_dict()) for e in blocks(done))
    for text in (console.file.getvalue(), to_markdown(done), embeds):
        assert "Nobody in the thread took this side." in text
        assert "No statement of this side could be quoted" not in text
        assert "take this side" in text and "0 comments" not in text

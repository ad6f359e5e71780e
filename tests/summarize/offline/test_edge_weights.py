"""The sides stage weighs each kind of linked cue by what it was measured to be worth
(`sides.EDGE_WEIGHTS`, measured by `bot.bench.edge_bench`), not by a hand-set guess."""

from __future__ import annotations

from bot.summarize.offline import LinkedCue, assign_sides, linked_cues
from bot.summarize.offline.model import Cue
from bot.summarize.offline.sides import EDGE_WEIGHTS, edge_weight
from bot.thread import Comment, Thread


def _thread(*rows: tuple[str, str, str | None]) -> Thread:
    return Thread(
        comments=tuple(
            Comment(id=f"c{i}", author=author, text=text, reply_to=reply)
            for i, (author, text, reply) in enumerate(rows, start=1)
        )
    )


LIBRARY = _thread(
    ("ana", "The library should stay open until 10pm on weekdays.", None),
    ("ben", "But hardly anyone is in there after 8, the staff would be paid to sit alone.", "c1"),
    ("cat", "But students revise there every evening before exams.", "c2"),
    ("dev", "agreed", None),
    ("dev", "But exam season is six weeks of the year, the other forty six nobody comes.", "c3"),
)


def test_a_reply_that_argues_back_outweighs_an_agreed_that_only_guessed_its_target() -> None:
    # Dev's bare "agreed" is read as answering the comment above it (Cat's), but his next
    # comment, a reply to Cat, argues against her. A "But ..." reply is right 92% of the time in
    # the labelled sets and an "agreed" to the previous speaker 75%: Dev is on Ben's side.
    assert linked_cues(LIBRARY)[2:] == [
        LinkedCue("c4", "c3", "agree", 1, "previous", 0),
        LinkedCue("c5", "c3", "contrast", -1, "reply", 0),
    ]
    sides = assign_sides(LIBRARY)
    assert sides[0] == sides[2] != sides[1]
    assert sides[3] == sides[4] == sides[1]


def test_linked_cues_name_the_question_as_no_target() -> None:
    thread = Thread(
        title="The library should stay open until 10pm on weekdays",
        source="reddit",
        comments=(
            Comment(id="c1", author="ben", text="No way, nobody is there after 8."),
            Comment(id="c2", author="cat", text="Source? The counts say otherwise."),
        ),
    )
    assert linked_cues(thread) == [
        LinkedCue("c1", None, "disagree", -1, "root", 0),
        LinkedCue("c2", None, "query", -1, "root", 0),
    ]


def test_a_measured_kind_weighs_its_measure_scaled_by_the_rows_own_weight() -> None:
    measured = EDGE_WEIGHTS[("contrast", -1, "reply")]
    assert edge_weight(Cue(-1, 0.3, "contrast", weak=True), "reply") == measured
    # A disagreement in a comment's later sentences (its row gives 0.7) weighs 0.7 of the measure.
    later = edge_weight(Cue(-1, 0.7, "disagree"), "root")
    assert abs(later - 0.7 * EDGE_WEIGHTS[("disagree", -1, "root")]) < 1e-12
    # A kind, or a way of linking it, seen too rarely to measure keeps its row's weight.
    assert edge_weight(Cue(-1, 0.6, "query"), "named") == 0.6
    assert edge_weight(Cue(+1, 1.0, "author"), "root") == 1.0


def test_the_reliable_kinds_outweigh_the_unreliable_ones() -> None:
    # What the measure changed: a reply's "But ..." was 0.3 against an "agreed" to the previous
    # speaker's 1.0; measured, the first is the stronger.
    assert EDGE_WEIGHTS[("contrast", -1, "reply")] > 2 * EDGE_WEIGHTS[("agree", 1, "previous")]
    assert all(weight > 0 for weight in EDGE_WEIGHTS.values())

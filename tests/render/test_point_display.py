"""An extractive point that is only its quote is shown once, as the verbatim quote, in every
renderer (issue 9: "an extractive point is shown as its quote once")."""

from __future__ import annotations

from bot.render import embeds as E
from bot.render.markdown import to_markdown
from bot.store.bench import realistic_result
from bot.summarize.schema import DigestResult, Point, Quote

VERBATIM = "remote work removes the commute, which is two hours a day for many people"


def _result(point: Point) -> DigestResult:
    base = realistic_result()
    side = base.summary.sides[0].model_copy(update={"points": [point]})
    summary = base.summary.model_copy(update={"sides": [side, *base.summary.sides[1:]]})
    return base.model_copy(update={"summary": summary})


def _fields(result: DigestResult) -> list[dict]:
    return [f for embed in E.blocks(result) for f in embed.to_dict().get("fields", [])]


def test_embed_shows_the_verbatim_quote_not_the_cleaned_point_text() -> None:
    # The engine's point text: the quote cleaned and re-capitalized.
    point = Point(
        text="Remote work removes the commute, which is two hours a day for many people.",
        comment_ids=["c1"],
        quotes=[Quote(comment_id="c1", text=VERBATIM)],
    )
    field = next(f for f in _fields(_result(point)) if VERBATIM in f["name"])
    assert field["name"] == f"\u201c{VERBATIM}\u201d"
    assert field["value"].startswith("\u2014 ") and "ana" in field["value"]
    # The cleaned copy is not shown at all, and the quote once.
    assert "Remote work removes" not in field["name"] + field["value"]
    assert (field["name"] + field["value"]).count(VERBATIM) == 1
    assert not any(f["name"] == point.text for f in _fields(_result(point)))
    lines = to_markdown(_result(point)).splitlines()
    assert any(line.startswith(f"- \u201c{VERBATIM}\u201d") for line in lines)
    assert not any(line.startswith("- Remote work removes the commute, which") for line in lines)


def test_a_point_in_its_own_words_keeps_its_text_and_quotes() -> None:
    point = Point(
        text="Commuting costs people hours",
        comment_ids=["c1", "c4"],
        quotes=[Quote(comment_id="c1", text=VERBATIM)],
    )
    field = next(f for f in _fields(_result(point)) if f["name"] == "Commuting costs people hours")
    assert f"\u201c{VERBATIM}\u201d" in field["value"]
    assert "Also:" in field["value"]


def test_the_repeated_quote_leads_when_it_is_not_the_first() -> None:
    other = Quote(comment_id="c4", text="Junior staff learn by watching seniors work")
    point = Point(
        text="Remote work removes the commute",
        comment_ids=["c1", "c4"],
        quotes=[other, Quote(comment_id="c1", text=VERBATIM)],
    )
    field = next(f for f in _fields(_result(point)) if VERBATIM in f["name"])
    assert "Junior staff learn by watching seniors work" in field["value"]
    assert "Remote work removes" not in field["name"] + field["value"]

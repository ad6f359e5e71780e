"""Digest messages: counts, one verified quote per side, Discord limits, nothing injected."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.digest.build import CONTENT_LIMIT, DigestReport, entry_from_result, jump_url
from bot.digest.rank import Activity
from bot.digest.schedule import Period
from bot.render.digest import entry_text, header_text, messages, to_markdown
from bot.store.bench import realistic_result
from bot.summarize.schema import Quote

END = datetime(2026, 5, 2, 7, tzinfo=UTC)
PERIOD = Period(start=END - timedelta(days=1), end=END)


def activity(name: str = "Four-day week?", **kw: object) -> Activity:
    return Activity(
        source_id=int(kw.pop("source_id", 42)),  # type: ignore[call-overload]
        name=name,
        url=jump_url(1, 42),
        new_messages=12,
        new_human_messages=12,
        people=4,
        **kw,  # type: ignore[arg-type]
    )


def test_entry_shows_each_side_with_one_of_its_verified_quotes() -> None:
    result = realistic_result()
    entry = entry_from_result(activity(), result, new_since_last=True)
    assert [s.label for s in entry.sides] == [s.label for s in result.summary.sides]
    for side, shown in zip(result.summary.sides, entry.sides, strict=True):
        quotes = {q.text for p in side.points for q in p.quotes}
        assert shown.quote in quotes
    text = entry_text(entry, 1)
    assert text.startswith("**1. ") and "new since last digest" in text
    assert "12 new messages · 4 people" in text
    assert "(https://discord.com/channels/1/42)" in text


def test_header_counts_plurals_catch_up_and_ranking() -> None:
    entry = entry_from_result(activity(), realistic_result(), new_since_last=False)
    report = DigestReport(
        name="Daily debates",
        period=PERIOD,
        tz="Europe/Berlin",
        threads_active=1,
        messages=12,
        people=1,
        entries=(entry,),
        missed_runs=2,
    )
    header = header_text(report)
    assert "1 thread with activity · 12 messages · 1 person · 1 debate shown" in header
    assert "Catch-up: 2 scheduled digests missed while the bot was away" in header
    assert "Ranked by" in header
    assert "Sat 02 May 09:00 (Europe/Berlin)" in header


def test_more_line_and_markdown_hold_every_message() -> None:
    more = tuple(activity(f"t{n}", source_id=100 + n) for n in range(20))
    report = DigestReport(name="d", period=PERIOD, threads_active=21, more=more)
    parts = messages(report)
    assert parts[-1].startswith("20 more active threads: ") and parts[-1].endswith("and 5 more")
    assert to_markdown(report) == "\n\n".join(parts) + "\n"


hostile = st.text(min_size=0, max_size=3000)


@settings(max_examples=60, deadline=None)
@given(hostile, hostile, hostile)
def test_every_message_fits_discord_and_names_cannot_make_links_or_pings(
    name: str, label: str, quote: str
) -> None:
    result = realistic_result()
    sides = list(result.summary.sides)
    first = sides[0].model_copy(update={"label": label or "x"})
    point = first.points[0].model_copy(
        update={"quotes": [Quote(comment_id=first.points[0].quotes[0].comment_id, text=quote)]}
    )
    sides[0] = first.model_copy(update={"points": [point]})
    result = result.model_copy(
        update={"summary": result.summary.model_copy(update={"sides": sides})}
    )
    entry = entry_from_result(activity(name or "n"), result, new_since_last=False)
    report = DigestReport(name=name or "n", period=PERIOD, entries=(entry,) * 3)
    for message in messages(report):
        assert len(message) <= CONTENT_LIMIT


def test_a_masked_link_in_a_thread_name_is_shown_not_followed() -> None:
    entry = entry_from_result(
        activity("[Free Nitro](https://evil.example/gift)"),
        realistic_result(),
        new_since_last=False,
    )
    text = entry_text(entry, 1)
    live = re.findall(r"(?<!\\)\[[^\[\]]*\]\((https?://[^)\s]+)\)", text)
    assert live == ["https://discord.com/channels/1/42"]


def test_jump_urls_come_from_numbers_only() -> None:
    assert jump_url(1, 2, 3) == "https://discord.com/channels/1/2/3"
    assert jump_url(1, 2) == "https://discord.com/channels/1/2"

"""Which debates a digest shows, and `/summarize since:` parsing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.digest.rank import Activity, disagreement, eligible, rank
from bot.digest.since import parse_since
from bot.errors import InputError


def act(source_id: int, new: int, people: int, shares: tuple[float, ...] = (), **kw: object):
    return Activity(
        source_id=source_id,
        name=f"t{source_id}",
        new_messages=new,
        new_human_messages=kw.pop("human", new),  # type: ignore[arg-type]
        people=people,
        side_shares=shares,
        **kw,  # type: ignore[arg-type]
    )


def test_skips_quiet_threads_monologues_and_bot_talk() -> None:
    assert not eligible(act(1, 2, 2))  # two messages
    assert not eligible(act(2, 40, 1))  # one person
    assert not eligible(act(3, 40, 0, human=0))  # bots only
    assert eligible(act(4, 3, 2))


def test_disagreement_is_twice_the_smaller_of_the_two_largest_sides() -> None:
    assert disagreement(()) == 0.0
    assert disagreement((1.0,)) == 0.0
    assert disagreement((0.5, 0.5)) == 1.0
    assert disagreement((0.75, 0.25)) == 0.5
    assert disagreement((0.6, 0.3, 0.1)) == pytest.approx(2 * 0.3 / 0.9)


def test_an_even_debate_outranks_a_busier_one_sided_thread() -> None:
    even = act(1, 30, 6, (0.5, 0.5))
    lopsided = act(2, 40, 7, (1.0,))
    quiet = act(3, 2, 2, (0.5, 0.5))
    assert [a.source_id for a in rank([lopsided, quiet, even])] == [1, 2]


def test_ties_break_by_recency_then_id() -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    a = act(5, 10, 3, last_activity=now)
    b = act(4, 10, 3, last_activity=now + timedelta(minutes=1))
    c = act(3, 10, 3, last_activity=now)
    assert [x.source_id for x in rank([a, b, c])] == [4, 3, 5]


def test_since_spans() -> None:
    assert parse_since("24h") == timedelta(hours=24)
    assert parse_since("7d") == timedelta(days=7)
    assert parse_since(" 90 min ") == timedelta(minutes=90)
    assert parse_since("2w") == timedelta(weeks=2)
    assert parse_since("My last message") is None
    for bad in ("yesterday", "0h", "-3d", "31d", "1e9h", "24h; drop table"):
        with pytest.raises(InputError):
            parse_since(bad)

"""Schedules across time zones, weekdays and daylight-saving changes; catch-up periods."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.digest.schedule import (
    DAILY,
    Schedule,
    due_period,
    parse_time_of_day,
    parse_weekdays,
    period_now,
    zone_choices,
    zone_of,
)
from bot.errors import InputError

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_daily_fires_at_local_time_in_its_zone() -> None:
    s = Schedule(at=time(9, 0), tz="Europe/Berlin")
    # Winter: Berlin is UTC+1.
    assert s.next_after(utc(2026, 1, 10, 7, 0)) == utc(2026, 1, 10, 8, 0)
    assert s.next_after(utc(2026, 1, 10, 8, 0)) == utc(2026, 1, 11, 8, 0)
    # Summer: UTC+2.
    assert s.next_after(utc(2026, 7, 10, 0, 0)) == utc(2026, 7, 10, 7, 0)


def test_weekdays_only_fire_on_those_days() -> None:
    s = Schedule(weekdays=frozenset({0, 3}), at=time(18, 30), tz="America/New_York")
    fired = list(s.firings(utc(2026, 3, 1), utc(2026, 3, 1) + timedelta(days=14)))
    assert [f.astimezone(NEW_YORK).strftime("%a %H:%M") for f in fired] == [
        "Mon 18:30",
        "Thu 18:30",
        "Mon 18:30",
        "Thu 18:30",
    ]


def test_spring_forward_gap_fires_after_the_jump() -> None:
    # 2026-03-08: New York jumps from 02:00 to 03:00; 02:30 does not exist that day.
    s = Schedule(at=time(2, 30), tz="America/New_York")
    fired = s.next_after(utc(2026, 3, 8, 0, 0))
    assert fired == utc(2026, 3, 8, 7, 30)
    assert fired.astimezone(NEW_YORK).strftime("%H:%M") == "03:30"
    # The next day it is 02:30 local again, 23 hours later.
    following = s.next_after(fired)
    assert following.astimezone(NEW_YORK).strftime("%H:%M") == "02:30"
    assert following - fired == timedelta(hours=23)


def test_fall_back_ambiguous_time_fires_once_at_first_occurrence() -> None:
    # 2026-10-25: Berlin goes back from 03:00 to 02:00; 02:30 happens twice.
    s = Schedule(at=time(2, 30), tz="Europe/Berlin")
    fired = list(s.firings(utc(2026, 10, 24, 12), utc(2026, 10, 26, 12)))
    assert fired == [utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)]


def test_daily_across_dst_keeps_local_time() -> None:
    s = Schedule(at=time(9, 0), tz="Europe/Berlin")
    fired = list(s.firings(utc(2026, 3, 27), utc(2026, 4, 2)))
    assert {f.astimezone(BERLIN).strftime("%H:%M") for f in fired} == {"09:00"}
    gaps = {b - a for a, b in zip(fired, fired[1:], strict=False)}
    assert gaps == {timedelta(hours=24), timedelta(hours=23)}


def test_first_period_is_one_firing_back_and_waits_for_the_first_firing() -> None:
    s = Schedule(at=time(9, 0), tz="UTC")
    created = utc(2026, 5, 1, 12, 0)
    assert due_period(s, utc(2026, 5, 1, 13, 0), created_at=created, last_end=None) is None
    period = due_period(s, utc(2026, 5, 2, 9, 5), created_at=created, last_end=None)
    assert period is not None
    assert (period.start, period.end, period.missed) == (
        utc(2026, 5, 1, 9),
        utc(2026, 5, 2, 9),
        0,
    )
    assert period.key == "2026-05-02T09:00:00+00:00"


def test_on_time_periods_chain_without_gaps() -> None:
    s = Schedule(at=time(9, 0), tz="UTC")
    first = due_period(s, utc(2026, 5, 2, 9, 0), created_at=utc(2026, 5, 1), last_end=None)
    assert first is not None
    assert due_period(s, utc(2026, 5, 2, 20), created_at=utc(2026, 5, 1), last_end=first.end) is (
        None
    )
    second = due_period(s, utc(2026, 5, 3, 9, 1), created_at=utc(2026, 5, 1), last_end=first.end)
    assert second is not None and second.start == first.end and second.missed == 0


def test_three_missed_days_collapse_into_one_catch_up() -> None:
    s = Schedule(at=time(9, 0), tz="UTC")
    last_end = utc(2026, 5, 2, 9)
    period = due_period(s, utc(2026, 5, 5, 10), created_at=utc(2026, 5, 1), last_end=last_end)
    assert period is not None
    assert (period.start, period.end, period.missed) == (last_end, utc(2026, 5, 5, 9), 2)
    # Once it is posted, nothing more is due until the next firing.
    after = due_period(s, utc(2026, 5, 5, 11), created_at=utc(2026, 5, 1), last_end=period.end)
    assert after is None


def test_period_now_never_takes_a_scheduled_key() -> None:
    s = Schedule(at=time(9, 0), tz="UTC")
    p = period_now(s, utc(2026, 5, 2, 9, 0, 0) + timedelta(seconds=1), last_end=None)
    assert p.start == utc(2026, 5, 2, 9) and p.key == "2026-05-02T09:00:01+00:00"


@given(
    st.sets(st.integers(0, 6), min_size=1),
    st.times(),
    st.sampled_from(
        ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]
    ),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),  # noqa: DTZ001
)
def test_next_after_is_the_first_firing_after(
    days: set[int], at: time, tz: str, naive: datetime
) -> None:
    s = Schedule(weekdays=frozenset(days), at=at, tz=tz)
    moment = naive.replace(tzinfo=UTC)
    nxt = s.next_after(moment)
    assert nxt > moment
    assert nxt - moment <= timedelta(days=8)
    assert nxt.astimezone(ZoneInfo(tz)).weekday() in days or _in_gap_shift(s, nxt)
    assert s.latest_until(nxt) == nxt
    assert not list(s.firings(moment, nxt - timedelta(microseconds=1)))


def _in_gap_shift(s: Schedule, instant: datetime) -> bool:
    # A firing pushed past a DST gap at midnight can land on the next local day.
    return (instant - timedelta(hours=3)).astimezone(s.zone).weekday() in s.weekdays


def test_parsers_and_errors() -> None:
    assert parse_weekdays("daily") == DAILY
    assert parse_weekdays("weekdays") == frozenset(range(5))
    assert parse_weekdays("Mon, thursday") == frozenset({0, 3})
    assert parse_time_of_day("9:30") == time(9, 30)
    assert parse_time_of_day("6pm") == time(18, 0)
    assert parse_time_of_day("12am") == time(0, 0)
    assert parse_time_of_day("18h") == time(18, 0)
    for bad in ("25:00", "9:75", "noon", "13pm", ""):
        with pytest.raises(InputError, match="unknown time"):
            parse_time_of_day(bad)
    with pytest.raises(InputError, match="unknown day"):
        parse_weekdays("funday")
    for bad in ("Mars/Olympus", "../etc/passwd", "", "x" * 500):
        with pytest.raises(InputError, match="unknown time zone"):
            zone_of(bad)
    with pytest.raises(ValueError):
        Schedule(tz="Not/AZone")
    with pytest.raises(ValueError):
        Schedule(weekdays=frozenset())


def test_zone_autocomplete() -> None:
    assert zone_choices("europe/ber")[0] == "Europe/Berlin"
    assert "America/New_York" in zone_choices("new york")
    assert len(zone_choices("")) == 25


def test_describe() -> None:
    assert Schedule(at=time(9), tz="Europe/Berlin").describe() == "daily at 09:00 Europe/Berlin"
    s = Schedule(weekdays=frozenset({3, 0}), at=time(18, 30), tz="UTC")
    assert s.describe() == "Mon, Thu at 18:30 UTC"

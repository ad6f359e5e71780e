"""Digest schedules as data: weekdays, a local time of day and an IANA time zone.

A schedule fires at its local time on each of its weekdays. Local times are turned into instants
with `zoneinfo`, so a schedule follows its zone across daylight-saving changes: a time that does
not exist on the day clocks go forward (02:30 in a zone that jumps from 02:00 to 03:00) fires at
the same distance past the jump (03:30), and a time that happens twice on the day clocks go back
fires at its first occurrence (PEP 495's ``fold=0`` for both).

A digest covers a *period*: from the end of the previous digest of its schedule to the latest
time the schedule fired. After downtime spanning several firings, the due period covers the whole
gap, so one catch-up digest is posted, never a burst. A period is named by its end instant
(`Period.key`), which is what the store claims once per digest.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.errors import InputError

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAILY = frozenset(range(7))
# A week of local days plus one for a daylight-saving shift is always enough to find a firing.
_SEARCH_DAYS = 9


class Schedule(BaseModel):
    """When a digest fires: `weekdays` (0 = Monday … 6 = Sunday; all seven = daily), the local
    `at` time (minute precision) and the IANA zone `tz`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    weekdays: frozenset[int] = Field(default=DAILY, min_length=1)
    at: time = time(9, 0)
    tz: str = "UTC"

    @field_validator("weekdays")
    @classmethod
    def _days(cls, value: frozenset[int]) -> frozenset[int]:
        if not value <= DAILY:
            raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")
        return value

    @field_validator("at")
    @classmethod
    def _minute(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise ValueError("the time of day is local to the schedule's zone: no offset")
        return value.replace(second=0, microsecond=0)

    @field_validator("tz")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            zone_of(value)
        except InputError as error:
            raise ValueError(str(error)) from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return zone_of(self.tz)

    @property
    def daily(self) -> bool:
        return self.weekdays == DAILY

    def describe(self) -> str:
        """'daily at 09:00 Europe/Berlin' or 'Mon, Thu at 18:30 America/New_York'."""
        days = (
            "daily"
            if self.daily
            else ", ".join(WEEKDAY_NAMES[d].title() for d in sorted(self.weekdays))
        )
        return f"{days} at {self.at:%H:%M} {self.tz}"

    def firings(self, start: datetime, end: datetime) -> Iterator[datetime]:
        """The instants (UTC) at which the schedule fires with start < instant <= end."""
        _aware(start)
        _aware(end)
        zone = self.zone
        day = start.astimezone(zone).date() - timedelta(days=1)
        last = end.astimezone(zone).date() + timedelta(days=1)
        while day <= last:
            if day.weekday() in self.weekdays:
                instant = local_instant(day, self.at, zone)
                if start < instant <= end:
                    yield instant
            day += timedelta(days=1)

    def next_after(self, moment: datetime) -> datetime:
        """The first firing strictly after `moment` (UTC)."""
        return next(self.firings(moment, moment + timedelta(days=_SEARCH_DAYS)))

    def latest_until(self, moment: datetime) -> datetime:
        """The last firing at or before `moment` (UTC)."""
        *_, last = self.firings(moment - timedelta(days=_SEARCH_DAYS), moment)
        return last

    def previous_before(self, moment: datetime) -> datetime:
        """The last firing strictly before `moment` (UTC): where a first period starts."""
        return self.latest_until(moment - timedelta(microseconds=1))


class Period(BaseModel):
    """What one digest covers: messages with start < time <= end. `key` names it in the store."""

    model_config = ConfigDict(frozen=True)

    start: datetime
    end: datetime
    missed: int = 0  # firings folded into this one after downtime (0 when on time)

    @property
    def key(self) -> str:
        return self.end.astimezone(UTC).isoformat(timespec="seconds")


def due_period(
    schedule: Schedule,
    now: datetime,
    *,
    created_at: datetime,
    last_end: datetime | None,
) -> Period | None:
    """The period a digest should post now, or None when nothing is due.

    Due when the schedule fired after the end of the last posted period (or, for a digest that
    never posted, after it was set up). The period runs from the last period's end (the first:
    one firing back) to the latest firing, so missed firings collapse into one catch-up period.
    """
    _aware(now)
    end = schedule.latest_until(now)
    floor = last_end if last_end is not None else created_at
    if end <= floor:
        return None
    missed = sum(1 for _ in schedule.firings(floor, end)) - 1
    start = last_end if last_end is not None else schedule.previous_before(end)
    return Period(start=start, end=end, missed=max(0, missed))


def period_now(schedule: Schedule, now: datetime, *, last_end: datetime | None) -> Period:
    """The period for `/digest now`: the period so far (since the last digest, or one firing
    back), ending now. Its key is the current instant, so it never takes a scheduled period's."""
    start = last_end if last_end is not None else schedule.previous_before(now)
    return Period(start=min(start, now), end=now)


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """`day` at local time `at` in `zone`, as a UTC instant (see the module doc for DST)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


@lru_cache(maxsize=512)
def zone_of(name: str) -> ZoneInfo:
    """The IANA zone `name`, or a clean input error naming it."""
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        raise InputError(f"unknown time zone {name[:64]!r}: use an IANA name like Europe/Berlin")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InputError(
            f"unknown time zone {name!r}: use an IANA name like Europe/Berlin"
        ) from None


@lru_cache(maxsize=1)
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def zone_choices(prefix: str, limit: int = 25) -> list[str]:
    """IANA zone names for autocomplete: those starting with `prefix` first, then containing it
    (case-insensitive), at most `limit` (Discord shows 25)."""
    needle = prefix.strip().casefold().replace(" ", "_")
    names = _zone_names()
    starts = [n for n in names if n.casefold().startswith(needle)]
    contains = [n for n in names if needle in n.casefold() and n not in starts]
    return (starts + contains)[:limit]


def parse_weekdays(text: str) -> frozenset[int]:
    """'daily', 'weekdays', 'weekends' or a comma list of day names ('mon,thu', 'Monday')."""
    words = [w.strip().casefold() for w in text.replace(" ", ",").split(",") if w.strip()]
    if not words or words == ["daily"] or words == ["every", "day"]:
        return DAILY
    if words == ["weekdays"]:
        return frozenset(range(5))
    if words == ["weekends"]:
        return frozenset({5, 6})
    days: set[int] = set()
    for word in words:
        matches = [n for n, name in enumerate(WEEKDAY_NAMES) if word[:3] == name]
        if not matches or len(word) < 3:
            raise InputError(
                f"unknown day {word[:20]!r}: use daily, weekdays, weekends or days like mon,thu"
            )
        days.update(matches)
    return frozenset(days)


def parse_time_of_day(text: str) -> time:
    """'09:00', '9:30', '18h', '6pm', '6:30 pm' as a local time of day."""
    raw = text.strip().casefold().replace(" ", "")
    suffix = raw[-2:] if raw.endswith(("am", "pm")) else ""
    body = raw[: -len(suffix)] if suffix else raw.rstrip("h")
    hours, _, minutes = body.partition(":")
    if not hours.isdigit() or (minutes and not minutes.isdigit()) or len(body) > 5:
        raise InputError(f"unknown time {text[:20]!r}: use HH:MM, like 09:00 or 18:30")
    h, m = int(hours), int(minutes or 0)
    if suffix:
        if not 1 <= h <= 12:
            raise InputError(f"unknown time {text[:20]!r}: use HH:MM, like 09:00 or 18:30")
        h = h % 12 + (12 if suffix == "pm" else 0)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise InputError(f"unknown time {text[:20]!r}: use HH:MM, like 09:00 or 18:30")
    return time(h, m)


def _aware(moment: datetime) -> None:
    if moment.tzinfo is None:
        raise ValueError("schedule instants must be timezone-aware")

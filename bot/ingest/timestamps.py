"""Parsing the date-and-time strings that Discord and DiscordChatExporter write for people.

DiscordChatExporter's TXT and CSV exports format dates with the exporting machine's culture
(`3/14/2024 10:32 AM`, `14/03/2024 10:32`, `14.03.2024 10:32`, `2024-03-14 10:32`; older versions
`14-Mar-24 10:32 AM`) and its local time zone, which the file does not record. We read such wall
clock times as UTC: a wrong zone shifts every comment of one input equally, and order is kept.
Strings we cannot read give `None`: a missing time is better than an invented one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal

DateOrder = Literal["mdy", "dmy"]
# No date-and-time string is longer; longer cells are not dates, and are not scanned.
_MAX_STAMP = 80

TIME_PATTERN = r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?"
NUMERIC_DATE_PATTERN = r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}\.?"
NAMED_DATE_PATTERN = r"\d{1,2}[\- ][A-Za-z]{3,9}\.?[\- ,]+\d{2,4}"
DATE_PATTERN = rf"(?:{NUMERIC_DATE_PATTERN}|{NAMED_DATE_PATTERN})"

_TIME = re.compile(
    r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?"
    r"(?:\s*(?P<ampm>[AaPp])\.?[Mm]\.?)?"
)
_NUMERIC_DATE = re.compile(r"(?P<a>\d{1,4})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{2,4})\.?")
_NAMED_DATE = re.compile(
    r"(?P<day>\d{1,2})[\- ](?P<month>[A-Za-z]{3,9})\.?[\- ,]+(?P<year>\d{2,4})"
)
_DATE_TIME = re.compile(rf"(?P<date>{DATE_PATTERN}),?(?:\s+at\s+|\s+|[Tt])(?P<time>{TIME_PATTERN})")

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


def infer_date_order(stamps: Iterable[str]) -> DateOrder:
    """Month-first or day-first for the numeric dates of one input, decided once for all of them.

    A first field above 12 means day-first and a second field above 12 month-first; when every
    date is ambiguous, a 12-hour clock suggests a US (month-first) culture, else day-first.
    """
    twelve_hour = False
    for whole in stamps:
        stamp = whole[:_MAX_STAMP]
        match = _NUMERIC_DATE.search(stamp)
        if match and len(match["a"]) <= 2:
            first, second = int(match["a"]), int(match["b"])
            if first > 12 >= second:
                return "dmy"
            if second > 12 >= first:
                return "mdy"
        twelve_hour = twelve_hour or bool(re.search(r"\d\s*[AaPp]\.?[Mm]\b", stamp))
    return "mdy" if twelve_hour else "dmy"


def _year(text: str) -> int:
    year = int(text)
    # Two-digit years come from DiscordChatExporter's old default format; Discord began in 2015.
    return 2000 + year if len(text) <= 2 else year


def parse_time_of_day(text: str) -> tuple[int, int, int] | None:
    """`10:32 AM` -> (10, 32, 0); None when it is not a valid time of day."""
    match = _TIME.fullmatch(text.strip())
    if not match:
        return None
    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["second"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["ampm"] in "Pp" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def parse_date_time(text: str, order: DateOrder = "mdy") -> datetime | None:
    """A full date and time (`3/14/2024 10:32 AM`, `2024-03-14 10:32`, `14-Mar-24 10:32 AM`) as an
    aware UTC datetime, or None when `text` has no full date or is not a valid date."""
    if len(text) > _MAX_STAMP:
        return None
    match = _DATE_TIME.fullmatch(text.strip())
    if not match:
        return None
    clock = parse_time_of_day(match["time"])
    if clock is None:
        return None
    date_text = match["date"]
    numeric = _NUMERIC_DATE.fullmatch(date_text)
    try:
        if numeric:
            a, b, c = numeric["a"], numeric["b"], numeric["c"]
            if len(a) == 4:
                year, month, day = int(a), int(b), int(c)
            elif len(a) == 3 or len(c) == 3:
                return None
            elif order == "mdy":
                year, month, day = _year(c), int(a), int(b)
            else:
                year, month, day = _year(c), int(b), int(a)
        else:
            named = _NAMED_DATE.fullmatch(date_text)
            if not named or named["month"].lower() not in _MONTHS:
                return None
            year, month, day = (
                _year(named["year"]),
                _MONTHS[named["month"].lower()],
                int(named["day"]),
            )
        return datetime(year, month, day, *clock, tzinfo=UTC)
    except ValueError:  # 31 February, month 13, ...
        return None


def parse_iso(value: object) -> datetime | None:
    """An ISO 8601 timestamp with an offset, converted to UTC; None when missing, naive, bad or
    out of range (a missing time, not an error: the rest of the message is fine)."""
    if not isinstance(value, str) or not value:
        return None
    if len(value) > _MAX_STAMP:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None  # a naive time would be a guess about the zone; see Comment.time
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is before the first UTC moment Python has
        return None

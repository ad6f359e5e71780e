"""`/summarize since:`: a personal catch-up window, parsed from what a person types."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.errors import InputError

# A catch-up reaches back at most this far: history is read 100 messages a request.
MAX_SINCE = timedelta(days=30)
MY_LAST_MESSAGE = "my last message"
_SPAN = re.compile(r"(?P<n>\d{1,4})\s*(?P<unit>m|min|mins|minutes?|h|hrs?|hours?|d|days?|w|weeks?)")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str) -> timedelta | None:
    """A span like '24h', '7d', '90m', '2w', '3 days' as a timedelta; None for 'my last message'.

    Anything else, a zero span, or one longer than `MAX_SINCE` is a clean input error.
    """
    raw = " ".join(text.strip().casefold().split())
    if raw in {MY_LAST_MESSAGE, "last message", "my last", "me"}:
        return None
    match = _SPAN.fullmatch(raw)
    if match is None:
        raise InputError(
            f"since {text[:30]!r} is not a span: use 24h, 7d, 90m, 2w or 'my last message'"
        )
    span = timedelta(**{_UNITS[match["unit"][0]]: int(match["n"])})
    if span <= timedelta(0):
        raise InputError("since must reach back a little: use 24h, 7d, 90m or 2w")
    if span > MAX_SINCE:
        raise InputError("since reaches back at most 30 days")
    return span


@dataclass(frozen=True)
class Since:
    """A resolved catch-up: after `span` before `now`, or (span None) after the asker's last
    message in the channel."""

    span: timedelta | None
    user_id: int
    now: datetime

    @property
    def after(self) -> datetime | None:
        return None if self.span is None else self.now - self.span

    def describe(self) -> str:
        if self.span is None:
            return "since your last message"
        return f"from the last {_span_words(self.span)}"


def _span_words(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    for size, word in ((10080, "week"), (1440, "day"), (60, "hour"), (1, "minute")):
        if minutes % size == 0:
            n = minutes // size
            return word if n == 1 else f"{n} {word}s"
    return f"{minutes} minutes"  # pragma: no cover - every span is whole minutes

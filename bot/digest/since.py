"""`/summarize since:`: a personal catch-up window, parsed from what a person types."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.errors import InputError, UserError
from bot.ingest.discord_links import messages_to_thread
from bot.thread import Thread

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


async def read_since(
    channel: Any,
    since: Since,
    *,
    limit: int,
    keep: Callable[[Any], bool] | None = None,
    url: str | None = None,
) -> Thread:
    """The messages of `channel` after the catch-up point, oldest first, as a thread.

    History is read newest first (100 a request), so a cut by `limit` drops the oldest, never
    the newest. For "my last message" reading stops at the asker's latest message; when none is
    within `limit` messages, a clean error says so. Nothing new is an error too (nothing to
    summarize), said in the asker's terms.
    """
    newest_first: list[Any] = []
    found_own = False
    history = channel.history(limit=limit, after=since.after, oldest_first=False)
    async for message in history:
        if since.span is None and getattr(message.author, "id", None) == since.user_id:
            found_own = True
            break
        if not message.is_system():
            newest_first.append(message)
    if since.span is None and not found_own:
        raise UserError(
            f"You have no message in the last {limit:,} messages here; "
            "use a span instead, like since: 24h or 7d."
        )
    cut = since.span is not None and len(newest_first) >= limit
    messages = list(reversed(newest_first))
    if keep is not None:
        messages = [m for m in messages if keep(m)]
    if not messages:
        raise UserError(f"Nothing new to catch up on here {since.describe()}.")
    notes = [f"A catch-up of the messages {since.describe()} ({len(messages):,} read)."]
    if cut:
        notes.append(
            f"Only the latest {limit:,} messages were read (DEBATE_DIGEST_HISTORY_LIMIT); "
            "earlier ones in that span are not in this summary."
        )
    name = getattr(channel, "name", None)
    return await asyncio.to_thread(
        messages_to_thread, messages, title=name, url=url or getattr(channel, "jump_url", None),
        notes=notes,
    )  # fmt: skip

"""Guard rails: a per-person cooldown and a per-guild daily LLM token budget.

Plain Python (no Discord), so that the rules are tested directly. Cached answers are free:
the cooldown starts only after a fresh run, and the budget counts only LLM tokens of fresh
runs (the store keeps the daily figures, see `Store.record_usage`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from bot.errors import UserError


class CooldownActive(UserError):
    """The person asked again too soon."""


class BudgetExhausted(UserError):
    """The guild has used its LLM tokens for today."""


def utc_day(moment: datetime | None = None) -> str:
    """The UTC day of `moment` (default now) as YYYY-MM-DD, the key of the daily budget."""
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d")


class Cooldowns:
    """One request at a time per person, and `seconds` between their fresh runs.

    `begin(user)` raises `CooldownActive` (with the wait in its message) or marks the person
    busy; `end(user, fresh=...)` clears it and, after a fresh run, starts the cooldown.
    """

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._last: dict[int, float] = {}
        self._busy: set[int] = set()

    def remaining(self, user_id: int) -> float:
        last = self._last.get(user_id)
        if last is None:
            return 0.0
        return max(0.0, self.seconds - (self._clock() - last))

    def begin(self, user_id: int) -> None:
        if user_id in self._busy:
            raise CooldownActive(
                "Your previous summary is still running; you'll get it in a moment."
            )
        wait = self.remaining(user_id)
        if wait > 0:
            raise CooldownActive(
                f"You can ask for another summary in {wait:.0f} s (a cooldown per person; "
                "summaries already made are free, but this one may not be)."
                if wait >= 1
                else "You can ask for another summary in a second."
            )
        self._busy.add(user_id)

    def end(self, user_id: int, *, fresh: bool) -> None:
        self._busy.discard(user_id)
        if fresh and self.seconds > 0:
            self._last[user_id] = self._clock()
        if len(self._last) > 10_000:  # forget people whose cooldown is long over
            now = self._clock()
            self._last = {u: t for u, t in self._last.items() if now - t < self.seconds}


def budget_message(used: int, limit: int) -> str:
    return (
        f"This server has used its LLM budget for today ({used:,} of {limit:,} tokens). "
        "Summaries that were already made are still free; new ones can be made after "
        "midnight UTC."
    )

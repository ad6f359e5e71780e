"""Guard rails: a per-person cooldown and a per-guild daily LLM token budget.

Plain Python (no Discord), so that the rules are tested directly. Cached answers are free:
the cooldown starts only after a fresh run (the full one after an LLM run, a lighter one after
an offline run), and the budget counts only LLM tokens of fresh runs: per server, and per
person in DMs (the store keeps the daily figures, see `Store.record_usage`).
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
    """One request at a time per person, and a pause after each of their fresh runs.

    `begin(user)` raises `CooldownActive` (with the wait in its message) or marks the person
    busy; `end(user, fresh=..., seconds=...)` clears it and, after a fresh run, starts a pause
    of `seconds` (default `self.seconds`): the LLM's cooldown after an LLM run, a lighter one
    after an offline run, none after a cached answer.
    """

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._until: dict[int, float] = {}
        self._busy: set[int] = set()

    def remaining(self, user_id: int) -> float:
        until = self._until.get(user_id)
        if until is None:
            return 0.0
        return max(0.0, until - self._clock())

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

    def end(self, user_id: int, *, fresh: bool, seconds: float | None = None) -> None:
        self._busy.discard(user_id)
        pause = self.seconds if seconds is None else seconds
        if fresh and pause > 0:
            self._until[user_id] = self._clock() + pause
        if len(self._until) > 10_000:  # forget people whose cooldown is over
            now = self._clock()
            self._until = {u: t for u, t in self._until.items() if t > now}


def budget_key(guild_id: int | None, user_id: int) -> int:
    """Whose daily LLM budget a request spends: its server's, or in a DM the person's own
    (negative, so that it never meets a server id), not one bucket shared by every DM."""
    return guild_id if guild_id else -user_id


def budget_message(used: int, limit: int, *, dm: bool = False) -> str:
    whose = (
        "You have used your LLM budget for direct messages"
        if dm
        else ("This server has used its LLM budget")
    )
    return (
        f"{whose} for today ({used:,} of {limit:,} tokens). "
        "Summaries that were already made are still free; new ones can be made after "
        "midnight UTC."
    )

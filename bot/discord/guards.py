"""Guard rails: a per-person cooldown and a per-guild daily LLM token budget.

Plain Python (no Discord), so that the rules are tested directly. Cached answers are free:
the cooldown starts only after a fresh run (the full one after an LLM run, a lighter one after
an offline run) and, in the bot, refuses only a request that needs a fresh run (a repeat
answered from the cache is served in the pause), and the budget counts only LLM tokens of
fresh runs: per server, and per
person in DMs (the store keeps the daily figures and charges them, see `bot.discord.ledger`).
The bot's cooldowns live in the store too (`SharedCooldowns`), so that they hold across
processes.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime

from bot.errors import RunRefused
from bot.store import Store, StoreUnavailable

log = logging.getLogger(__name__)


class CooldownActive(RunRefused):
    """The person asked again too soon. `user_id`: whose pause refused a fresh run (so that
    others who joined that run ask again on their own; None when it is the asker's)."""

    def __init__(self, message: str, *, user_id: int | None = None) -> None:
        super().__init__(message)
        self.user_id = user_id


class BudgetExhausted(RunRefused):
    """The guild (or a person's DMs: `bucket`, see `budget_key`) has used its LLM tokens for
    today, or its budget cannot be read."""

    def __init__(self, message: str, *, bucket: int | None = None) -> None:
        super().__init__(message)
        self.bucket = bucket


def utc_day(moment: datetime | None = None) -> str:
    """The UTC day of `moment` (default now) as YYYY-MM-DD, the key of the daily budget."""
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d")


def cooldown_active(*, busy: bool, wait_s: float, user_id: int | None = None) -> CooldownActive:
    """The refusal of a request made while the person's previous one runs, or in their pause."""
    if busy:
        return CooldownActive("Your previous summary is still running; you'll get it in a moment.")
    return CooldownActive(
        f"You can ask for another summary in {wait_s:.0f} s (a cooldown per person; "
        "summaries already made are free, but this one is not)."
        if wait_s >= 1
        else "You can ask for another summary in a second.",
        user_id=user_id,
    )


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

    def busy(self, user_id: int) -> bool:
        """True while a request of `user_id` is running (sending and recording included)."""
        return user_id in self._busy

    def begin(self, user_id: int) -> None:
        if user_id in self._busy:
            raise cooldown_active(busy=True, wait_s=0)
        wait = self.remaining(user_id)
        if wait > 0:
            raise cooldown_active(busy=False, wait_s=wait)
        self._busy.add(user_id)

    def mark(self, user_id: int) -> float:
        """Mark `user_id` busy even in their pause, and return what is left of it (the
        request may be answered from the cache, not start a run); `CooldownActive` when a
        request of theirs runs."""
        if user_id in self._busy:
            raise cooldown_active(busy=True, wait_s=0)
        self._busy.add(user_id)
        return self.remaining(user_id)

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


# How long a request may hold its person's mark in the store: longer than a request may take
# (the 15-minute interaction token), so that only a process that died leaves it to run out.
COOLDOWN_LEASE_S = 16 * 60
# How long the check may wait for the store: it comes before the defer, due within 3 s.
COOLDOWN_CHECK_S = 1.0


class SharedCooldowns:
    """`Cooldowns` kept in the store, so that every process sharing the database enforces
    them (`Store.begin_cooldown`: one request at a time per person, then the pause), with the
    same rules and messages. When the store cannot answer, this process's own `Cooldowns`
    decide (logged): a cooldown spaces requests out, and refusing everyone while the database
    is away would cost more than it saves (the budget, which guards money, fails closed).

    The pause guards engine runs, not answers: `begin` refuses only a person whose request is
    running; one in their pause is let in, and `may_run` (called before a fresh run, see
    `bot.discord.ledger.Account.gate`) refuses it there. So a repeat of an answered request is
    served from the cache, while a request that needs a run waits out the pause as before."""

    def __init__(
        self,
        store: Store,
        seconds: float,
        *,
        local: Cooldowns | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.seconds = seconds
        self.local = local or Cooldowns(seconds)
        self._clock = clock
        # The mark each running request of this process holds in the store ("" = in `local`).
        self._owners: dict[int, str] = {}
        # When the pause of each person with a request running here ends (`self._clock`).
        self._pause_until: dict[int, float] = {}
        self._degraded = False  # warned that the store cannot keep cooldowns (once per outage)

    def may_run(self, user_id: int) -> None:
        """Raise `CooldownActive` when `user_id`'s running request may not start a fresh run
        (their pause is not over)."""
        left = self._pause_until.get(user_id, 0.0) - self._clock()
        if left > 0:
            raise cooldown_active(busy=False, wait_s=left, user_id=user_id)

    def busy(self, user_id: int) -> bool:
        """True while a request of `user_id` runs in this process."""
        return user_id in self._owners

    async def begin(self, user_id: int) -> None:
        """Mark `user_id` busy, or raise `CooldownActive`."""
        if user_id in self._owners:
            raise cooldown_active(busy=True, wait_s=0)
        self._pause(user_id, self.local.remaining(user_id))  # one the store could not record
        owner = secrets.token_hex(8)
        self._owners[user_id] = owner  # before the await: a second request here is refused
        try:
            async with asyncio.timeout(COOLDOWN_CHECK_S):
                refusal = await self.store.begin_cooldown(user_id, owner, lease_s=COOLDOWN_LEASE_S)
        except TimeoutError:
            # A slow database must not cost the interaction its 3 s: let this one through.
            # The mark may still land; `end` clears it with the same owner token.
            log.warning("cooldown check of %s timed out; request let through", user_id)
            return
        except StoreUnavailable as err:
            if not self._degraded:
                log.warning("cooldowns kept in this process only until the store answers: %s", err)
            self._degraded = True
            del self._owners[user_id]
            try:
                self._pause(user_id, self.local.mark(user_id))
            except CooldownActive:
                self._pause_until.pop(user_id, None)
                raise
            self._owners[user_id] = ""
            return
        except BaseException:
            del self._owners[user_id]
            self._pause_until.pop(user_id, None)
            raise
        if self._degraded:
            log.warning("cooldowns kept in the store again")
            self._degraded = False
        if refusal is not None and refusal.busy:
            del self._owners[user_id]
            self._pause_until.pop(user_id, None)
            raise cooldown_active(busy=True, wait_s=refusal.wait_s)
        if refusal is not None:  # marked, in the pause: cached answers only
            self._pause(user_id, refusal.wait_s)

    def _pause(self, user_id: int, wait_s: float) -> None:
        """Remember the longest pause of `user_id` seen for the request starting now."""
        until = self._clock() + wait_s
        if wait_s > 0 and until > self._pause_until.get(user_id, 0.0):
            self._pause_until[user_id] = until

    async def end(self, user_id: int, *, fresh: bool, seconds: float | None = None) -> None:
        """Clear the mark and, after a fresh run, start a pause of `seconds` (default
        `self.seconds`)."""
        owner = self._owners.pop(user_id, None)
        self._pause_until.pop(user_id, None)
        if owner is None:
            return
        pause = (self.seconds if seconds is None else seconds) if fresh else 0.0
        if owner == "":
            self.local.end(user_id, fresh=fresh, seconds=pause)
            return
        if not await self.store.end_cooldown(user_id, owner, pause_s=pause):
            log.warning("cooldown of %s not written; paused in this process only", user_id)
            self.local.end(user_id, fresh=fresh, seconds=pause)

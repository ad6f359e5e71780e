"""The usage ledger: LLM tokens charged against a daily budget through the store, atomically.

    account = ledger.account(bucket)          # a server's budget, or in a DM the person's own
    result = await summarize_thread(..., meter=account)
    account.ran                               # this request paid for a fresh run

Before an engine run the pipeline calls `account.before_run(thread, config)` (`config` None for
the offline engine): the account's gate runs first (the person's cooldown: a request in its
pause may be answered from the cache, never start a run), then, for an LLM run, an estimate of
its tokens is reserved with `Store.spend_tokens(…, limit=…)`, one statement that adds it only
while the day's total stays within the limit, so that runs started at once from any number of
processes never overcommit a budget. A budget that cannot take the estimate refuses the run
(`BudgetExhausted`); a store that cannot answer refuses it too (fails closed). After the run,
`account.spent(usage)` settles: what the estimate over-reserved is given back, what the run
used beyond it is added, whatever the limit (tokens really spent are always counted; a budget
taken past its limit so refuses the next reservation until the day ends). Cached answers, and
callers that waited for a run someone else paid for, are charged nothing.

The estimate (`estimate_tokens`) covers each request of the run (map steps, then a reduce) with
the room kept for its answer, plus one re-ask of the largest of them (the engine re-asks once
for a reply that is not valid JSON, once to repair unverified quotes, once for a reply cut off
at the length limit, once to recheck sides that go against what comments say, each resending
the conversation so far: one re-ask is the common case, more is rare and charged at
settlement). Digests reserve each request they make the same way
(`reserve`, on the digest's own budget or the server's, `bot.discord.digests`).

A settlement that cannot be written is kept in memory and added to the next reservation of the
same budget and day (a budget never fails open within this process).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.discord.guards import BudgetExhausted, budget_message, utc_day
from bot.store import Store, StoreUnavailable

if TYPE_CHECKING:
    from bot.digest.update import DigestCall
    from bot.result import Usage
    from bot.settings import Settings
    from bot.summarize.llm import LLMConfig
    from bot.thread import Thread

log = logging.getLogger(__name__)

BUDGET_UNKNOWN = (
    "I can't check this server's LLM budget right now (my database is not answering), so I "
    "won't start a new LLM summary. Summaries already made are still served; try again in a "
    "minute."
)
# A limit no day reaches: adds that must not be refused (a refund, tokens already spent).
NO_LIMIT = 2**62
# The estimate: characters per token (a low ratio, so that it rarely falls short), the framing
# of one comment in the prompt, and the fixed prompt (instructions and the answer's schema).
CHARS_PER_TOKEN = 3
FRAMING_TOKENS = 12
FIXED_PROMPT_TOKENS = 1500
# A re-ask message (`prompts/reask.v2.md` holds its four kinds in about 2,000 characters; the
# sides recheck lists at most a dozen placements).
REASK_TOKENS = 600


def reask_tokens(prompt: int, answer: int) -> int:
    """What one re-ask of a request costs: its prompt again, the reply shown back to the
    model, the re-ask message, and the new answer."""
    return prompt + answer + REASK_TOKENS + answer


def estimate_tokens(thread: Thread, config: LLMConfig) -> int:
    """An estimate, on the high side, of the tokens an LLM run on `thread` costs: the data in
    the prompt, and per request (map steps, then a reduce when there are several) the fixed
    prompt and the room reserved for the answer; plus one re-ask of the largest request.
    Counted from characters: no tokenizer."""
    from bot.summarize import budget

    context = config.context_tokens or budget.DEFAULT_CONTEXT_TOKENS
    answer = budget.answer_reserve(context)
    chars = sum(len(c.text) + len(c.author or "") for c in thread.comments)
    data = math.ceil(chars / CHARS_PER_TOKEN) + FRAMING_TOKENS * len(thread.comments)
    room = max(1, budget.data_budget(context, FIXED_PROMPT_TOKENS, answer))
    chunks = max(1, math.ceil(data / room))
    total = data + chunks * (FIXED_PROMPT_TOKENS + answer)
    largest = FIXED_PROMPT_TOKENS + min(data, room)
    if chunks > 1:  # the reduce step reads every partial answer and writes one
        total += FIXED_PROMPT_TOKENS + chunks * answer + answer
        largest = max(largest, FIXED_PROMPT_TOKENS + chunks * answer)
    return total + reask_tokens(largest, answer)


def estimate_messages(messages: Sequence[Mapping[str, str]], answer: int) -> int:
    """The estimate of one prepared request (a digest's, or an update's): its messages, the
    room kept for its answer, and one re-ask of it (see `estimate_tokens`)."""
    chars = sum(len(m.get("content", "")) for m in messages)
    prompt = math.ceil(chars / CHARS_PER_TOKEN) + FRAMING_TOKENS * len(messages)
    return prompt + answer + reask_tokens(prompt, answer)


def estimate_call(call: DigestCall) -> int:
    """The estimate of a prepared single request (a digest's, or an update of a summary):
    its messages on the first model's route, with the room for the answer and one re-ask."""
    provider = call.run.provider
    return estimate_messages(call.ask(provider.route(provider.models[0])), provider.reserve)


class Ledger:
    """The bot's daily LLM budgets (`GUILD_DAILY_TOKENS` per server, `DM_DAILY_TOKENS` per
    person in DMs), kept in the store. One per bot; holds only what could not be written."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        # Tokens spent that the store could not record, by (budget, UTC day).
        self._owed: dict[tuple[int, str], int] = {}

    def limit(self, bucket: int) -> int:
        """The daily limit of `bucket` (negative: a person's DMs, see `budget_key`); 0 = none."""
        return self.settings.dm_daily_tokens if bucket < 0 else self.settings.guild_daily_tokens

    def account(
        self,
        bucket: int,
        *,
        limit: int | None = None,
        day: str | None = None,
        gate: Callable[[], None] | None = None,
        user: int | None = None,
    ) -> Account:
        """A fresh account for one request charged to `bucket`: its daily `limit` (default
        the bot's, see `limit`; 0 = none), the UTC `day` it is charged to (default the day of
        each reservation), `gate`, called before any fresh run (it raises to refuse one), and
        the `user` who asked."""
        return Account(self, bucket, limit=limit, day=day, gate=gate, user=user)

    async def reserve(
        self, bucket: int, day: str, tokens: int, *, limit: int | None = None
    ) -> None:
        """Reserve `tokens` of `bucket`'s budget for `day` (limit: default `self.limit`), or
        raise `BudgetExhausted`."""
        if limit is None:
            limit = self.limit(bucket)
        for old in [k for k in self._owed if k[1] != day]:
            del self._owed[old]  # yesterday's budget is over
        owed = self._owed.get((bucket, day), 0)
        try:
            total = await self.store.spend_tokens(bucket, day, tokens + owed, limit=limit)
        except StoreUnavailable as err:
            # Fail closed: an unknown budget is a spent one (cached answers stay free).
            log.warning("LLM budget of %s unknown: %s", bucket, err)
            raise BudgetExhausted(BUDGET_UNKNOWN, bucket=bucket) from None
        if total is None:
            try:
                used = (await self.store.guild_usage(bucket, day)).tokens + owed
            except StoreUnavailable:
                used = limit
            log.info(
                "LLM budget of %s: %d of %d used, %d more refused", bucket, used, limit, tokens
            )
            raise BudgetExhausted(budget_message(used, limit, dm=bucket < 0), bucket=bucket)
        self._owed.pop((bucket, day), None)

    async def adjust(self, bucket: int, day: str, tokens: int) -> None:
        """Add `tokens` (negative: give back) to `bucket`'s figures for `day`, whatever the
        limit: a settlement of what a run really used."""
        if not tokens:
            return
        try:
            await self.store.spend_tokens(bucket, day, tokens, limit=NO_LIMIT)
        except StoreUnavailable as err:
            if tokens > 0:
                log.warning(
                    "%d tokens of %s not recorded; counted in memory: %s", tokens, bucket, err
                )
                self._owed[(bucket, day)] = self._owed.get((bucket, day), 0) + tokens
            else:  # the budget keeps the over-reservation: it errs on the safe side
                log.warning("%d tokens of %s not given back: %s", -tokens, bucket, err)


@dataclass
class Account:
    """One request's charges (the pipeline's `Meter`). `ran` is set when a run was made for
    this request (so it pays, and its person's cooldown starts); waiters of a run someone else
    started, and cached answers, leave it False. Settling is per account: concurrent runs each
    take their own."""

    ledger: Ledger
    bucket: int
    ran: bool = False
    llm_calls: int = 0
    tokens: int = 0
    limit: int | None = None  # None: the ledger's limit of `bucket`
    day: str | None = None  # None: the UTC day of the reservation
    gate: Callable[[], None] | None = None
    user: int | None = None  # who asked (whose cooldown `gate` checks)
    _held: list[tuple[str, int]] = field(default_factory=list)

    def _limit(self) -> int:
        return self.ledger.limit(self.bucket) if self.limit is None else self.limit

    async def before_run(self, thread: Thread, config: LLMConfig | None) -> None:
        """Called before a fresh engine run (`config` None: the offline engine): the gate
        (the person's cooldown), then for an LLM run the reservation of its estimate. Raises
        a `UserError` to refuse the run (nothing is sent then)."""
        if self.gate is not None:
            self.gate()
        if config is not None and self._limit():
            await self.reserve(estimate_tokens(thread, config))

    async def before_call(self, call: DigestCall) -> None:
        """`before_run` for a prepared single request (an update): the gate, then its own
        estimate (`estimate_call`) rather than the whole thread's."""
        if self.gate is not None:
            self.gate()
        if self._limit():
            await self.reserve(estimate_call(call))

    async def reserve(self, estimate: int) -> None:
        """Reserve `estimate` tokens, or raise `BudgetExhausted` (no limit: nothing to do)."""
        limit = self._limit()
        if not limit:
            return
        day = self.day or utc_day()
        await self.ledger.reserve(self.bucket, day, estimate, limit=limit)
        self._held.append((day, estimate))

    async def spent(self, usage: Usage) -> None:
        """Settle a run that was made for this request with what it really used: the
        reservations held are given back or topped up to it, even past the limit."""
        self.ran = True
        used = usage.prompt_tokens + usage.completion_tokens
        self.llm_calls += usage.llm_calls
        self.tokens += used
        held, self._held = self._held, []
        # The day it was reserved on, even past midnight; without a reservation (no limit,
        # an offline run) the figures still count what was used.
        day = held[0][0] if held else (self.day or utc_day())
        await self.ledger.adjust(self.bucket, day, used - sum(tokens for _, tokens in held))

    async def release(self) -> None:
        """Give back reservations that no run settled (the run never started)."""
        held, self._held = self._held, []
        for day, tokens in held:
            await self.ledger.adjust(self.bucket, day, -tokens)

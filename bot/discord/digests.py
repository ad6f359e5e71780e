"""Moderator digests on Discord: one run, from reading the sources to the last message posted.

The scheduler (`bot.discord.cogs.digest`) calls `DigestRunner.tick` from a `discord.ext.tasks`
loop; `/digest now` calls `run_now`. A run:

1. claims its period in the store (`claim_period`): a period claimed by a live run, or already
   done, is never run again; a run this process left unfinished (a crash) is resumed;
2. decides which sources the digest may draw on: channels the bot can read, minus those that
   not everyone who can see the destination may read (the audience rule of `/summarize`);
3. reads what moved in the period (active and recently archived threads and forum posts, and
   channel conversations), skips quiet threads, summarizes the best candidates with bounded
   concurrency, and ranks them (`bot.digest.rank`);
4. posts a header (with the whole digest attached as Markdown), then one message per debate,
   in a thread under the header where the destination allows it, each message sent with a
   deterministic `nonce` (`enforce_nonce`) and recorded in the store as soon as it is sent;
5. marks the period done and moves the schedule on, in one transaction.

A restarted run skips the messages it recorded, so a crash between the claim and done never
posts a second header. A period skipped for a reason posts one short line saying why.

Budgets: a digest draws on the server's daily LLM budget (shared with `/summarize`) or on its
own. A budget already spent skips the period; then each LLM request is reserved on it before it
is sent and settled after (`bot.discord.ledger`, atomic in the store, so that digests and
`/summarize` in any number of processes never overcommit it), and a request the budget cannot
take leaves that debate to the offline engine, with a note.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot.digest.build import DigestReport, entry_from_result, jump_url
from bot.digest.rank import Activity, rank
from bot.digest.schedule import Period, period_now
from bot.discord.access import private_reason
from bot.discord.guards import BudgetExhausted, utc_day
from bot.discord.jobs import left_out_note
from bot.discord.ledger import BUDGET_UNKNOWN, estimate_call
from bot.discord.replies import NO_MENTIONS
from bot.ingest.discord_links import can_read, messages_to_thread
from bot.pipeline import Options, summarize_thread
from bot.render.digest import messages, to_markdown
from bot.store.base import NullStore, PostedAnswer, StoreUnavailable
from bot.store.digests import Claim, DigestRow, DigestStoreError
from bot.summarize.schema import DigestResult

if TYPE_CHECKING:
    from bot.discord.client import DigestBot

log = logging.getLogger(__name__)

# How many eligible candidates are ranked by an offline summary (the rest are listed under
# "more"), and how many summaries run at once.
MAX_RANKED = 200
CONCURRENCY = 4
READ_AHEAD = 1
ARCHIVED_PER_CHANNEL = 50
THREAD_NAME = 100  # Discord's limit for a thread name
_READABLE_TYPES = (discord.ChannelType.text, discord.ChannelType.news, discord.ChannelType.forum)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Candidate:
    """A thread or channel that moved in the period, with its messages in the window."""

    channel: Any
    window: list[Any]
    activity: Activity
    result: DigestResult | None = None
    older: list[Any] = field(default_factory=list)  # the part an earlier digest summarized
    mark: str | None = None  # the incremental mark of its LLM summary (`bot.digest.update`)
    opted_out: frozenset[int] = frozenset()
    whole: bool = False  # `window` is the whole thread (it began in the period, nothing cut)
    updated: bool = False  # its LLM summary updated the previous one


@dataclass
class Outcome:
    """What a run did, for `/digest show`, `/digest now` and the logs."""

    state: str  # posted | quiet | skipped | busy
    text: str
    posted: int = 0
    left_out: list[str] = field(default_factory=list)
    llm_calls: int = 0
    tokens: int = 0  # prompt + completion tokens of this run's fresh LLM summaries
    shown: list[int] = field(default_factory=list)  # the source ids of the debates shown
    updated: int = 0  # LLM summaries that updated a previous digest's summary
    llm_s: float = 0.0  # wall time of the LLM phase (the debates shown, in parallel)


class DigestRunner:
    """Runs the digests of one bot process. `owner` names this process in period claims (a
    process restarting under the same name resumes its unfinished runs at once)."""

    def __init__(
        self,
        bot: DigestBot,
        *,
        owner: str,
        clock: Callable[[], datetime] = utcnow,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self.bot = bot
        self.owner = owner
        self.clock = clock
        self._limit = asyncio.Semaphore(concurrency)
        # One thread read and prepared at a time, in rank order: the first request goes out
        # after one read, not after all of them, and the rest are read while it is in flight.
        self._reading = asyncio.Semaphore(READ_AHEAD)

    @property
    def store(self) -> Any:
        store = self.bot.store
        if isinstance(store, NullStore):
            # No usable database (open_store fell back): no digest tables to read or claim in.
            raise DigestStoreError(f"no usable database ({store.location}): no digests")
        return store

    # --- entry points -------------------------------------------------------------------------

    async def tick(self) -> list[Outcome]:
        """Run every due digest once (the scheduler's loop body)."""
        now = self.clock()
        outcomes = []
        for row in await self.store.due_digests(now):
            if not self.bot.owns_guild(row.config.guild_id):
                continue  # on another process's shard: that process runs it
            outcome = await self.run_scheduled(row, now)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    async def recover(self) -> list[Outcome]:
        """Resume the runs this process left claimed but unfinished (called at start-up)."""
        outcomes = []
        for digest_id, period in await self.store.unfinished_claims(self.owner):
            row = await self.store.digest(digest_id)
            claim = await self.store.claim_period(digest_id, period, owner=self.owner)
            if row is not None and claim is not None:
                log.info("resuming digest %d period %s", digest_id, period.key)
                outcomes.append(await self.execute(row, claim))
        return outcomes

    async def run_scheduled(self, row: DigestRow, now: datetime) -> Outcome | None:
        from bot.digest.schedule import due_period

        schedule = row.config.schedule
        period = due_period(schedule, now, created_at=row.created_at, last_end=row.last_end)
        if period is None:
            await self.store.set_digest_enabled(row.id, True, next_run=schedule.next_after(now))
            return None
        claim = await self.store.claim_period(row.id, period, owner=self.owner)
        if claim is None:
            return None
        return await self.execute(row, claim)

    async def run_now(self, row: DigestRow) -> Outcome:
        """`/digest now`: the period so far, posted at once."""
        now = self.clock()
        period = period_now(row.config.schedule, now, last_end=row.last_end)
        claim = await self.store.claim_period(row.id, period, owner=self.owner)
        if claim is None:
            return Outcome("busy", "A digest for this moment is already being posted.")
        return await self.execute(row, claim)

    # --- one run ------------------------------------------------------------------------------

    async def execute(self, row: DigestRow, claim: Claim) -> Outcome:
        """Build and post the claimed period, then mark it done (or skipped, saying why)."""
        period = claim.period
        now = self.clock()
        next_run = row.config.schedule.next_after(max(now, period.end))
        try:
            outcome = await self._build_and_post(row, claim)
        except DigestStoreError:
            # Nothing more can be recorded: stop posting. The claim stays; its lease decides
            # when it may be resumed, from the messages recorded so far.
            log.exception("digest %d: the store failed mid-run; stopping", row.id)
            return Outcome("skipped", "The digest store could not be written; stopped.")
        except discord.HTTPException as error:
            log.warning("digest %d: Discord refused a request (%s)", row.id, error.status)
            outcome = Outcome("skipped", f"Discord refused a request (HTTP {error.status}).")
        state = "skipped" if outcome.state == "skipped" else "done"
        await self.store.finish_period(
            row.id, period, state=state, outcome=outcome.text, next_run=next_run
        )
        log.info("digest %d period %s: %s", row.id, period.key, outcome.text)
        return outcome

    async def _build_and_post(self, row: DigestRow, claim: Claim) -> Outcome:
        config = row.config
        guild = self.bot.get_guild(config.guild_id)
        if guild is None:
            return Outcome("skipped", "I am no longer in this server.")
        destination = await self._channel(guild, config.destination_id)
        if destination is None or not self._can_post(destination, guild):
            return Outcome("skipped", "I cannot post in the digest's channel.")
        sources, left_out = self.readable_sources(guild, destination, row)
        if not sources:
            return await self._skip(
                row, claim, destination, "no source channel is readable by everyone here", left_out
            )
        try:
            opted_out = await self.store.opted_out(guild.id)
        except StoreUnavailable:
            # Who opted out cannot be checked: their words must not be risked.
            return await self._skip(
                row, claim, destination, "who opted out cannot be checked right now", left_out
            )
        budget = await self._budget(row)
        if budget.spent:
            return await self._skip(row, claim, destination, budget.spent, left_out)
        skipped: dict[int, int] = {}
        candidates = await self._candidates(guild, sources, claim.period, opted_out, skipped)
        for candidate in candidates:
            candidate.opted_out = opted_out
        report, failed, llm_s = await self._report(row, claim.period, candidates, left_out, budget)
        if skipped:
            note = left_out_note(sum(skipped.values()), len(skipped))
            report = report.model_copy(update={"notes": (*report.notes, note)})
        if report.empty and not config.quiet_day:
            return Outcome("quiet", "Nothing moved in this period; nothing posted.", 0, left_out)
        posted = await self._post(row, claim, destination, report, candidates)
        await self._mark(row, claim.period, report, candidates)
        n = len(report.entries)
        text = f"Posted {n} debate{'s' if n != 1 else ''}" + (
            f"; {len(failed)} left out" if failed else ""
        )
        fresh = [c.result for c in candidates if c.result is not None and not c.result.cached]
        outcome = Outcome(
            "posted",
            text + ".",
            posted,
            left_out,
            llm_calls=sum(r.usage.llm_calls for r in fresh),
            tokens=sum(r.usage.prompt_tokens + r.usage.completion_tokens for r in fresh),
            shown=[entry.source_id for entry in report.entries],
            updated=sum(1 for c in candidates if c.updated),
            llm_s=llm_s,
        )
        await self._charge(budget, outcome)
        return outcome

    async def _budget(self, row: DigestRow) -> _Budget:
        """The daily LLM token budget this digest draws on: the server's, shared with
        `/summarize` (`GUILD_DAILY_TOKENS`), or the digest's own (`own_budget_tokens`). Spent,
        or unknown because the store cannot tell (fail closed), the period is skipped. This
        is a first look; each LLM request is then reserved atomically (`_summarize_llm`)."""
        config = row.config
        own = config.own_budget_tokens
        bucket, limit = (-row.id, own) if own is not None else (config.guild_id, None)
        if limit is None:
            limit = self.bot.settings.guild_daily_tokens
        budget = _Budget(bucket, utc_day(self.clock()), limit, own=own is not None)
        if self.bot.llm is None or not limit:
            return budget
        try:
            used = (await self.store.guild_usage(bucket, budget.day)).tokens
        except StoreUnavailable:
            budget.spent = "the LLM budget cannot be checked right now"
            return budget
        if used >= limit:
            whose = "this digest's" if own is not None else "the server's"
            budget.spent = f"{whose} daily LLM budget is spent ({used:,} of {limit:,} tokens)"
        return budget

    async def _charge(self, budget: _Budget, outcome: Outcome) -> None:
        """Count the run in the budget's figures: its tokens were charged request by request
        through the ledger (reserved, then settled); the request and its LLM calls here."""
        if outcome.tokens or outcome.llm_calls:
            recorded = await self.store.record_usage(
                budget.bucket, budget.day, tokens=0, llm_calls=outcome.llm_calls, cached=False
            )
            if not recorded:
                log.warning("digest usage of %s not recorded", budget.bucket)

    async def _skip(
        self, row: DigestRow, claim: Claim, destination: Any, why: str, left_out: list[str]
    ) -> Outcome:
        # Never silent: one short visible line, once per period.
        if not claim.posts:
            sent = await destination.send(
                f"Digest **{discord.utils.escape_markdown(row.config.name)}** skipped: {why}.",
                allowed_mentions=NO_MENTIONS,
                nonce=self._nonce(row.id, claim.period, 0),
            )
            await self.store.record_digest_post(
                row.id, claim.period.key, seq=0, channel_id=destination.id,
                message_id=sent.id, nonce=self._nonce(row.id, claim.period, 0), owner=self.owner,
            )  # fmt: skip
        return Outcome("skipped", f"Skipped: {why}.", 1, left_out)

    # --- sources ------------------------------------------------------------------------------

    def readable_sources(
        self, guild: discord.Guild, destination: Any, row: DigestRow
    ) -> tuple[list[Any], list[str]]:
        """The channels the digest may read, and the ones left out with why."""
        me = guild.me
        wanted: dict[int, Any] = {}
        for ref in row.config.sources:
            if ref.kind == "guild":
                chosen = list(guild.channels)
            else:
                channel = guild.get_channel(ref.id)
                if channel is None:
                    continue
                chosen = (
                    list(channel.channels)
                    if isinstance(channel, discord.CategoryChannel)
                    else [channel]
                )
            for channel in chosen:
                if getattr(channel, "type", None) in _READABLE_TYPES:
                    wanted.setdefault(channel.id, channel)
        excluded = row.config.exclude
        sources, left_out = [], []
        for channel in wanted.values():
            if channel.id in excluded or getattr(channel, "category_id", None) in excluded:
                continue
            if not can_read(channel.permissions_for(me)):
                left_out.append(f"#{channel.name}: I cannot read it")
                continue
            reason = private_reason(channel, destination, destination_guild_id=guild.id)
            if reason is not None:
                left_out.append(f"#{channel.name}: {reason}")
                continue
            sources.append(channel)
        return sources, left_out

    async def _candidates(
        self,
        guild: discord.Guild,
        sources: Sequence[Any],
        period: Period,
        opted_out: frozenset[int] = frozenset(),
        skipped: dict[int, int] | None = None,
    ) -> list[Candidate]:
        """What moved: threads and channel conversations with messages in the period. The
        messages of members who opted out (counted in `skipped`) and the bot's own are left
        out before anything else sees them."""
        ids = {channel.id for channel in sources}
        threads: dict[int, Any] = {}
        for thread in await guild.active_threads():
            if thread.parent_id in ids and not thread.is_private():
                threads[thread.id] = thread
        for channel in sources:
            if not hasattr(channel, "archived_threads"):
                continue
            async for thread in channel.archived_threads(limit=ARCHIVED_PER_CHANNEL):
                stamp = thread.archive_timestamp
                if stamp is not None and stamp < period.start:
                    break  # newest first: the rest were archived before the period
                if not thread.is_private():
                    threads.setdefault(thread.id, thread)
        conversations = [c for c in sources if c.type != discord.ChannelType.forum]
        found = []
        limit = self.bot.settings.history_limit
        for channel in [*threads.values(), *conversations]:
            read = await self._window(channel, period)
            window = self._keep(read, opted_out, skipped)
            if window:
                candidate = self._candidate(guild, channel, window)
                # A thread made in the period with nothing cut: the window is all of it.
                made = getattr(channel, "created_at", None)
                candidate.whole = (
                    isinstance(channel, discord.Thread)
                    and made is not None
                    and made >= period.start
                    and len(read) < limit
                )
                found.append(candidate)
        return found

    async def _window(self, channel: Any, period: Period) -> list[Any]:
        """The channel's messages in the period, oldest first; the newest are kept when the
        history limit cuts (never the newest dropped)."""
        limit = self.bot.settings.history_limit
        # Newest first: with `after` alone discord.py reads oldest first, and a cut by `limit`
        # would drop the newest messages.
        history = channel.history(
            limit=limit,
            after=period.start,
            before=period.end + timedelta(microseconds=1),
            oldest_first=False,
        )
        newest_first = [m async for m in history if not m.is_system()]
        newest_first.sort(key=lambda m: m.id, reverse=True)
        return list(reversed(newest_first[:limit]))

    def _keep(
        self, window: list[Any], opted_out: frozenset[int], skipped: dict[int, int] | None
    ) -> list[Any]:
        me = getattr(self.bot.user, "id", None)
        kept = []
        for message in window:
            author = message.author.id
            if author in opted_out:
                if skipped is not None:
                    skipped[author] = skipped.get(author, 0) + 1
            elif author != me:
                kept.append(message)
        return kept

    def _candidate(self, guild: discord.Guild, channel: Any, window: list[Any]) -> Candidate:
        humans = [m for m in window if not m.author.bot]
        activity = Activity(
            source_id=channel.id,
            name=getattr(channel, "name", str(channel.id)),
            url=jump_url(guild.id, channel.id),
            new_messages=len(window),
            new_human_messages=len(humans),
            people=len({m.author.id for m in humans}),
            last_activity=window[-1].created_at if window else None,
        )
        return Candidate(channel, window, activity)

    # --- summaries and ranking ----------------------------------------------------------------

    async def _report(
        self,
        row: DigestRow,
        period: Period,
        candidates: list[Candidate],
        left_out: list[str],
        budget: _Budget | None = None,
    ) -> tuple[DigestReport, list[str], float]:
        """Rank every eligible candidate by an offline summary (cheap, no tokens), then
        summarize the debates shown with the configured engine (the LLM, when set)."""
        config = row.config
        ranked = rank([c.activity for c in candidates])
        by_id = {c.activity.source_id: c for c in candidates}
        scanned = [by_id[a.source_id] for a in ranked[:MAX_RANKED]]
        failed: list[str] = []
        await asyncio.gather(*(self._summarize(c, None, failed) for c in scanned))
        scored = [
            c.activity.model_copy(update={"side_shares": _shares(c.result)})
            for c in scanned
            if c.result is not None
        ]
        order = rank(scored)
        shown = order[: config.max_debates]
        more = order[config.max_debates :] + ranked[MAX_RANKED:]
        began = time.perf_counter()
        if self.bot.llm is not None:
            budget = budget or await self._budget(row)
            await asyncio.gather(*(self._summarize_llm(row, period, by_id[a.source_id], failed,
                                                       budget)
                                   for a in shown))  # fmt: skip
        else:
            # Offline, a debate shown is summarized again from the whole thread (cheap), so
            # that it says what the LLM's update of its earlier summary would.
            await asyncio.gather(*(self._summarize_whole(period, by_id[a.source_id])
                                   for a in shown))  # fmt: skip
        llm_s = time.perf_counter() - began
        previous = (
            row.last_end.astimezone(UTC).isoformat(timespec="seconds") if row.last_end else ""
        )
        entries = []
        for activity in shown:
            candidate = by_id[activity.source_id]
            if candidate.result is None:
                continue
            _, mark_period, _ = await self.store.thread_mark(row.id, activity.source_id)
            entries.append(
                entry_from_result(
                    activity,
                    candidate.result,
                    new_since_last=bool(previous) and mark_period == previous,
                )
            )
        people = {m.author.id for c in candidates for m in c.window if not m.author.bot}
        report = DigestReport(
            name=config.name,
            period=period,
            tz=config.schedule.tz,
            threads_active=len(candidates),
            messages=sum(c.activity.new_messages for c in candidates),
            people=len(people),
            entries=tuple(entries),
            more=tuple(more),
            left_out=tuple(dict.fromkeys(failed)),
            missed_runs=period.missed,
        )
        return report, failed, llm_s

    async def _summarize(self, candidate: Candidate, llm: Any, failed: list[str]) -> None:
        async with self._limit:
            thread = messages_to_thread(
                candidate.window, title=candidate.activity.name, url=candidate.activity.url
            )
            try:
                candidate.result = await summarize_thread(
                    thread,
                    store=self.bot.store,
                    options=Options(llm=llm, max_points_per_side=2),
                    flights=self.bot.flights,
                    cpu=self.bot.cpu.request() if self.bot.cpu is not None else None,
                )
            except Exception:  # one thread failing leaves the digest posted, with a note
                log.exception("digest: summarizing %s failed", candidate.activity.source_id)
                failed.append(f"{candidate.activity.name}: could not be summarized")

    async def _summarize_whole(self, period: Period, candidate: Candidate) -> None:
        """The offline summary of a debate shown, from the whole thread up to the history limit
        (the newest kept) rather than the period's messages; a channel conversation stays the
        period's, as with the LLM."""
        if candidate.whole or not isinstance(candidate.channel, discord.Thread):
            return
        try:
            async with self._reading:
                every = await self._whole(candidate, period)
            if len(every) <= len(candidate.window):
                return
            in_window = {m.id for m in candidate.window}
            thread = messages_to_thread(
                every, title=candidate.activity.name, url=candidate.activity.url
            )
            async with self._limit:
                result = await summarize_thread(
                    thread,
                    store=self.bot.store,
                    options=Options(llm=None, max_points_per_side=2),
                    flights=self.bot.flights,
                    cpu=self.bot.cpu.request() if self.bot.cpu is not None else None,
                )
        except Exception:  # the period's summary stands, with a note
            log.exception("digest: reading %s whole failed", candidate.activity.source_id)
            if candidate.result is not None:
                note = "Only this period's messages could be read for this summary."
                notes = [note, *candidate.result.notes]
                candidate.result = candidate.result.model_copy(update={"notes": notes})
            return
        candidate.older = [m for m in every if m.id not in in_window]
        candidate.result = result

    async def _summarize_llm(
        self,
        row: DigestRow,
        period: Period,
        candidate: Candidate,
        failed: list[str],
        budget: _Budget,
    ) -> None:
        """The LLM summary of a debate shown: an update of the previous digest's summary when
        the part it summarized is unchanged (same messages, none edited), else the whole thread
        since it was first summarized; every model failing falls back to the offline engine,
        with a note in the entry. Its tokens are reserved on the digest's budget before the
        request (atomically, across processes) and settled after: a budget that cannot take
        the request leaves this debate to the offline engine, with a note."""
        from bot.digest.update import DigestCall, Mark, TooLong, fingerprint, prepare_digest_llm
        from bot.summarize.llm import LLMError

        config = row.config
        activity = candidate.activity
        # One account per request: concurrent requests settle their own reservations.
        account = self.bot.ledger.account(budget.bucket, limit=budget.limit, day=budget.day)
        try:
            # Read and prepared one thread at a time, in rank order (the semaphore is fair);
            # an LLM slot is held only by a request being answered.
            async with self._reading:
                last_id, _, result_key = await self.store.thread_mark(row.id, activity.source_id)
                mark = Mark.decode(result_key)
                previous, older, notes = None, [], []
                if mark is not None:
                    older = await self._older(candidate, mark.first_id, last_id)
                    if older and fingerprint(older) == mark.fingerprint:
                        previous = await self.store.get(mark.key)
                    if previous is None:
                        notes.append(
                            "Messages summarized before were edited or deleted (or the earlier "
                            "summary expired): the thread was read again in full."
                        )
                new = [m for m in candidate.window if m.id > last_id]
                if not new:
                    new, older, previous = candidate.window, [], None
                every = [*older, *new]
                if previous is None and isinstance(candidate.channel, discord.Thread):
                    # A thread's first summary (or a full re-read) covers the whole thread,
                    # up to the history limit (the newest kept), not only this period; a
                    # thread made in the period was read whole already.
                    read = candidate.window if candidate.whole else None
                    every = read or await self._whole(candidate, period)
                in_window = {m.id for m in candidate.window}
                candidate.older = [m for m in every if m.id not in in_window]
                older = candidate.older
                thread = messages_to_thread(every, title=activity.name, url=activity.url)
                llm = self.bot.llm
                assert llm is not None  # only called when a model is configured
                call: DigestCall | TooLong | LLMError
                try:
                    call = await prepare_digest_llm(
                        thread,
                        old_ids=frozenset(str(m.id) for m in older) if previous else frozenset(),
                        previous=previous,
                        config=llm,
                        max_points=2,
                        language=config.language,
                        focus=config.focus,
                    )
                except (TooLong, LLMError) as err:
                    call = err  # answered below, outside the reading slot
            try:
                if isinstance(call, Exception):
                    raise call
                await account.reserve(_estimate(call))
                async with self._limit:  # the LLM calls only
                    try:
                        result = await call.send()
                    except LLMError:
                        raise
                    except Exception:
                        await account.spent(call.run.usage())  # what it used before failing
                        raise
                await account.spent(result.usage)
            except TooLong:
                # Too long for one request: in parts, by the engine of /summarize (without the
                # focus line, which that engine does not take), charged to the same budget.
                try:
                    async with self._limit:
                        whole = await summarize_thread(
                            thread, store=self.bot.store,
                            options=Options(llm=self.bot.llm, max_points_per_side=2,
                                            language=config.language),
                            flights=self.bot.flights, meter=account,
                        )  # fmt: skip
                except BudgetExhausted as refused:
                    await self._offline(candidate, thread, _budget_note(budget, refused), notes)
                    return
                note = "The thread is too long for one request: it was summarized in parts"
                note += " without the digest's focus line." if config.focus else "."
                candidate.result = whole.model_copy(update={"notes": [note, *notes, *whole.notes]})
                return
            except BudgetExhausted as refused:
                log.info("digest %d: budget of %s refused %s", row.id, budget.bucket,
                         activity.source_id)  # fmt: skip
                await self._offline(candidate, thread, _budget_note(budget, refused), notes)
                return
            except LLMError as err:
                await account.spent(err.usage)
                log.warning("digest: the LLM failed for %s: %s", activity.source_id, err)
                fallback = await summarize_thread(
                    thread, store=self.bot.store,
                    options=Options(llm=None, max_points_per_side=2), flights=self.bot.flights,
                )  # fmt: skip
                note = f"The LLM was unavailable ({err}); this is the offline engine's summary."
                candidate.result = fallback.model_copy(
                    update={"notes": [note, *notes, *fallback.notes], "usage": err.usage}
                )
                return
            candidate.result = result.model_copy(update={"notes": [*notes, *result.notes]})
            candidate.updated = previous is not None
            await self._keep_result(row, candidate, result, every)
        except Exception:  # one thread failing leaves the digest posted, with a note
            log.exception("digest: summarizing %s failed", activity.source_id)
            failed.append(f"{activity.name}: could not be summarized")

    async def _whole(self, candidate: Candidate, period: Period) -> list[Any]:
        """The thread up to the period's end, oldest first: its latest `history_limit`
        messages, with the same members left out."""
        limit = self.bot.settings.history_limit
        history = candidate.channel.history(
            limit=limit, before=period.end + timedelta(microseconds=1), oldest_first=False
        )
        newest_first = [m async for m in history if not m.is_system()]
        every = self._keep(list(reversed(newest_first)), candidate.opted_out, None)
        return every or candidate.window

    async def _older(self, candidate: Candidate, first_id: int, last_id: int) -> list[Any]:
        """The messages an earlier digest summarized (from `first_id` to `last_id`), as they
        are now, with the same members left out; empty when the history limit cannot hold them
        (then the thread is read again in full)."""
        limit = self.bot.settings.history_limit
        history = candidate.channel.history(
            limit=limit + 1,
            after=discord.Object(first_id - 1),
            before=discord.Object(last_id + 1),
            oldest_first=True,
        )
        found = [m async for m in history if not m.is_system()]
        if len(found) > limit:
            return []
        return self._keep(found, candidate.opted_out, None)

    async def _keep_result(
        self, row: DigestRow, candidate: Candidate, result: DigestResult, every: list[Any]
    ) -> None:
        """Store the summary (linked to its messages, so that forgetting one forgets it) and
        remember where it ended, for the next digest's update."""
        from bot.digest.update import Mark, fingerprint

        key = result.cache_key
        if key is None or not every:
            return
        ttl = self.bot.settings.cache_ttl_days * 86400 or None
        if not await self.store.put(key, result, ttl_seconds=ttl):
            return
        channel = candidate.channel
        channels = [
            channel.id,
            *([channel.parent_id] if getattr(channel, "parent_id", None) else []),
        ]
        await self.store.link_sources(
            key,
            guild_id=row.config.guild_id,
            channel_ids=channels,
            message_ids=[m.id for m in every],
            author_ids=list({m.author.id for m in every}),
        )
        candidate.mark = Mark(key, every[0].id, fingerprint(every)).encode()

    async def _offline(
        self, candidate: Candidate, thread: Any, note: str, notes: list[str]
    ) -> None:
        """The offline engine's summary of a debate the LLM could not be asked for, with why."""
        fallback = await summarize_thread(
            thread, store=self.bot.store,
            options=Options(llm=None, max_points_per_side=2), flights=self.bot.flights,
        )  # fmt: skip
        candidate.result = fallback.model_copy(update={"notes": [note, *notes, *fallback.notes]})

    # --- posting ------------------------------------------------------------------------------

    async def _post(
        self,
        row: DigestRow,
        claim: Claim,
        destination: Any,
        report: DigestReport,
        candidates: Sequence[Candidate] = (),
    ) -> int:
        """Post what is not posted yet, each message recorded at once: in the digest's run (to
        resume without posting twice) and as a posted answer with the messages it quotes (so
        that deleting or editing one of them withdraws it, like any answer)."""
        period = claim.period
        refs = {
            c.activity.source_id: [(row.config.guild_id, c.channel.id, m.id) for m in c.window]
            for c in candidates
        }
        for c in candidates:  # an updated summary may quote what an earlier digest read
            refs[c.activity.source_id] += [
                (row.config.guild_id, c.channel.id, m.id) for m in c.older
            ]
        shown = [ref for entry in report.entries for ref in refs.get(entry.source_id, [])]
        done = {p.seq: p for p in claim.posts}
        texts = messages(report)
        sent = 0
        target = destination
        if 0 in done:
            target = await self._entries_target(destination, done[0], report, create=True)
        else:
            attachment = discord.File(
                io.BytesIO(to_markdown(report).encode("utf-8")), filename="debate-digest.md"
            )
            nonce = self._nonce(row.id, period, 0)
            if isinstance(destination, discord.ForumChannel):
                # A forum post takes no nonce: a post made before a crash, and never recorded,
                # is found by its name (the digest's and the period's) and used, not made again.
                earlier = _own_post(destination, _thread_name(report))
                if earlier is not None:
                    header = earlier.starter_message or await earlier.fetch_message(earlier.id)
                    target = earlier
                    sent -= 1  # posted by the run that crashed
                else:
                    made = await destination.create_thread(
                        name=_thread_name(report), content=texts[0], file=attachment,
                        allowed_mentions=NO_MENTIONS,
                    )  # fmt: skip
                    header, target = made.message, made.thread
            else:
                header = await destination.send(
                    texts[0], file=attachment, allowed_mentions=NO_MENTIONS, nonce=nonce
                )
                target = await self._entries_target(destination, None, report, header=header)
            await self.store.record_digest_post(
                row.id, period.key, seq=0, channel_id=header.channel.id, message_id=header.id,
                nonce=nonce, owner=self.owner,
            )  # fmt: skip
            await self._record_answer(header, row, shown, None)  # its attachment quotes all
            sent += 1
        for seq, text in enumerate(texts[1:], 1):
            if seq in done:
                continue
            nonce = self._nonce(row.id, period, seq)
            message = await target.send(text, allowed_mentions=NO_MENTIONS, nonce=nonce)
            source = report.entries[seq - 1].source_id if seq <= len(report.entries) else None
            await self.store.record_digest_post(
                row.id, period.key, seq=seq, channel_id=target.id, message_id=message.id,
                nonce=nonce, source_id=source, owner=self.owner,
            )  # fmt: skip
            quoted = refs.get(source, []) if source is not None else []
            await self._record_answer(message, row, quoted, source)
            sent += 1
        return sent

    async def _record_answer(
        self, message: Any, row: DigestRow, sources: list[Any], source_id: int | None
    ) -> None:
        if not sources:
            return
        guild_id = row.config.guild_id
        again = jump_url(guild_id, source_id) if source_id is not None else None
        post = PostedAnswer(
            message_id=message.id,
            channel_id=message.channel.id,
            guild_id=guild_id,
            again_url=again,
        )
        if not await self.store.record_post(post, sources):
            log.warning("digest message %s not recorded; it cannot be withdrawn", message.id)

    async def _entries_target(
        self,
        destination: Any,
        posted: Any,
        report: DigestReport,
        *,
        header: Any = None,
        create: bool = False,
    ) -> Any:
        """Where the entries go: a thread under the header when the destination can hold one
        (its id is the header's), else the destination itself."""
        if isinstance(destination, discord.Thread):
            return destination
        if isinstance(destination, discord.ForumChannel):
            return await self._channel(destination.guild, posted.channel_id) or destination
        if not isinstance(destination, discord.TextChannel):
            return destination
        me = destination.guild.me
        if not destination.permissions_for(me).create_public_threads:
            return destination
        if header is None:
            existing = await self._channel(destination.guild, posted.message_id)
            if existing is not None or not create:
                return existing or destination
            header = await destination.fetch_message(posted.message_id)
        return await header.create_thread(name=_thread_name(report))

    async def _mark(
        self, row: DigestRow, period: Period, report: DigestReport, candidates: list[Candidate]
    ) -> None:
        last = {c.activity.source_id: c.window[-1].id for c in candidates if c.window}
        marks = {c.activity.source_id: c.mark for c in candidates}
        for entry in report.entries:
            await self.store.set_thread_mark(
                row.id, entry.source_id, last_message_id=last[entry.source_id],
                period_key=period.key, result_key=marks.get(entry.source_id),
            )  # fmt: skip

    # --- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _nonce(digest_id: int, period: Period, seq: int) -> str:
        # Discord keeps a nonce for a few minutes: a retried request in that time posts once.
        digest = hashlib.sha256(f"{digest_id}:{period.key}:{seq}".encode()).hexdigest()
        return digest[:25]  # Discord's nonce is at most 25 characters

    @staticmethod
    def _can_post(destination: Any, guild: discord.Guild) -> bool:
        perms = destination.permissions_for(guild.me)
        if isinstance(destination, discord.Thread):
            return perms.send_messages_in_threads and perms.view_channel
        return perms.send_messages and perms.view_channel

    async def _channel(self, guild: discord.Guild, channel_id: int) -> Any | None:
        channel = guild.get_channel_or_thread(channel_id)
        if channel is not None:
            return channel
        try:
            return await self.bot.fetch_channel(channel_id)
        except (discord.NotFound, discord.Forbidden, discord.InvalidData):
            return None


@dataclass
class _Budget:
    """The daily budget a digest run draws on: a bucket of the store's usage figures (the
    server's, or `-digest id` for the digest's own), its UTC day and limit (0 = none)."""

    bucket: int
    day: str
    limit: int
    own: bool = False
    spent: str | None = None


def _estimate(call: Any) -> int:
    """The tokens a digest's prepared request may cost (see `bot.discord.ledger`)."""
    return estimate_call(call)


def _budget_note(budget: _Budget, refused: BudgetExhausted) -> str:
    whose = "This digest's" if budget.own else "The server's"
    if str(refused) == BUDGET_UNKNOWN:  # the store stopped answering: fail closed
        return (
            f"{whose} daily LLM budget could not be checked during this digest; this is the "
            "offline engine's summary."
        )
    return (
        f"{whose} daily LLM budget ran out during this digest; this is the offline "
        "engine's summary."
    )


def _shares(result: DigestResult | None) -> tuple[float, ...]:
    if result is None:
        return ()
    sizes = [len(side.comment_ids) for side in result.summary.sides]
    total = sum(sizes)
    return tuple(size / total for size in sizes) if total else ()


def _own_post(forum: Any, name: str) -> Any:
    """The bot's own active post named `name` in `forum`, or None."""
    me = forum.guild.me
    for thread in forum.threads:
        if thread.name == name and me is not None and thread.owner_id == me.id:
            return thread
    return None


def _thread_name(report: DigestReport) -> str:
    moment = report.period.end.astimezone(UTC).strftime("%Y-%m-%d")
    return f"{report.name} · {moment}"[:THREAD_NAME]

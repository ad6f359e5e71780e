"""The summarize pipeline: thread → dedupe → cache lookup → engine → verify → store.

Plain Python with no Discord and no CLI in it, so that the command-line interface, the bot and
the tests all call the same thing. An engine (`bot.summarize.engine.Engine`) is a function of
the deduplicated thread; the cache key is computed from exactly what the engine sees plus what
the engine declares changes its output (its name, model, version and options).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from bot import __version__
from bot.errors import RunRefused
from bot.gcpause import paused_gc
from bot.ops import metrics
from bot.progress import Progress
from bot.singleflight import SingleFlight
from bot.store import Store
from bot.store.keys import cache_key, raw_key
from bot.summarize.balance import check_balance
from bot.summarize.engine import Draft, Engine, EngineUnavailable, LLMEngine, OfflineEngine
from bot.summarize.schema import (
    CommentOut,
    DigestResult,
    Duplicate,
    InputStats,
    Summary,
    Usage,
)
from bot.thread import Thread

if TYPE_CHECKING:
    from bot.dedupe import DedupeReport
    from bot.ingest.source import InputSource
    from bot.settings import Settings
    from bot.summarize.llm import LLMConfig
    from bot.workers import Cpu


log = logging.getLogger(__name__)


class Meter(Protocol):
    """Charges the engine runs made for one request (the bot's `bot.discord.ledger.Account`):
    `before_run` comes before any fresh engine run (`config` None: the offline engine), may
    refuse it with a `UserError` (a cooldown, a budget) and reserves an LLM run's cost before
    anything is sent; `spent` settles each run made, with what it really used. A request
    answered from the cache, or by a run another request started, is neither refused nor
    charged."""

    async def before_run(self, thread: Thread, config: LLMConfig | None) -> None: ...

    async def spent(self, usage: Usage) -> None: ...


# Average silent reading speed for non-fiction (Brysbaert 2019: ~238 words per minute).
READING_WPM = 238.0


@dataclass(frozen=True)
class Options:
    """What a caller chooses per request. `llm` set = the LLM engine (offline otherwise).
    Everything here that changes the output is part of the cache key.

    The one place the per-request choices live: `max_points_per_side` and `language` reach
    whichever engine runs from here (the LLM config holds only how to reach the model). Build
    it with `Options.from_settings`, as the CLI and the bot do.
    """

    llm: LLMConfig | None = None
    max_points_per_side: int = 4
    language: str | None = None
    near_threshold: float | None = None
    use_cache: bool = True
    ttl_seconds: float | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        model: str | None = None,
        llm: LLMConfig | None | Literal["settings"] = "settings",
        max_points: int | None = None,
        language: str | None = None,
        use_cache: bool = True,
    ) -> Options:
        """The options of one request: the settings, overridden by what the caller chose.

        `model` overrides `DEBATE_DIGEST_MODEL` (empty = offline); `llm` is an already built
        configuration (the bot's, made once at start-up; None = offline) and excludes `model`.
        `max_points` and `language` override the settings' defaults for this request only.
        """
        if model is not None and not isinstance(llm, str):
            raise ValueError("give either model or llm, not both")
        if isinstance(llm, str):
            if not (settings.model if model is None else model).strip():
                llm = None  # offline: no need to import the LLM engine (see LLMConfig)
            else:
                from bot.summarize.llm import LLMConfig

                llm = LLMConfig.from_settings(settings, model)
        if max_points is not None and max_points < 1:
            raise ValueError("max_points must be at least 1")
        return cls(
            llm=llm,
            max_points_per_side=max_points or settings.max_points_per_side,
            language=(language or "").strip() or None,
            near_threshold=settings.near_duplicate_threshold,
            use_cache=use_cache,
            ttl_seconds=settings.cache_ttl_days * 86400 or None,
        )


def input_stats(raw: Thread, unique: Thread, report: DedupeReport) -> InputStats:
    """The `input` block of the result, from the thread as given and as deduplicated."""
    return InputStats(
        comments=len(raw.comments),
        unique_comments=len(unique.comments),
        duplicates_removed=len(report.removed),
        duplicates_by_kind=dict(report.by_kind),
        participants=len(unique.participants),
    )


def duplicates(report: DedupeReport) -> list[Duplicate]:
    """Every fold of the report, for the result's `duplicates` list."""
    return [
        Duplicate(id=r.id, kind=r.kind, duplicate_of=r.duplicate_of, author=r.author)
        for r in report.removed
    ]


def _words(text: str) -> int:
    return len(text.split())


def _summary_words(summary: Summary) -> int:
    total = _words(summary.question) + sum(_words(q) for q in summary.open_questions)
    for side in summary.sides:
        total += _words(side.label) + _words(side.position)
        for point in side.points:
            total += _words(point.text) + sum(_words(q.text) for q in point.quotes)
    for point in summary.common_ground:
        total += _words(point.text) + sum(_words(q.text) for q in point.quotes)
    return total


def reading_minutes_saved(raw: Thread, summary: Summary) -> float:
    """Minutes a reader saves by reading the summary instead of the thread as given."""
    raw_words = sum(_words(c.text) for c in raw.comments)
    return round(max(0.0, (raw_words - _summary_words(summary)) / READING_WPM), 2)


async def _cached_or_run(
    key: str,
    options: Options,
    store: Store,
    flights: SingleFlight[DigestResult],
    run: Callable[[], Awaitable[DigestResult]],
    save: Callable[[DigestResult], bool],
) -> DigestResult:
    """Answer from the store, or run once per key in this process and store what `save` allows."""
    if options.use_cache:
        hit = await store.get(key)
        if hit is not None:
            log.info("cache hit %s", key)
            return hit

    async def run_and_store() -> DigestResult:
        if not options.use_cache:
            return await run()
        # Other processes sharing the store (PostgreSQL): one of them runs, the others wait
        # and take its stored result. A no-op on SQLite.
        async with store.claim(key):
            hit = await store.get(key)
            if hit is not None:
                log.info("cache hit %s (computed by another process)", key)
                return hit
            result = await run()
            if save(result):
                await store.put(key, result, ttl_seconds=options.ttl_seconds)
            return result

    return await flights.run(key, run_and_store)


def engine_for(options: Options, cpu: Cpu | None = None) -> Engine:
    """The engine `options` choose: the LLM engine when `options.llm` is set (its sides checked
    on `cpu`), else offline (on `cpu`); by default `cpu` is a worker thread of this process."""
    if options.llm is None:
        return OfflineEngine(cpu, options.max_points_per_side)
    return LLMEngine(options.llm, options.max_points_per_side, options.language, cpu)


@dataclass(frozen=True)
class _Request:
    """One thread being summarized: as given and deduplicated, and where answers come from."""

    thread: Thread
    unique: Thread
    report: DedupeReport
    options: Options
    store: Store
    flights: SingleFlight[DigestResult]
    progress: Progress | None
    started: float
    meter: Meter | None = None

    def key(self, engine: Engine) -> str:
        """The cache key of `engine`'s answer: the deduplicated comments, the engine's identity
        and options, and the dedupe threshold that made the comments."""
        options = {
            **engine.options,
            "near_threshold": self.report.near_threshold,
            **self.options.extra,
        }
        return cache_key(
            self.unique,
            engine=engine.name,
            model=engine.model,
            prompt_version=engine.version,
            options=options,
        )

    def own(self, result: DigestResult) -> DigestResult:
        """`result` (fresh or cached) with this request's input counts and folds."""
        return result.model_copy(
            update={
                "input": input_stats(self.thread, self.unique, self.report),
                "duplicates": duplicates(self.report),
            }
        )

    def build(self, engine: Engine, draft: Draft, key: str) -> DigestResult:
        unique = self.unique
        return DigestResult(
            engine=engine.name,
            model=draft.model,
            prompt_version=draft.prompt_version,
            cache_key=key,
            input=input_stats(self.thread, unique, self.report),
            summary=draft.summary,
            verification=draft.verification,
            usage=draft.usage,
            balance=check_balance(draft.summary, unique.comments),
            evidence=draft.evidence,
            comments=[
                CommentOut(id=c.id, author=c.author, text=c.text, url=c.url, reply_to=c.reply_to)
                for c in unique.comments
            ],
            duplicates=duplicates(self.report),
            notes=list(draft.notes),
            elapsed_ms=round((time.perf_counter() - self.started) * 1000, 1),
            reading_minutes_saved=reading_minutes_saved(self.thread, draft.summary),
            created_at=datetime.now(UTC),
        )

    async def answer(self, engine: Engine, fallback: Engine | None = None) -> DigestResult:
        """`engine`'s result, from the store or run once per key; when the engine is
        unavailable, `fallback`'s with a note saying so (never stored under `engine`'s key, so
        that the engine is asked again next time)."""
        # Hashing the comments of a large thread is tens of milliseconds: off the event loop.
        key = await asyncio.to_thread(self.key, engine)
        meter = self.meter
        llm = self.options.llm if isinstance(engine, LLMEngine) else None
        ran = False  # whether this request started the run (not joined another's)

        async def run() -> DigestResult:
            nonlocal ran
            ran = True
            if meter is not None:
                await meter.before_run(self.unique, llm)  # may refuse: nothing is sent then
            try:
                draft = await engine.summarize(self.unique, progress=self.progress)
            except EngineUnavailable as err:
                if meter is not None:
                    await meter.spent(err.usage)
                if fallback is None:
                    raise
                log.warning(
                    "%s unavailable, answering with %s: %s", engine.name, fallback.name, err
                )
                answer = await self.answer(fallback)
                note = f"The LLM was unavailable ({err}); this is the offline engine's summary."
                return answer.model_copy(
                    update={"notes": [note, *answer.notes], "usage": err.usage}
                )
            if meter is not None:
                await meter.spent(draft.usage)
            # The comments and the balance check of a large thread: in a worker thread too.
            return await asyncio.to_thread(self.build, engine, draft, key)

        def answer() -> Awaitable[DigestResult]:
            return _cached_or_run(
                key,
                self.options,
                self.store,
                self.flights,
                run,
                lambda result: result.engine == engine.name,
            )

        try:
            return await answer()
        except RunRefused:
            if ran:
                raise
            # This request joined a run that its starter's cooldown or budget refused: ask
            # again on its own meter (the refused run has left the single flight).
            return await answer()


@metrics.observed_summary
async def summarize_thread(
    thread: Thread,
    *,
    store: Store,
    options: Options | None = None,
    progress: Progress | None = None,
    flights: SingleFlight[DigestResult] | None = None,
    cpu: Cpu | None = None,
    meter: Meter | None = None,
) -> DigestResult:
    """Summarize `thread` (as given, duplicates and all) and return the full result.

    The result comes from the store when an identical request (same deduplicated comments,
    engine, model, prompt version and options) was answered before and has not expired; then
    `cached` is true and only the `input` counts are those of this request. Concurrent identical
    requests sharing `flights` cost one engine run. The store never makes this fail: a broken
    cache is a miss. When every LLM fails, the answer is the offline summary with a note saying
    so (and it is not stored under the LLM's key, so the LLM is asked again next time).

    `cpu` runs dedupe and the offline engine: the bot's capped worker processes
    (`bot.workers.CpuPool.request()`); by default a worker thread of this process. `meter`
    charges the runs made for this request (`Meter`).
    """
    options = options or Options()
    if cpu is None:
        from bot.workers import IN_PROCESS  # on use: a cache hit needs no worker machinery

        cpu = IN_PROCESS
    started = time.perf_counter()
    total = len(thread.comments)
    if progress is not None:
        progress("deduplicating", 0, total)
    unique, report = await cpu.dedupe(thread, options.near_threshold)
    if progress is not None:
        progress("deduplicating", total, total)
    request = _Request(
        thread, unique, report, options, store, flights or SingleFlight(), progress, started, meter
    )
    engine = engine_for(options, cpu)
    fallback = (
        None
        if isinstance(engine, OfflineEngine)
        else OfflineEngine(cpu, options.max_points_per_side)
    )
    answer = await request.answer(engine, fallback)
    # Counting a large thread's input is tens of milliseconds: off the event loop.
    return await asyncio.to_thread(request.own, answer)


class _InputOfKey(BaseModel):
    """What a raw key keeps of the input it was made from (not of the result it leads to): its
    counts, folds and reading notes, so that a raw hit answers as a cache hit after parsing
    and dedupe would."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: InputStats
    duplicates: list[Duplicate]
    notes: list[str]


def source_key(sources: Sequence[InputSource], fmt: str, options: Options) -> str:
    """The first-level cache key of `sources` (`bot.store.keys.raw_key`): their bytes, the
    format, the engine the options choose (name, model, version, options), the dedupe threshold
    and the program version."""
    engine = engine_for(options)
    return raw_key(
        [(s.name, s.data) for s in sources],
        fmt=fmt,
        engine=engine.name,
        model=engine.model,
        prompt_version=engine.version,
        options={
            **engine.options,
            "near_threshold": options.near_threshold,
            **options.extra,
        },
        program_version=__version__,
    )


async def summarize_sources(
    sources: Sequence[InputSource],
    fmt: str = "auto",
    *,
    store: Store,
    options: Options | None = None,
    progress: Progress | None = None,
    flights: SingleFlight[DigestResult] | None = None,
    cpu: Cpu | None = None,
) -> tuple[DigestResult, list[str]]:
    """Summarize inputs whose bytes are their whole content (files, standard input): parse,
    then `summarize_thread`. Returns the result and the thread's reading notes (how the input
    was read: cut at a limit, ...), which the caller shows with the result.

    A repeat of the same bytes with the same format, options, engine and program version is
    answered through the first-level key (`source_key`) without parsing or dedupe: the cost is
    reading and hashing the bytes and one store lookup. The raw key leads to the result's own
    cache key, so whatever removes the result (forgetting, purge, expiry) leaves the raw key
    leading nowhere. Links never come here: their content can change behind one address.
    """
    options = options or Options()
    raw = source_key(sources, fmt, options) if options.use_cache else None
    if raw is not None:
        hit = await store.get_raw(raw)
        if hit is not None:
            result, saved = hit
            try:
                with paused_gc():
                    seen = _InputOfKey.model_validate_json(saved)
            except ValidationError:
                log.warning("raw key %s holds an unreadable input record; a miss", raw)
            else:
                log.info("cache hit %s (raw key %s)", result.cache_key, raw)
                update = {"input": seen.input, "duplicates": seen.duplicates}
                return result.model_copy(update=update), list(seen.notes)
    if cpu is None:
        from bot.workers import IN_PROCESS

        cpu = IN_PROCESS
    thread = await cpu.parse(sources, fmt)
    result = await summarize_thread(
        thread, store=store, options=options, progress=progress, flights=flights, cpu=cpu
    )
    # Only the chosen engine's stored answer: an offline fallback is not the LLM's answer.
    if raw is not None and result.cache_key and result.engine == engine_for(options).name:
        seen = _InputOfKey(
            input=result.input, duplicates=result.duplicates, notes=list(thread.notes)
        )
        await store.put_raw(raw, result.cache_key, seen.model_dump_json())
    return result, list(thread.notes)

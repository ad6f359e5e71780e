"""The summarize pipeline: thread → dedupe → cache lookup → engine → verify → store.

Plain Python with no Discord and no CLI in it, so that the command-line interface, the bot and
the tests all call the same thing. Engines are functions of the deduplicated thread; the cache
key is computed from exactly what the engine sees plus everything that changes its output.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal, Protocol

from bot.dedupe import DedupeReport
from bot.progress import Progress
from bot.singleflight import SingleFlight
from bot.store import Store
from bot.store.keys import cache_key
from bot.summarize.balance import check_balance
from bot.summarize.schema import (
    CommentOut,
    DigestResult,
    Duplicate,
    InputStats,
    Summary,
    Usage,
)
from bot.thread import Thread
from bot.workers import IN_PROCESS, Cpu

if TYPE_CHECKING:
    from bot.settings import Settings
    from bot.summarize.llm import LLMConfig


log = logging.getLogger(__name__)


class Meter(Protocol):
    """Charges the engine runs made for one request (the bot's `bot.discord.ledger.Account`):
    `before_llm` reserves an LLM run's cost before anything is sent, and raises a `UserError`
    to refuse it; `spent` settles each run made, with what it really used. A request answered
    from the cache, or by a run another request started, is charged nothing."""

    async def before_llm(self, thread: Thread, config: LLMConfig) -> None: ...

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
    flights = flights or SingleFlight()
    cpu = cpu or IN_PROCESS
    started = time.perf_counter()
    notify = progress or (lambda stage, done, total: None)

    notify("deduplicating", 0, len(thread.comments))
    unique, report = await cpu.dedupe(thread, options.near_threshold)
    notify("deduplicating", len(thread.comments), len(thread.comments))
    # Counting, and below hashing the comments for the cache key, are tens of milliseconds for
    # a 2,000-comment thread: in worker threads, off the bot's event loop.
    stats, folds = await asyncio.to_thread(
        lambda: (input_stats(thread, unique, report), duplicates(report))
    )
    key_options = {
        "max_points_per_side": options.max_points_per_side,
        "near_threshold": report.near_threshold,
        **options.extra,
    }

    def finish(result: DigestResult) -> DigestResult:
        return result.model_copy(update={"input": stats, "duplicates": folds})

    def build(summary: Summary, verification, **fields) -> DigestResult:  # noqa: ANN001, ANN003
        return DigestResult(
            input=stats,
            summary=summary,
            verification=verification,
            balance=check_balance(summary, unique.comments),
            comments=[
                CommentOut(id=c.id, author=c.author, text=c.text, url=c.url, reply_to=c.reply_to)
                for c in unique.comments
            ],
            duplicates=folds,
            elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
            reading_minutes_saved=reading_minutes_saved(thread, summary),
            created_at=datetime.now(UTC),
            **fields,
        )

    async def offline() -> DigestResult:
        from bot.summarize.offline import ENGINE_VERSION

        key = await asyncio.to_thread(
            lambda: cache_key(
                unique,
                engine="offline",
                model=None,
                prompt_version=ENGINE_VERSION,
                options=key_options,
            )
        )

        async def run() -> DigestResult:
            notify("summarizing", 0, len(unique.comments))
            summary, verification, notes = await cpu.offline(
                unique, max_points_per_side=options.max_points_per_side, progress=progress
            )
            notify("summarizing", len(unique.comments), len(unique.comments))
            if meter is not None:
                await meter.spent(Usage())
            return await asyncio.to_thread(
                lambda: build(
                    summary,
                    verification,
                    engine="offline",
                    cache_key=key,
                    notes=list(notes),
                    usage=Usage(),
                )
            )

        return await _cached_or_run(key, options, store, flights, run, lambda _r: True)

    if options.llm is None:
        return finish(await offline())

    from bot.summarize.llm import PROMPT_VERSION, LLMError, summarize_llm

    config = options.llm
    key = await asyncio.to_thread(
        lambda: cache_key(
            unique,
            engine="llm",
            model=config.model,
            prompt_version=PROMPT_VERSION,
            options={
                **key_options,
                "language": options.language,
                "fallback_models": list(config.fallback_models),
            },
        )
    )

    async def run_llm() -> DigestResult:
        if meter is not None:
            await meter.before_llm(unique, config)  # may refuse: nothing is sent then
        try:
            outcome = await summarize_llm(
                unique,
                config,
                max_points_per_side=options.max_points_per_side,
                language=options.language,
                progress=progress,
            )
        except LLMError as err:
            log.warning("LLM unavailable, answering with the offline engine: %s", err)
            if meter is not None:
                await meter.spent(err.usage)
            fallback = await offline()
            note = f"The LLM was unavailable ({err}); this is the offline engine's summary."
            return fallback.model_copy(
                update={
                    "notes": [note, *fallback.notes],
                    "usage": err.usage,
                }
            )
        if meter is not None:
            await meter.spent(outcome.usage)
        # In a worker thread: the comments and the balance check of a large thread are tens of
        # milliseconds of CPU that stalled the bot's event loop.
        return await asyncio.to_thread(
            lambda: build(
                outcome.summary,
                outcome.verification,
                engine="llm",
                model=outcome.model,
                prompt_version=outcome.prompt_version,
                cache_key=key,
                notes=list(outcome.notes),
                usage=outcome.usage,
            )
        )

    # An offline fallback is never saved under the LLM's key.
    result = await _cached_or_run(
        key, options, store, flights, run_llm, lambda r: r.engine == "llm"
    )
    return finish(result)

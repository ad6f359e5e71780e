"""The summarize pipeline: thread → dedupe → cache lookup → engine → verify → store.

Plain Python with no Discord and no CLI in it, so that the command-line interface, the bot and
the tests all call the same thing. Engines are pure functions of the deduplicated thread; the
cache key is computed from exactly what the engine sees.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.dedupe import DedupeReport, dedupe
from bot.errors import ConfigError
from bot.store import Store
from bot.store.keys import cache_key
from bot.summarize.schema import (
    CommentOut,
    DigestResult,
    InputStats,
    Summary,
    Usage,
)
from bot.thread import Thread

log = logging.getLogger(__name__)

# Average silent reading speed for non-fiction (Brysbaert 2019: ~238 words per minute).
READING_WPM = 238.0

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Options:
    """What a caller may choose per request. Everything here that changes the output is part of
    the cache key (see `key_options`)."""

    model: str | None = None
    max_points_per_side: int = 4
    near_threshold: float | None = None
    use_cache: bool = True
    ttl_seconds: float | None = None
    extra: dict[str, object] = field(default_factory=dict)


def input_stats(raw: Thread, unique: Thread, report: DedupeReport) -> InputStats:
    """The `input` block of the result, from the thread as given and as deduplicated."""
    return InputStats(
        comments=len(raw.comments),
        unique_comments=len(unique.comments),
        duplicates_removed=len(report.removed),
        duplicates_by_kind=dict(report.by_kind),
        participants=len(unique.participants),
    )


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


async def summarize_thread(
    thread: Thread,
    *,
    store: Store,
    options: Options | None = None,
    progress: Progress | None = None,
) -> DigestResult:
    """Summarize `thread` (as given, duplicates and all) and return the full result.

    The result comes from the store when an identical request (same deduplicated comments, engine,
    model, prompt version and options) was answered before and has not expired; then `cached` is
    true and only the `input` counts are recomputed for this request. The store never makes this
    fail: a broken cache is a miss (the store logs why).
    """
    options = options or Options()
    started = time.perf_counter()
    notify = progress or (lambda stage, done, total: None)

    notify("deduplicating", 0, len(thread.comments))
    if options.near_threshold is None:
        unique, report = await asyncio.to_thread(dedupe, thread)
    else:
        unique, report = await asyncio.to_thread(
            dedupe, thread, near_threshold=options.near_threshold
        )
    notify("deduplicating", len(thread.comments), len(thread.comments))
    stats = input_stats(thread, unique, report)

    if options.model:
        # The LLM engine is its own piece of work (litellm); until it lands, say so plainly
        # instead of silently answering with something else.
        raise ConfigError(
            f"model {options.model!r} requested, but the LLM engine is not available in this "
            "version; unset DEBATE_DIGEST_MODEL / --model to use the offline engine"
        )

    from bot.summarize.offline import ENGINE_VERSION, summarize_offline
    from bot.summarize.verify import verify

    key = cache_key(
        unique,
        engine="offline",
        model=None,
        prompt_version=ENGINE_VERSION,
        options={
            "max_points_per_side": options.max_points_per_side,
            "near_threshold": report.near_threshold,
            **options.extra,
        },
    )
    if options.use_cache:
        hit = await store.get(key)
        if hit is not None:
            log.info("cache hit %s", key)
            return hit.model_copy(update={"cached": True, "input": stats})

    notify("summarizing", 0, len(unique.comments))
    summary, notes = await asyncio.to_thread(
        summarize_offline,
        unique,
        max_points_per_side=options.max_points_per_side,
        progress=progress,
    )
    summary, verification = verify(summary, unique.comments)
    notify("summarizing", len(unique.comments), len(unique.comments))

    result = DigestResult(
        engine="offline",
        model=None,
        cached=False,
        prompt_version=None,
        cache_key=key,
        input=stats,
        summary=summary,
        verification=verification,
        usage=Usage(),
        comments=[
            CommentOut(id=c.id, author=c.author, text=c.text, url=c.url, reply_to=c.reply_to)
            for c in unique.comments
        ],
        notes=list(notes),
        elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
        reading_minutes_saved=reading_minutes_saved(thread, summary),
        created_at=datetime.now(UTC),
    )
    if options.use_cache:
        await store.put(key, result, ttl_seconds=options.ttl_seconds)
    return result

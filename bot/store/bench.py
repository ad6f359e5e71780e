"""How fast a cache hit is answered, on a temporary SQLite file.

Target: under 50 ms for a hit, including opening the store, because every CLI run opens it.
"""

from __future__ import annotations

import logging
import math
import statistics
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter

from bot.store import open_store
from bot.store.keys import cache_key
from bot.store.sqlite import SQLiteStore
from bot.summarize.schema import (
    CommentOut,
    DigestResult,
    InputStats,
    Point,
    Quote,
    Side,
    Summary,
    Usage,
    Verification,
)
from bot.thread import Comment, Thread

log = logging.getLogger(__name__)

TARGET_MS = 50.0

_SENTENCES = (
    "Remote work removes the commute, which is two hours a day for many people in big cities.",
    "Teams that never meet lose the informal chats where most problems actually get solved.",
    "The productivity studies disagree because they measure different jobs and different tasks.",
    "Junior staff learn by watching seniors work, and a video call does not replace that.",
    "Offices were never quiet; open plans made deep work harder long before the pandemic.",
    "Companies that went fully remote now hire from everywhere, and that widens the pool.",
)


def realistic_thread(comments: int = 27) -> Thread:
    """A debate thread of `comments` comments of two to four sentences, six participants."""
    authors = ("ana", "ben", "chloe", "dev", "emeka", "farah")
    items = []
    for index in range(comments):
        words = " ".join(_SENTENCES[(index + k) % len(_SENTENCES)] for k in range(2 + index % 3))
        items.append(
            Comment(
                id=f"c{index + 1}",
                author=authors[index % len(authors)],
                text=words,
                reply_to=f"c{index}" if index % 4 else None,
            )
        )
    return Thread(comments=tuple(items), title="Is remote work better?", source="bench")


def realistic_result(thread: Thread | None = None) -> DigestResult:
    """A `DigestResult` of the size a real run stores: 4 sides x 4 points with citations and
    quotes, common ground, open questions and the ~27 deduplicated comments."""
    thread = thread or realistic_thread()
    ids = [comment.id for comment in thread.comments]
    texts = {comment.id: comment.text for comment in thread.comments}

    def point(number: int) -> Point:
        cited = [ids[number % len(ids)], ids[(number * 7 + 3) % len(ids)]]
        return Point(
            text=f"Claim {number}: " + _SENTENCES[number % len(_SENTENCES)],
            comment_ids=cited,
            quotes=[Quote(comment_id=cid, text=texts[cid][:80]) for cid in cited],
        )

    sides = [
        Side(
            label=f"Camp {side + 1}",
            position=_SENTENCES[side % len(_SENTENCES)],
            participants=sorted({c.author or "" for c in thread.comments[side::4]}),
            points=[point(side * 4 + k) for k in range(4)],
        )
        for side in range(4)
    ]
    return DigestResult(
        engine="llm",
        model="openai/gpt-4o-mini",
        prompt_version="summarize-v3",
        input=InputStats(
            comments=len(ids) * 2,
            unique_comments=len(ids),
            duplicates_removed=len(ids),
            duplicates_by_kind={"exact": len(ids) - 3, "near": 3},
            participants=len(thread.participants),
        ),
        summary=Summary(
            question="Is remote work better than working in an office?",
            sides=sides,
            common_ground=[point(100), point(101)],
            open_questions=[
                "How should junior staff be trained remotely?",
                "Which jobs gain most from an office?",
                "Do the productivity studies measure the same thing?",
            ],
        ),
        verification=Verification(quotes_checked=36, quotes_verified=36),
        usage=Usage(llm_calls=2, prompt_tokens=5400, completion_tokens=900, cost_usd=0.0014),
        comments=[
            CommentOut(id=c.id, author=c.author, text=c.text, reply_to=c.reply_to)
            for c in thread.comments
        ],
        notes=[],
        elapsed_ms=8200.0,
        reading_minutes_saved=6.5,
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
    )


def _ms(samples: list[float]) -> tuple[float, float]:
    """Median and p95 (nearest rank), in milliseconds, of samples in seconds."""
    ordered = sorted(samples)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return round(statistics.median(ordered) * 1000, 3), round(p95 * 1000, 3)


async def bench_cache_hit(n: int = 200) -> dict[str, object]:
    """Time `n` cache hits of a realistic result on a temporary SQLite file.

    Reports median and p95 in milliseconds of: `hit` (get on an open store), `open_get` (open
    the store and get: the time a CLI run waits for a cached answer) and `open_get_close` (the
    same plus closing it). `meets_target` is true when the p95 of `open_get` is under
    `TARGET_MS`. RuntimeError if a hit is not served (the bench would measure misses).
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    thread = realistic_thread()
    result = realistic_result(thread)
    key = cache_key(
        thread, engine="llm", model=result.model, prompt_version=result.prompt_version, options={}
    )
    hits: list[float] = []
    open_gets: list[float] = []
    open_get_closes: list[float] = []
    with tempfile.TemporaryDirectory(prefix="debate-digest-bench-") as folder:
        path = Path(folder) / "cache.sqlite3"
        store = await SQLiteStore(path).open()
        try:
            if not await store.put(key, result, ttl_seconds=None):
                raise RuntimeError("bench: could not save the result")
            for _ in range(n):
                started = perf_counter()
                served = await store.get(key)
                hits.append(perf_counter() - started)
                if served is None:
                    raise RuntimeError("bench: the stored result was not served")
        finally:
            await store.close()
        for _ in range(n):
            started = perf_counter()
            async with open_store(str(path)) as reopened:
                served = await reopened.get(key)
                open_gets.append(perf_counter() - started)
            open_get_closes.append(perf_counter() - started)
            if served is None:
                raise RuntimeError("bench: the stored result was not served after reopening")
    hit_median, hit_p95 = _ms(hits)
    open_median, open_p95 = _ms(open_gets)
    full_median, full_p95 = _ms(open_get_closes)
    figures: dict[str, object] = {
        "n": n,
        "result_bytes": len(result.model_dump_json().encode("utf-8")),
        "hit_median_ms": hit_median,
        "hit_p95_ms": hit_p95,
        "open_get_median_ms": open_median,
        "open_get_p95_ms": open_p95,
        "open_get_close_median_ms": full_median,
        "open_get_close_p95_ms": full_p95,
        "target_ms": TARGET_MS,
        "meets_target": open_p95 < TARGET_MS,
    }
    log.info("cache hit bench: %s", figures)
    return figures

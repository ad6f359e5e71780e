"""How fast a cache hit is answered, on a temporary SQLite file; and at scale (100,000 stored
results) on SQLite or PostgreSQL: `python -m bot.store.bench [--postgres URL]`.

Target: under 50 ms for a hit, including opening the store, because every CLI run opens it.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import math
import secrets
import statistics
import tempfile
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter

from bot.result import (
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
from bot.store import open_store
from bot.store.keys import cache_key
from bot.store.sqlite import SQLiteStore
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


# --- at scale: a large table, on either backend -------------------------------------------------


def _filler_rows(
    result: DigestResult, stored: int, created_at: str
) -> Iterator[tuple[object, ...]]:
    """`stored` rows of the `results` table holding `result` under distinct keys."""
    payload = result.model_copy(update={"cached": False}).model_dump_json()
    size = len(payload.encode("utf-8"))
    for number in range(stored):
        key = "sha256:" + hashlib.sha256(f"bench-{number}".encode()).hexdigest()
        yield (key, "llm", result.model, result.prompt_version, payload, created_at, None, size)


_FILL_COLUMNS = (
    "key",
    "engine",
    "model",
    "prompt_version",
    "result_json",
    "created_at",
    "expires_at",
    "size_bytes",
)


async def _fill_sqlite(store: SQLiteStore, rows: Iterator[tuple[object, ...]]) -> None:
    conn = store._conn
    assert conn is not None
    marks = ", ".join("?" for _ in _FILL_COLUMNS)
    sql = f"INSERT INTO results ({', '.join(_FILL_COLUMNS)}) VALUES ({marks})"
    async with store._transaction():
        while batch := list(itertools.islice(rows, 5000)):
            await conn.executemany(sql, batch)


async def _fill_postgres(store: SQLiteStore, rows: Iterator[tuple[object, ...]]) -> None:
    conn = store._conn
    assert conn is not None
    async with conn.pool.acquire() as pg:  # type: ignore[attr-defined]
        while batch := list(itertools.islice(rows, 5000)):
            await pg.copy_records_to_table("results", records=batch, columns=_FILL_COLUMNS)


async def bench_cache_hit_at_scale(
    postgres_url: str | None = None, *, stored: int = 100_000, n: int = 200
) -> dict[str, object]:
    """Median and p95 of `n` cache hits (`get` on an open store, random keys) among `stored`
    realistic results: on a temporary SQLite file, or with `postgres_url` in a temporary schema
    of that PostgreSQL database (created, migrated and dropped here). `fill_s` is the time to
    store the rows (not part of the figures)."""
    import random

    if n < 1 or stored < 1:
        raise ValueError("n and stored must be at least 1")
    result = realistic_result()
    created = datetime(2025, 1, 1, tzinfo=UTC).isoformat(timespec="microseconds")
    keys = ["sha256:" + hashlib.sha256(f"bench-{i}".encode()).hexdigest() for i in range(stored)]
    chooser = random.Random(12)
    hits: list[float] = []
    async with contextlib.AsyncExitStack() as stack:
        if postgres_url is None:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="debate-digest-"))
            store: SQLiteStore = await SQLiteStore(Path(folder) / "cache.sqlite3").open()
            stack.push_async_callback(store.close)
            fill = _fill_sqlite
        else:
            from bot.store.postgres import PostgresStore, connect, upgrade

            schema = f"bench_{secrets.token_hex(6)}"
            admin = await connect(postgres_url)
            stack.push_async_callback(admin.close)
            await admin.execute(f"CREATE SCHEMA {schema}")
            stack.push_async_callback(admin.execute, f"DROP SCHEMA {schema} CASCADE")
            url = f"{postgres_url}{'&' if '?' in postgres_url else '?'}search_path={schema}"
            migrating = await connect(url)
            try:
                await upgrade(migrating)
            finally:
                await migrating.close()
            store = await PostgresStore(url).open()
            stack.push_async_callback(store.close)
            fill = _fill_postgres
        started = perf_counter()
        await fill(store, _filler_rows(result, stored, created))
        fill_s = perf_counter() - started
        if postgres_url is not None:
            await store._conn.execute("ANALYZE results")  # type: ignore[union-attr]
        for _ in range(n):
            key = chooser.choice(keys)
            started = perf_counter()
            served = await store.get(key)
            hits.append(perf_counter() - started)
            if served is None:
                raise RuntimeError("bench: a stored result was not served")
    median, p95 = _ms(hits)
    figures: dict[str, object] = {
        "backend": "sqlite" if postgres_url is None else "postgresql",
        "stored": stored,
        "n": n,
        "result_bytes": len(result.model_dump_json().encode("utf-8")),
        "fill_s": round(fill_s, 1),
        "hit_median_ms": median,
        "hit_p95_ms": p95,
    }
    log.info("cache hit bench at scale: %s", figures)
    return figures


async def _worker(url: str, api_base: str, requests: int) -> dict[str, object]:
    """One bot process: `requests` identical LLM requests at once on the PostgreSQL store,
    started when the parent writes a line to stdin (so that every process starts together)."""
    import asyncio
    import sys

    from bot.pipeline import Options, summarize_thread
    from bot.singleflight import SingleFlight
    from bot.store.postgres import PostgresStore
    from bot.summarize.llm import LLMConfig

    thread = realistic_thread()
    config = LLMConfig(
        model="openai/fake-model",
        api_base=api_base,
        api_key="bench",
        max_retries=0,
        timeout_s=60.0,
    )
    options = Options(llm=config)
    flights: SingleFlight[DigestResult] = SingleFlight()
    store = await PostgresStore(url).open()
    try:
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        await asyncio.to_thread(sys.stdin.readline)
        results = await asyncio.gather(
            *(
                summarize_thread(thread, store=store, options=options, flights=flights)
                for _ in range(requests)
            )
        )
    finally:
        await store.close()
    return {
        "answers": len(results),
        "engines": sorted({r.engine for r in results}),
        "cached": sum(r.cached for r in results),
        "llm_calls_reported": sum(r.usage.llm_calls for r in results if not r.cached),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m bot.store.bench [--postgres URL] [--stored N] [--n N]`: one JSON line."""
    import argparse
    import asyncio
    import json
    import sys

    parser = argparse.ArgumentParser(description=bench_cache_hit_at_scale.__doc__)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL URL (default: SQLite)")
    parser.add_argument("--stored", type=int, default=100_000, help="results stored first")
    parser.add_argument("--n", type=int, default=200, help="hits timed")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        url, api_base, requests = args.worker
        figures = asyncio.run(_worker(url, api_base, int(requests)))
    else:
        figures = asyncio.run(bench_cache_hit_at_scale(args.postgres, stored=args.stored, n=args.n))
    sys.stdout.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    main()

"""How fast a cache hit is answered, on a temporary SQLite file; at scale (100,000 stored
results) on SQLite or PostgreSQL: `python -m bot.store.bench [--postgres URL]`; and a repeated
input of the CLI through the first-level key, whole process: `--raw-mb 20`.

Target: under 50 ms for a hit, including opening the store, because every CLI run opens it.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import math
import random
import secrets
import statistics
import tempfile
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter, process_time

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


# --- the CLI on a repeated input: first-level (raw) key, whole process ---------------------------

RAW_TARGET_S = 1.0


def raw_input(megabytes: float, *, seed: int = 0) -> bytes:
    """A pasted thread of just under `megabytes` MB, one comment per line: two to four of the bench
    sentences with a number that makes most comments unique, and one in five an exact copy of
    an earlier one (so that dedupe has folds to report)."""
    rng = random.Random(seed)
    target = int(megabytes * 1024 * 1024)
    lines: list[bytes] = []
    size = 0
    while True:
        if lines and rng.random() < 0.2:
            line = lines[rng.randrange(len(lines))]
        else:
            words = " ".join(rng.choice(_SENTENCES) for _ in range(rng.randint(2, 4)))
            line = f"{words} (point {len(lines)})\n".encode()
        if size + len(line) > target:
            break  # at most `megabytes`: 20 MB is the default input limit
        lines.append(line)
        size += len(line)
    return b"".join(lines)


def _cli(args: Sequence[str]) -> tuple[float, float, str]:
    """The CLI in this process: (wall seconds, CPU seconds, stdout)."""
    import io
    from contextlib import redirect_stdout

    from bot.cli import app

    out = io.StringIO()
    started, cpu = perf_counter(), process_time()
    with redirect_stdout(out):
        app(list(args), standalone_mode=False)
    return perf_counter() - started, process_time() - cpu, out.getvalue()


def _process(args: Sequence[str]) -> tuple[float, float]:
    """The CLI as a whole process (`python -m bot ...`, stdout discarded): (wall seconds, CPU
    seconds of the child)."""
    import os
    import resource
    import subprocess
    import sys

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
        env={**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"},
    )
    wall = perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def bench_raw_hit(megabytes: float = 20.0, repeats: int = 5) -> dict[str, object]:
    """A repeated `debate-digest summarize FILE --json` of a `megabytes` MB paste answered from
    the cache through the first-level (raw input) key, offline, on a temporary SQLite file.

    Medians of `repeats` runs, in seconds: `read_hash_s` (reading and hashing the input, the
    floor), `hit_in_process_s` (the CLI called in this process: read, hash, open the store, load
    the result, write the JSON), `hit_process_s` (the same as a whole `python -m bot` process,
    start and imports included), and their CPU seconds; `fresh_s` is the first run (parse,
    dedupe, engine). The seed thread's cache hit as a whole process (`seed_hit_process_s`,
    with `--json` and as the terminal view) and `help_process_s` (`--help`) are measured the
    same way. RuntimeError if a repeat is not a cache hit.
    """
    import json

    from bot.ingest import read_source
    from bot.pipeline import Options, source_key
    from bot.settings import Settings

    def median(values: list[float]) -> float:
        return round(statistics.median(values), 3)

    with tempfile.TemporaryDirectory(prefix="debate-digest-bench-") as folder:
        path = Path(folder) / "thread.txt"
        path.write_bytes(raw_input(megabytes))
        size_mb = path.stat().st_size / 1048576
        db = str(Path(folder) / "cache.sqlite3")
        args = ["summarize", str(path), "--json", "--db", db]
        fresh, _, out = _cli([*args, "--model", ""])
        if json.loads(out)["cached"]:
            raise RuntimeError("bench: the first run was a cache hit")
        settings = Settings()
        options = Options.from_settings(settings, model="")
        floor = []
        for _ in range(repeats):
            started = perf_counter()
            source = read_source(str(path), max_bytes=settings.max_input_bytes)
            source_key([source], "auto", options)
            floor.append(perf_counter() - started)
        walls, cpus = [], []
        for _ in range(repeats):
            wall, cpu, out = _cli([*args, "--model", ""])
            if '"cached": true' not in out[:200]:
                raise RuntimeError("bench: a repeat was not a cache hit")
            walls.append(wall)
            cpus.append(cpu)
        runs = [_process([*args, "--model", ""]) for _ in range(repeats)]

        seed = Path(folder) / "seed.txt"
        from importlib import resources

        seed.write_bytes(resources.files("bot").joinpath("data/seed-thread.txt").read_bytes())
        seed_args = ["summarize", str(seed), "--db", db, "--model", ""]
        _process([*seed_args, "--json"])  # fills the cache
        seed_json = [_process([*seed_args, "--json"]) for _ in range(repeats)]
        seed_terminal = [_process(seed_args) for _ in range(repeats)]
        help_runs = [_process(["--help"]) for _ in range(repeats)]
    figures: dict[str, object] = {
        "megabytes": round(size_mb, 1),
        "repeats": repeats,
        "fresh_s": round(fresh, 2),
        "read_hash_s": median(floor),
        "hit_in_process_s": median(walls),
        "hit_in_process_cpu_s": median(cpus),
        "hit_process_s": median([w for w, _ in runs]),
        "hit_process_cpu_s": median([c for _, c in runs]),
        "seed_hit_process_json_s": median([w for w, _ in seed_json]),
        "seed_hit_process_terminal_s": median([w for w, _ in seed_terminal]),
        "seed_hit_process_cpu_s": median([c for _, c in seed_json]),
        "help_process_s": median([w for w, _ in help_runs]),
        "help_process_cpu_s": median([c for _, c in help_runs]),
        "target_s": RAW_TARGET_S,
    }
    figures["meets_target"] = float(figures["hit_process_s"]) < RAW_TARGET_S  # type: ignore[arg-type]
    log.info("raw-key cache hit bench: %s", figures)
    return figures


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m bot.store.bench [--postgres URL] [--stored N] [--n N]`, or
    `python -m bot.store.bench --raw-mb 20 [--repeats N]`: one JSON line."""
    import argparse
    import asyncio
    import json
    import sys

    parser = argparse.ArgumentParser(description=bench_cache_hit_at_scale.__doc__)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL URL (default: SQLite)")
    parser.add_argument("--stored", type=int, default=100_000, help="results stored first")
    parser.add_argument("--n", type=int, default=200, help="hits timed")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument(
        "--raw-mb",
        type=float,
        metavar="MB",
        help="instead: a repeated `summarize FILE --json` of an MB-sized paste (bench_raw_hit)",
    )
    parser.add_argument("--repeats", type=int, default=5, help="runs per figure (--raw-mb)")
    args = parser.parse_args(argv)
    if args.raw_mb:
        figures = bench_raw_hit(args.raw_mb, args.repeats)
    elif args.worker:
        url, api_base, requests = args.worker
        figures = asyncio.run(_worker(url, api_base, int(requests)))
    else:
        figures = asyncio.run(bench_cache_hit_at_scale(args.postgres, stored=args.stored, n=args.n))
    sys.stdout.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    main()

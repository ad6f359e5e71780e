"""Fetching a Hacker News tree: bounded concurrency against a sequential fetch.

A synthetic 1,000-comment tree (`fakes.fake_web.hn_tree`, HN-like: ~20% top-level, the
rest under a random earlier comment) is served on 127.0.0.1 with a fixed latency per request
(50 ms), and fetched through the real client and guard as `debate-digest summarize URL` does:

- `concurrent`: `fetch_hackernews` with the default `web_concurrency`: every kid is requested as
  soon as its parent arrives, one semaphore over all levels;
- `level_by_level`: the same client, but each level waits for the whole previous level (the
  naive breadth-first fetch), for comparison;
- `sequential`: concurrency 1, the baseline.

The ideal is (requests / concurrency) × latency; a tree cannot beat its depth either (a reply
is known only once its parent has arrived), so `depth_bound` = (levels) × latency is reported
too, and `ideal` is the larger of the two. Medians of `repeats` runs (sequential once: it is
long and its spread is small).

    python -m bot.bench.web_bench [--quick] [--json] [--sweep]
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from typing import Any

from fakes.fake_web import FakeWeb, hn_tree, serve_hn, tree_depth

from bot.ingest.web.client import WebClient
from bot.ingest.web.guard import Policy, allow_only
from bot.ingest.web.hackernews import fetch_hackernews


def _client(server: FakeWeb, concurrency: int) -> WebClient:
    return WebClient(
        policy=Policy(allow=allow_only(("127.0.0.1", server.port))), concurrency=concurrency
    )


async def _fetch(server: FakeWeb, concurrency: int, comments: int) -> tuple[float, int, int]:
    async with _client(server, concurrency) as client:
        started = time.perf_counter()
        thread = await fetch_hackernews(
            client, 1, api_base=f"{server.url}/v0", max_comments=comments + 1
        )
        return time.perf_counter() - started, client.requests, len(thread.comments)


async def _level_by_level(server: FakeWeb, concurrency: int) -> tuple[float, int]:
    async with _client(server, concurrency) as client:
        started = time.perf_counter()
        level = [1]
        while level:
            items = await asyncio.gather(
                *(client.get_json(f"{server.url}/v0/item/{i}.json") for i in level)
            )
            level = [k for item in items if item for k in item.get("kids", [])]
        return time.perf_counter() - started, client.requests


def run(
    *,
    comments: int = 1000,
    latency: float = 0.05,
    concurrency: int | None = None,
    repeats: int = 3,
    sequential: float | None = None,
) -> dict[str, Any]:
    """Run the three fetches; figures in seconds unless named otherwise. `sequential` reuses a
    sequential time measured before (for a sweep over concurrency)."""
    if concurrency is None:
        from bot.settings import Settings

        concurrency = Settings().web_concurrency
    items = hn_tree(comments)
    levels = tree_depth(items, 1) + 1  # the story's own request is a level too
    with FakeWeb(latency=latency) as server:
        serve_hn(server, items)
        runs = [asyncio.run(_fetch(server, concurrency, comments)) for _ in range(repeats)]
        naive = [asyncio.run(_level_by_level(server, concurrency))[0] for _ in range(repeats)]
        if sequential is None:
            sequential = asyncio.run(_fetch(server, 1, comments))[0]
        peak = server.max_in_flight
    wall = statistics.median(r[0] for r in runs)
    requests = runs[0][1]
    by_count = requests / concurrency * latency
    depth_bound = levels * latency
    ideal = max(by_count, depth_bound)
    return {
        "comments": comments,
        "fetched_comments": runs[0][2],
        "latency_ms": latency * 1000,
        "concurrency": concurrency,
        "requests": requests,
        "tree_levels": levels,
        "concurrent_s": round(wall, 3),
        "concurrent_runs_s": [round(r[0], 3) for r in runs],
        "level_by_level_s": round(statistics.median(naive), 3),
        "sequential_s": round(sequential, 3),
        "ideal_requests_over_concurrency_s": round(by_count, 3),
        "depth_bound_s": round(depth_bound, 3),
        "ratio_to_ideal": round(wall / ideal, 3),
        "speedup_vs_sequential": round(sequential / wall, 2),
        "speedup_vs_level_by_level": round(statistics.median(naive) / wall, 2),
        "peak_in_flight": peak,
    }


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    quick = "--quick" in args
    report = run(comments=200 if quick else 1000, repeats=1 if quick else 3)
    if "--sweep" in args:  # higher concurrency, where the tree's depth starts to show
        report = {
            "default": report,
            **{
                f"concurrency_{n}": run(
                    comments=report["comments"],
                    concurrency=n,
                    repeats=1 if quick else 3,
                    sequential=report["sequential_s"],
                )
                for n in (32, 128)
            },
        }
    if "--json" in args:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
        return
    for key, value in report.items():
        sys.stdout.write(f"{key:36} {value}\n")


if __name__ == "__main__":
    main()

"""Benchmark of the LLM engine, with no network: prompt economy and map-reduce wall time.

(a) Prompt economy on the seed thread (53 pasted lines, 27 distinct): tokens of the request we
    send, against the tokens of the distinct comments plus the fixed prompt (target <= 1.15:
    the per-comment framing is cheap) and against the same prompt over the raw paste (target
    <= 0.6: duplicates are not paid for). Counted with `litellm.token_counter` for a named model
    (default gpt-4o-mini, offline through litellm's local cost map and bundled tokenizer).
(b) Map-reduce against the fake OpenAI-compatible server (`bot.bench.fake_openai`) with a fixed
    added latency: a thread of real ArgKP arguments (5,000 by default, in reply chains of four)
    and a context window small enough to chunk it. Reports calls, chunks, wall time and the
    ideal (ceil(chunks / concurrency) + reduce rounds) x latency, and their ratio.

    python -m bot.bench.llm_bench [--comments 5000] [--latency 0.2] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import logging
import math
import sys
import time
from importlib import resources
from typing import Any

from bot.bench.fake_openai import FakeOpenAI, Reply, debate_responder
from bot.summarize.llm import (
    LLMConfig,
    _litellm,
    comment_line,
    summarize_llm,
    summarize_messages,
)
from bot.thread import Comment, Thread

log = logging.getLogger(__name__)

DEFAULT_TOKEN_MODEL = "gpt-4o-mini"
BENCH_CONTEXT_TOKENS = 24_576
"""Small enough that 5,000 comments need about ten chunks, large enough that their partial
summaries fit one reduce request (so calls = chunks + 1)."""


def seed_lines() -> list[str]:
    """The seed paste as shipped with the package (`bot/data/seed-thread.txt`)."""
    text = (resources.files("bot") / "data" / "seed-thread.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


def argkp_arguments() -> list[str]:
    """The `argument` column of the ArgKP dev split shipped in `bot/data/argkp`."""
    path = resources.files("bot") / "data" / "argkp" / "arguments_dev.csv"
    with path.open("r", encoding="utf-8", newline="") as handle:
        return [row["argument"] for row in csv.DictReader(handle) if row["argument"].strip()]


def chained_thread(n: int) -> Thread:
    """`n` comments of real arguments (cycled), in reply chains: a root and three replies."""
    texts = argkp_arguments()
    comments = []
    for i in range(n):
        root = i - i % 4
        comments.append(
            Comment(
                id=f"a{i}",
                text=texts[i % len(texts)],
                author=f"user{i % 97}",
                reply_to=None if i == root else f"a{root}",
            )
        )
    return Thread(comments=tuple(comments), source="argkp")


def prompt_economy(model: str = DEFAULT_TOKEN_MODEL) -> dict[str, Any]:
    """Part (a). The distinct comments are the seed lines deduplicated by exact text, which is
    what dedupe keeps for this paste (27 of 53)."""
    llm = _litellm()
    raw = seed_lines()
    unique = list(dict.fromkeys(raw))

    def messages(texts: list[str]) -> list[dict[str, str]]:
        lines = [comment_line(Comment(id=f"c{i}", text=t)) for i, t in enumerate(texts, 1)]
        return summarize_messages(
            lines, route="json_schema", max_points=4, language=None, boundary="0" * 16
        )

    def count(**kwargs: Any) -> int:
        return int(llm.token_counter(model=model, **kwargs))

    request = count(messages=messages(unique))
    fixed = count(messages=messages([]))
    comments = sum(count(text=t) for t in unique)
    raw_request = count(messages=messages(raw))
    return {
        "token_model": model,
        "lines": len(raw),
        "unique_comments": len(unique),
        "request_tokens": request,
        "fixed_prompt_tokens": fixed,
        "unique_comment_tokens": comments,
        "raw_paste_request_tokens": raw_request,
        "ratio_vs_unique_plus_prompt": round(request / (comments + fixed), 3),
        "ratio_vs_raw_paste": round(request / raw_request, 3),
        "targets": {"ratio_vs_unique_plus_prompt": 1.15, "ratio_vs_raw_paste": 0.6},
    }


async def map_reduce(
    *,
    comments: int = 5000,
    latency: float = 0.2,
    concurrency: int = 4,
    context_tokens: int = BENCH_CONTEXT_TOKENS,
) -> dict[str, Any]:
    """Part (b): one summarize run against the fake server; wall time from the call to the
    outcome, after a warm-up call (litellm's one-off first-call set-up is reported apart).
    `planning_s` is when the chunk plan was complete (the first "summarizing" progress report;
    the map requests of the chunks closed first run meanwhile), `map_s` the map step after it,
    `reduce_s` the merge."""
    llm = await asyncio.to_thread(_litellm)
    thread = chained_thread(comments)
    with FakeOpenAI(latency=latency, responder=debate_responder) as server:
        # A long-running bot pays litellm's first-call set-up (lazy imports, HTTP client,
        # tokenizer load) once per process: measure it apart from the run.
        warm = time.perf_counter()
        llm.encode(model="openai/fake-model", text="warm up")
        server.queue(Reply(content="{}", delay=-latency))  # no added latency for this one
        await llm.acompletion(
            model="openai/fake-model",
            messages=[{"role": "user", "content": "warm up"}],
            api_base=server.url,
            api_key="bench",
            num_retries=0,
        )
        warmup = time.perf_counter() - warm
        server.requests.clear()
        config = LLMConfig(
            model="openai/fake-model",
            api_base=server.url,
            api_key="bench",
            concurrency=concurrency,
            context_tokens=context_tokens,
            max_retries=0,
            timeout_s=30.0,
        )
        marks: dict[str, float] = {}
        rounds = 0
        started = time.perf_counter()

        def progress(stage: str, done: int, total: int) -> None:
            nonlocal rounds
            marks.setdefault(stage, time.perf_counter() - started)
            if stage == "merging" and done == 0:
                rounds += 1

        outcome = await summarize_llm(thread, config, progress=progress)
        wall = time.perf_counter() - started
        reduce_calls = len(server.requests) - outcome.chunks
        max_in_flight = server.max_in_flight
    # Map waves plus reduce rounds, each costing one latency; one round when the partial
    # summaries fit one request (then calls = chunks + 1).
    ideal = (math.ceil(outcome.chunks / concurrency) + rounds) * latency
    return {
        "comments": comments,
        "latency_s": latency,
        "concurrency": concurrency,
        "context_tokens": context_tokens,
        "chunks": outcome.chunks,
        "calls": outcome.usage.llm_calls,
        "reduce_calls": reduce_calls,
        "reduce_rounds": rounds,
        "calls_equal_chunks_plus_one": outcome.usage.llm_calls == outcome.chunks + 1,
        "max_in_flight": max_in_flight,
        "first_call_setup_s": round(warmup, 3),
        "planning_s": round(marks.get("summarizing", 0.0), 3),
        "map_s": round(marks.get("merging", wall) - marks.get("summarizing", 0.0), 3),
        "reduce_s": round(wall - marks.get("merging", wall), 3),
        "wall_s": round(wall, 3),
        "ideal_s": round(ideal, 3),
        "wall_over_ideal": round(wall / ideal, 3) if ideal else None,
        "quotes_verified": outcome.verification.quotes_verified,
        "quotes_dropped": outcome.verification.quotes_dropped,
    }


async def run(
    *,
    comments: int = 5000,
    latency: float = 0.2,
    concurrency: int = 4,
    context_tokens: int = BENCH_CONTEXT_TOKENS,
    token_model: str = DEFAULT_TOKEN_MODEL,
) -> dict[str, Any]:
    """Both parts; a dict of plain numbers (see the module docstring)."""
    economy = await asyncio.to_thread(prompt_economy, token_model)
    speed = await map_reduce(
        comments=comments, latency=latency, concurrency=concurrency, context_tokens=context_tokens
    )
    return {"prompt_economy": economy, "map_reduce": speed}


def _report(result: dict[str, Any]) -> str:
    e, m = result["prompt_economy"], result["map_reduce"]
    return "\n".join(
        [
            f"prompt economy (seed thread, {e['token_model']} tokens):",
            f"  request {e['request_tokens']} = {e['ratio_vs_unique_plus_prompt']} x "
            f"(unique comments {e['unique_comment_tokens']} + fixed prompt "
            f"{e['fixed_prompt_tokens']})  [target <= 1.15]",
            f"  request / raw paste request ({e['raw_paste_request_tokens']}) = "
            f"{e['ratio_vs_raw_paste']}  [target <= 0.6]",
            f"map-reduce ({m['comments']} comments, {m['latency_s'] * 1000:.0f} ms latency, "
            f"concurrency {m['concurrency']}, context {m['context_tokens']}):",
            f"  chunks {m['chunks']}, calls {m['calls']} (reduce {m['reduce_calls']}), "
            f"max in flight {m['max_in_flight']}",
            f"  wall {m['wall_s']} s (plan complete at {m['planning_s']} s, map {m['map_s']} s "
            f"more, reduce "
            f"{m['reduce_s']} s in {m['reduce_rounds']} round(s)), ideal {m['ideal_s']} s, "
            f"ratio {m['wall_over_ideal']}; one-off first-call set-up {m['first_call_setup_s']} s",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Command line: prints the report (or `--json`) on stdout."""
    parser = argparse.ArgumentParser(prog="python -m bot.bench.llm_bench", description=__doc__)
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds added per reply")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--context", type=int, default=BENCH_CONTEXT_TOKENS)
    parser.add_argument("--token-model", default=DEFAULT_TOKEN_MODEL)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    result = asyncio.run(
        run(
            comments=args.comments,
            latency=args.latency,
            concurrency=args.concurrency,
            context_tokens=args.context,
            token_model=args.token_model,
        )
    )
    out = json.dumps(result, indent=2) if args.json else _report(result)
    sys.stdout.write(out + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

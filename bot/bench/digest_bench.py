"""Benchmark of a moderator digest over many active threads and consecutive days, no network.

The real bot (`bot.discord.app.assembled`) on the loopback Discord (`fakes.discord`), the loopback
LLM with a fixed latency (200 ms by default). A guild has `--threads` active debate threads
in one channel, messages from 4-6 people each, replies included: the `--debates` hot ones start
with `--messages` messages and grow by `--grow` a day, the others start with half and grow by a
third of that. A digest covering them all runs once a day for `--days` days (`/digest now`'s
path). Every eligible thread is ranked by an offline summary
(no tokens); only the debates shown are summarized by the LLM, and from the second day on a
debate shown before is updated from its previous summary (`prompts/update.v2.md`).

The model is given a 32k context window, so that a whole thread fits one request (map-reduce
in parts is another benchmark's subject).

Reported per day: wall time of the run, LLM calls and tokens, how many summaries were updates,
the tokens of re-reading the same threads in full (the same engine, no previous summary: the
control, run after the day's digest and not timed) and the ratio; and the ideal wall time of the
LLM phase, (threads summarized / concurrency + 1) × latency.

    python -m bot.bench.digest_bench [--threads 200] [--messages 150] [--grow 15] [--days 3]
                                     [--debates 10] [--latency 0.2] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from typing import Any

from fakes.fake_openai import FakeOpenAI, debate_responder

LINES = [
    "We should move the weekly meeting to Thursday, Mondays are too busy for everyone.",
    "I disagree, Thursday clashes with the release train and people will skip it.",
    "I agree with the first point, Monday mornings are a mess of catch-up anyway.",
    "No way, the release train matters more than one meeting slot.",
    "Source? I have not seen anyone skip the Thursday calls so far.",
    "Both sides agree the meeting should stay under thirty minutes.",
]


def _post(fake: Any, thread: Any, people: list[Any], number: int, index: int, step: float) -> None:
    author = people[(number + index % (4 + number % 3)) % len(people)]
    text = f"{LINES[index % len(LINES)]} (thread {number}, note {index})"
    previous = thread.messages[-1] if thread.messages and index % 2 else None
    fake.add_message(thread, author, text, reply_to=previous, at=fake.ids.tick(step))


def _spread(counts: list[int]) -> float:
    # A day's messages all fall within 20 hours, so that one daily digest covers them.
    return 20 * 3600 / max(1, sum(counts))


async def _full_reread_tokens(bot: Any, thread_ids: list[int]) -> int:
    """Tokens of summarizing each thread whole, as a digest would with no previous summary."""
    from bot.digest.update import summarize_digest_llm
    from bot.ingest.discord_links import messages_to_thread

    limit = asyncio.Semaphore(4)

    async def one(thread_id: int) -> int:
        async with limit:
            channel = bot.get_channel(thread_id) or await bot.fetch_channel(thread_id)
            every = [m async for m in channel.history(limit=None, oldest_first=True)]
            thread = messages_to_thread(every, title=channel.name)
            result = await summarize_digest_llm(
                thread, previous=None, config=bot.llm, max_points=2, language=None, focus=None
            )
            return result.usage.prompt_tokens + result.usage.completion_tokens

    return sum(await asyncio.gather(*(one(t) for t in thread_ids)))


async def run(
    threads: int,
    messages: int,
    debates: int,
    latency: float,
    folder: Path,
    *,
    days: int = 3,
    grow: int = 15,
) -> dict:
    from fakes.discord import FakeDiscord

    from bot.digest.config import DigestConfig, SourceRef
    from bot.digest.schedule import Schedule
    from bot.discord.app import assembled
    from bot.discord.digests import CONCURRENCY
    from bot.settings import Settings
    from bot.store.sqlite import SQLiteStore

    os.environ.setdefault("OPENAI_API_KEY", "bench")
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    per_day: list[dict[str, Any]] = []
    with FakeOpenAI(latency=latency, responder=debate_responder) as llm:
        async with FakeDiscord() as fake:
            guild = fake.add_guild("Bench")
            general = fake.add_channel(guild, "general")
            log = fake.add_channel(guild, "mod-log")
            people = [fake.add_user(f"member{i}") for i in range(30)]
            for user in people:
                fake.add_member(guild, user)
            made = [
                fake.add_thread(general, f"debate {number}", owner=people[0])
                for number in range(threads)
            ]
            first = [messages if n < debates else messages // 2 for n in range(threads)]
            # The hot debates stay hot: the first `debates` threads grow by `grow` a day, the
            # others by a third of that.
            daily = [grow if n < debates else max(3, grow // 3) for n in range(threads)]
            step = _spread(first)
            for number, thread in enumerate(made):
                for index in range(first[number]):
                    _post(fake, thread, people, number, index, step)
            settings = Settings(
                database_url=f"sqlite:///{folder / 'bench.sqlite3'}",
                model="openai/fake-model",
                api_base=llm.url,
                guild_daily_tokens=0,
                llm_max_retries=0,
                digest_tick_s=0,
                # A window that holds a whole thread (the 8,192 assumed for an unknown model
                # would send day 2's 165-message re-read through map-reduce).
                context_tokens=32768,
            )
            start = datetime(2026, 1, 1, tzinfo=UTC)
            async with assembled(settings) as bot, fake.run_client(bot):
                assert isinstance(bot.store, SQLiteStore)  # the digest tables are SQLite's
                row_id = await bot.store.save_digest(
                    DigestConfig(
                        guild_id=guild.id,
                        destination_id=log.id,
                        sources=(SourceRef(kind="channel", id=general.id),),
                        schedule=Schedule(at=dt_time(0, 0), tz="UTC"),
                        max_debates=debates,
                    ),
                    created_by=None,
                    next_run=start,
                )
                cog: Any = bot.get_cog("Digests")
                for day in range(1, days + 1):
                    if day > 1:
                        fake.ids.tick(3 * 3600)
                        step = _spread(daily)
                        for number, thread in enumerate(made):
                            for index in range(daily[number]):
                                note = first[number] + day * daily[number] + index
                                _post(fake, thread, people, number, note, step)
                    moment = fake.ids.now + timedelta(minutes=1)
                    cog.runner.clock = lambda moment=moment: moment
                    row = await bot.store.digest(row_id)
                    llm_before = len(llm.requests)
                    began = time.perf_counter()
                    outcome = await cog.runner.run_now(row)
                    wall = time.perf_counter() - began
                    calls = len(llm.requests) - llm_before
                    full = await _full_reread_tokens(bot, outcome.shown)
                    summarized = len(outcome.shown)
                    ideal = (summarized / CONCURRENCY + 1) * latency
                    per_day.append(
                        {
                            "day": day,
                            "outcome": outcome.text,
                            "shown": sorted(made.index(t) for t in made if t.id in outcome.shown),
                            "wall_s": round(wall, 3),
                            "llm_phase_s": round(outcome.llm_s, 3),
                            "llm_calls": calls,
                            "tokens": outcome.tokens,
                            "updates": outcome.updated,
                            "full_reread_tokens": full,
                            "tokens_vs_full": round(outcome.tokens / full, 3) if full else None,
                            "llm_phase_ideal_s": round(ideal, 3),
                        }
                    )
    return {
        "threads": threads,
        "messages_per_thread": messages,
        "grow_per_day": grow,
        "debates_shown": debates,
        "llm_latency_s": latency,
        "days": per_day,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=200)
    parser.add_argument("--messages", type=int, default=150)
    parser.add_argument("--grow", type=int, default=15)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--debates", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        report = asyncio.run(
            run(
                args.threads,
                args.messages,
                args.debates,
                args.latency,
                Path(folder),
                days=args.days,
                grow=args.grow,
            )  # fmt: skip
        )
    if args.json:
        sys.stdout.write(json.dumps(report) + "\n")
    else:
        for key, value in report.items():
            if key != "days":
                sys.stdout.write(f"{key:>22}: {value}\n")
        for day in report["days"]:
            sys.stdout.write("  ".join(f"{k}={v}" for k, v in day.items()) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
